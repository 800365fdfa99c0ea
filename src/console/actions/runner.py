"""Runs confirmed plans: once, only when writing is allowed, and leaves a record.

A double key press never runs an action twice: while an action is in flight (or after its plan
was executed) the same plan object is refused. Every run is logged (never with credentials) and
handed to the incident recorder when an incident is open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from console.actions.base import (
    Action,
    ActionContext,
    Outcome,
    Plan,
    Progress,
    ReadOnlyRefusal,
)
from probes.errors import classify

log = logging.getLogger(__name__)

Recorder = Callable[[Action, ActionContext, Plan, Outcome], None]


class ActionRunner:
    def __init__(self, record: Recorder | None = None) -> None:
        self._record = record
        self._in_flight: set[str] = set()
        self._executed: set[int] = set()

    def busy(self, action_id: str) -> bool:
        return action_id in self._in_flight

    async def run(self, action: Action, ctx: ActionContext, plan: Plan,
                  progress: Progress | None = None) -> Outcome:
        if action.changes_aws and not ctx.write:
            raise ReadOnlyRefusal(action.title)
        if id(plan) in self._executed or action.id in self._in_flight:
            return Outcome(False, f"{action.title}: already run or running; not run again")
        self._in_flight.add(action.id)
        self._executed.add(id(plan))
        try:
            outcome = await action.execute(ctx, plan, progress or _ignore)
        except ReadOnlyRefusal:
            raise
        except Exception as exc:  # noqa: BLE001 - classified: the operator sees why
            error = classify(exc, profile=ctx.aws.settings.profile)
            log.warning("action %s failed: %s", action.id, error.summary())
            outcome = Outcome(False, f"{action.title} failed: {error.summary()}",
                              details=(error.message, f"fix: {error.fix}"))
        finally:
            self._in_flight.discard(action.id)
        log.info("action %s by %s: %s %s", action.id, ctx.identity.arn, outcome.summary,
                 ",".join(outcome.request_ids))
        if self._record is not None:
            try:
                self._record(action, ctx, plan, outcome)
            except Exception:  # the record must never undo or hide the action's outcome
                log.exception("could not record action %s", action.id)
        return outcome


def _ignore(message: str, fraction: float | None) -> None:
    del message, fraction


def calls_as_dicts(plan: Plan) -> list[dict[str, Any]]:
    return [{"service": c.service, "operation": c.operation, "params": c.params,
             "cli": c.cli()} for c in plan.calls]
