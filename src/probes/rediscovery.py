"""Keep the probes pointed at what the stack holds now, not at what it held at start-up.

Discovery runs again, in the background, when:
- a discovery step failed at start-up (the probes watch the guide's names meanwhile): retried
  with backoff until it succeeds;
- a probe reports NOT_FOUND (a stack update replaced a target group or a log group): at most
  once per `min_interval_s`;
- the stack's LastUpdatedTime or status changes, or the service's task definition does (its
  log groups may differ).

When the names change, `retarget` re-points the probes and `on_change` learns which ones.
UI-free: the app starts it and refreshes the probes it names.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from probes.context import AwsContext
from probes.deployment import Deployment, NameOverrides, discover
from probes.errors import EnvironmentUnusable, ErrorKind
from probes.log_cursor import GroupCursor
from probes.result import Probe, ProbeResult

log = logging.getLogger(__name__)

RENAMED_BY_DISCOVERY = ("ecs", "targets", "logs", "alarms")


def retarget(probes: Mapping[str, Probe[Any]], old: Deployment, new: Deployment) -> list[str]:
    """Point the probes at `new`'s names; returns the names of the probes that changed."""
    changed: list[str] = []
    ecs, targets, logs, alarms = (probes.get(n) for n in RENAMED_BY_DISCOVERY)
    if ecs is not None and (old.cluster, old.service) != (new.cluster, new.service):
        ecs.cluster, ecs.service = new.cluster, new.service
        changed.append("ecs")
    if targets is not None and (old.target_group_arns, old.load_balancer_arns) != (
            new.target_group_arns, new.load_balancer_arns):
        targets.target_group_arns = new.target_group_arns
        targets.load_balancer_arns = new.load_balancer_arns
        changed.append("targets")
    if logs is not None and set(old.log_groups) != set(new.log_groups):
        follower = logs.follower
        kept = [c for c in follower.cursors if c.group in new.log_groups]
        known = {c.group for c in kept}
        start_ms = int(time.time() * 1000) - 5 * 60_000
        follower.cursors = kept + [GroupCursor(g, start_ms, follower.head_overlap_events)
                                   for g in dict.fromkeys(new.log_groups) if g not in known]
        changed.append("logs")
    if alarms is not None and (old.alarm_names, old.alarm_prefix) != (
            new.alarm_names, new.alarm_prefix):
        alarms.names, alarms.prefix = new.alarm_names, new.alarm_prefix
        changed.append("alarms")
    metrics = probes.get("metrics")  # issue 13: its dimensions are discovered names too
    if metrics is not None and hasattr(metrics, "retarget") and metrics.retarget(new):
        changed.append("metrics")
    return changed


class Rediscovery:
    """Runs discovery again when the results say the names may have moved."""

    def __init__(self, ctx: AwsContext, stack: str, overrides: NameOverrides | None,
                 deployment: Deployment, probes: Mapping[str, Probe[Any]], *,
                 on_change: Callable[[Deployment, list[str]], None] | None = None,
                 min_interval_s: float = 60.0, retry_s: float = 15.0,
                 max_retry_s: float = 300.0, clock: Callable[[], float] = time.monotonic):
        self.ctx, self.stack, self.overrides = ctx, stack, overrides
        self.deployment = deployment
        self.probes = probes
        self.on_change = on_change
        self.min_interval_s, self.retry_s, self.max_retry_s = min_interval_s, retry_s, max_retry_s
        self._clock = clock
        self._last_run = clock()
        self._failures = 0
        self._stack_mark: tuple[object, ...] | None = None
        self._task_definition: str | None = None
        self._due = asyncio.Event()
        self._urgent = False
        self._task: asyncio.Task[None] | None = None
        self.runs = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def request(self) -> None:
        """Discover again now (the operator pressed r while discovery is incomplete)."""
        self._urgent = True
        self._due.set()

    def observe(self, result: ProbeResult[Any]) -> None:
        """Look at a probe's result for a reason to rediscover."""
        if result.error is not None:
            if result.error.kind is ErrorKind.NOT_FOUND and result.probe in RENAMED_BY_DISCOVERY:
                self._due.set()
            return
        data = result.data
        if result.probe == "stack" and data is not None:
            mark = (getattr(data, "last_updated", None), getattr(data, "status", None))
            if self._stack_mark is not None and mark != self._stack_mark:
                self._urgent = True
                self._due.set()
            self._stack_mark = mark
        elif result.probe == "ecs" and data is not None:
            revision = getattr(data, "task_definition", None)
            if self._task_definition is not None and revision != self._task_definition:
                self._urgent = True
                self._due.set()
            self._task_definition = revision

    async def _loop(self) -> None:
        while True:
            if self.deployment.problems:
                delay = min(self.max_retry_s, self.retry_s * 2 ** self._failures)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._due.wait(), timeout=delay)
            else:
                await self._due.wait()
            wait = 0.0 if self._urgent else self._last_run + self.min_interval_s - self._clock()
            if wait > 0 and not self.deployment.problems:
                await asyncio.sleep(wait)
            self._due.clear()
            self._urgent = False
            await self.run_once()

    async def run_once(self) -> list[str]:
        """Discover now; re-point the probes if the names moved. Never raises."""
        self._last_run = self._clock()
        self.runs += 1
        try:
            new = await discover(self.ctx, self.stack, self.overrides)
        except asyncio.CancelledError:
            raise
        except EnvironmentUnusable as exc:
            log.warning("rediscovery failed: %s", exc.error.summary())
            self._failures += 1
            return []
        except Exception:  # a bug here must not stop the probes
            log.exception("rediscovery failed")
            self._failures += 1
            return []
        self._failures = self._failures + 1 if new.problems else 0
        if new.problems:
            # Keep the names that worked; only the failed steps' probes stay on guesses.
            new = _keep_known(self.deployment, new)
        old, self.deployment = self.deployment, new
        changed = retarget(self.probes, old, new)
        if self.on_change is not None and (changed or old.problems != new.problems):
            self.on_change(new, changed)
        return changed


def _keep_known(old: Deployment, new: Deployment) -> Deployment:
    """A failed step falls back to the guide's names: keep what was discovered before."""
    stale = {p for problem in new.problems for p in problem.probes}
    updates: dict[str, Any] = {}
    if "ecs" in stale:
        updates.update(cluster=old.cluster, service=old.service)
    if "targets" in stale:
        updates.update(target_group_arns=old.target_group_arns,
                       load_balancer_arns=old.load_balancer_arns)
    if "logs" in stale:
        updates.update(log_groups=old.log_groups)
    if "alarms" in stale:
        updates.update(alarm_names=old.alarm_names, alarm_prefix=old.alarm_prefix)
    return replace(new, **updates)
