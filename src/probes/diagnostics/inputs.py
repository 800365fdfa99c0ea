"""What every diagnostic receives: the probes' snapshots, the deployment, and shared fetches.

The probes already collect the stack, the ECS service and its tasks, target health, alarms and
costs; diagnostics read those snapshots (`snapshot()`) instead of calling the same APIs again.
Data several diagnostics need and no probe collects (the task definition, a role's policies,
metric statistics) is fetched once per run through `shared()`: the first caller starts the
fetch, the others await the same task, and a failure reaches each of them as `FetchFailed`
carrying the classified error, so each reports "could not run" with the same reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from probes.context import AwsContext, current_action
from probes.deployment import Deployment
from probes.errors import ErrorKind, ProbeError, action_of, classify
from probes.identity import CallerIdentity
from probes.result import ProbeResult

T = TypeVar("T")


def not_implemented(exc: BaseException) -> bool:
    """An HTML 500 instead of an AWS error: the endpoint lacks the API (moto does this).
    It surfaces as a ResponseParserError or as a ClientError whose message is the page."""
    if isinstance(exc, ResponseParserError):
        return True
    if isinstance(exc, ClientError):
        message = str(exc.response.get("Error", {}).get("Message", "")).lstrip().lower()
        return message.startswith(("<!doctype html", "<html"))
    return False


class ProbeUnavailable(Exception):
    """A snapshot a diagnostic needs is missing because its probe failed."""

    def __init__(self, probe: str, error: ProbeError):
        super().__init__(f"the {probe} probe failed: {error.summary()}")
        self.probe = probe
        self.error = error


class FetchFailed(Exception):
    """A shared fetch failed; `error` says why (classified where the call was made)."""

    def __init__(self, error: ProbeError):
        super().__init__(error.message)
        self.error = error


@dataclass
class DiagnosticInputs:
    """One run's inputs. Created by the runner; diagnostics only read from it."""

    ctx: AwsContext
    deployment: Deployment
    identity: CallerIdentity | None
    results: Mapping[str, ProbeResult[Any]]
    now: datetime
    _shared: dict[str, asyncio.Future[Any]] = field(default_factory=dict, repr=False)
    # Errors a diagnostic tolerated (it still reported); the permissions summary reads them.
    notes: list[ProbeError] = field(default_factory=list, repr=False)

    @property
    def account(self) -> str:
        """The account id: from STS, else from any ARN the deployment holds."""
        if self.identity is not None and self.identity.account:
            return self.identity.account
        d = self.deployment
        for arn in (*d.target_group_arns, *d.load_balancer_arns, *d.topic_arns,
                    *d.certificate_arns):
            parts = arn.split(":")
            if len(parts) > 4 and parts[4].isdigit():
                return parts[4]
        return ""

    def snapshot(self, probe: str) -> Any:
        """The probe's data, or `ProbeUnavailable` (the diagnostic then cannot run)."""
        result = self.results.get(probe)
        if result is None:
            raise ProbeUnavailable(probe, ProbeError(
                ErrorKind.OTHER, f"the {probe} probe did not run", "re-run the diagnostics"))
        if result.error is not None or result.data is None:
            raise ProbeUnavailable(probe, result.error or ProbeError(
                ErrorKind.OTHER, f"the {probe} probe returned nothing", "re-run"))
        return result.data

    def snapshot_or_none(self, probe: str) -> Any:
        """The probe's data when it has some: for diagnostics that only enrich with it."""
        result = self.results.get(probe)
        return result.data if result is not None and result.ok else None

    def classify(self, exc: BaseException, action: str | None = None) -> ProbeError:
        # The action recorded on the exception first: a call made in a child task (gather)
        # never set this task's `current_action`.
        action = action_of(exc) or action or current_action.get()
        if not_implemented(exc):
            return ProbeError(
                ErrorKind.OTHER,
                f"the endpoint does not implement {action or 'this API'} (it answered an HTML "
                "error page, as emulators do for calls they lack)",
                "nothing to fix in AWS: against an endpoint with this API the check runs",
                action, "NotImplemented")
        return classify(exc, action=action, profile=self.ctx.settings.profile,
                        endpoint=self.ctx.settings.endpoint_url)

    def note(self, error: ProbeError) -> None:
        """Record a tolerated failure (e.g. one bucket of three could not be read)."""
        self.notes.append(error)

    async def shared(self, key: str, fetch: Callable[[], Awaitable[T]]) -> T:
        """`fetch()` once per run for every diagnostic that asks for `key`."""
        future = self._shared.get(key)
        if future is None:
            future = asyncio.ensure_future(self._classified(fetch))
            self._shared[key] = future
        # A diagnostic that times out must not cancel the fetch the others are waiting on.
        return await asyncio.shield(future)

    async def _classified(self, fetch: Callable[[], Awaitable[T]]) -> T:
        current_action.set(None)  # this runs in its own task: the context is a copy
        try:
            return await fetch()
        except asyncio.CancelledError:
            raise
        except FetchFailed:
            raise
        except Exception as exc:  # classified here, where the failing action is known
            raise FetchFailed(self.classify(exc)) from exc

    async def close(self) -> None:
        """Cancel shared fetches nobody awaited to the end (a diagnostic timed out)."""
        pending = [f for f in self._shared.values() if not f.done()]
        for future in pending:
            future.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for future in self._shared.values():
            if future.done() and not future.cancelled():
                future.exception()  # mark retrieved: no "exception never retrieved" noise
