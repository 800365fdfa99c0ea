"""The keyboard path of an action: inputs, plan, confirmation, run, result, record.

`ActionFlow.start(action_id, subject)` is what a key, the command palette, the diagnostics
screen and the runbooks call. It refuses at once in read-only mode (however it was reached),
never opens the same action twice at the same time, and after a run refreshes the probes so
the operator sees the effect.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from console.actions import ACTIONS
from console.actions.base import Action, ActionContext, ActionError, Outcome, Plan
from console.actions.runner import ActionRunner, calls_as_dicts
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionProgressScreen, ActionResultScreen
from console.screens.confirm import ConfirmScreen
from probes.errors import classify

if TYPE_CHECKING:
    from console.app import ConsoleApp

log = logging.getLogger(__name__)


class ActionFlow:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.runner = ActionRunner(record=self._record)
        self._open: set[str] = set()

    def context(self, subject: Any = None) -> ActionContext:
        connection = self.app.connection
        return ActionContext(
            aws=connection.ctx, deployment=connection.deployment,
            identity=connection.identity, write=self.app.env.write,
            snapshots={name: pane.data for name, pane in self.app.dashboard.panes.items()},
            subject=subject)

    def availability(self, action_id: str) -> str | None:
        cls = ACTIONS.get(action_id)
        return "unknown action" if cls is None else cls().available(self.context())

    def start(self, action_id: str, subject: Any = None, on_done: Any = None,
              prefill: dict[str, Any] | None = None) -> bool:
        """Begin the flow; returns False when it was refused at once. `prefill` gives input
        values (e.g. the NAT gateway a finding named); inputs the action lacks are ignored."""
        cls = ACTIONS.get(action_id)
        if cls is None:
            self.app.notify(f"unknown action {action_id!r}", severity="error")
            return False
        action = cls()
        ctx = self.context(subject)
        reason = action.available(ctx)
        if reason == "read-only":
            self.app.notify(f"{action.title}: refused, the console is read-only (start it with "
                            "--write to allow changes)", severity="error", timeout=6)
            log.info("refused %s: read-only", action_id)
            return False
        if reason:
            self.app.notify(f"{action.title}: {reason}", severity="warning")
            return False
        if action_id in self._open:
            self.app.notify(f"{action.title} is already open", severity="warning")
            return False
        self._open.add(action_id)
        self.app.run_worker(self._run(action, ctx, on_done, prefill or {}), group="actions",
                            exit_on_error=False)
        return True

    async def _run(self, action: Action, ctx: ActionContext, on_done: Any,
                   prefill: dict[str, Any]) -> None:
        outcome: Outcome | None = None
        try:
            inputs = action.defaults(ctx)
            names = {f.name for f in action.fields}
            inputs.update({k: v for k, v in prefill.items() if k in names and v is not None})
            if action.fields:
                inputs = await self.app.push_screen_wait(ActionFormScreen(action, inputs))
                if inputs is None:
                    return
            plan = await self._plan(action, ctx, inputs)
            if plan is None:
                return
            if not await self.app.push_screen_wait(ConfirmScreen(plan)):
                self.app.notify(f"{plan.title}: cancelled, nothing was changed", timeout=3)
                return
            progress = ActionProgressScreen(plan.title)
            await self.app.push_screen(progress)
            try:
                outcome = await self.runner.run(action, ctx, plan, progress.report)
            except ActionError as exc:
                outcome = Outcome(False, str(exc))
            finally:
                progress.dismiss()
            self.app.scheduler.refresh_all()
            await self.app.push_screen_wait(ActionResultScreen(plan.title, outcome))
        finally:
            self._open.discard(action.id)
            if on_done is not None:
                on_done(outcome)

    async def _plan(self, action: Action, ctx: ActionContext, inputs: dict) -> Plan | None:
        try:
            return await action.plan(ctx, inputs)
        except ActionError as exc:
            self.app.notify(f"{action.title}: {exc}", severity="error", timeout=8)
        except Exception as exc:  # noqa: BLE001 - a failed read while planning is classified
            error = classify(exc, profile=ctx.aws.settings.profile)
            self.app.notify(f"{action.title}: cannot plan: {error.summary()} ({error.fix})",
                            severity="error", timeout=8)
        return None

    def _record(self, action: Action, ctx: ActionContext, plan: Plan, outcome: Outcome) -> None:
        changes = getattr(self.app, "changes", None)  # the changes timeline (issue 13)
        if changes is not None:
            try:
                changes.record_action(plan.title, "; ".join(c.cli() for c in plan.calls),
                                      outcome.summary)
            except Exception:  # the timeline must never hide an action's result
                log.exception("could not add the action to the changes timeline")
        recorder = getattr(self.app, "incidents", None)
        if recorder is None or recorder.current() is None:
            return
        recorder.record_action(
            action.id, plan.title, ctx.identity.arn,
            params={c.label: f"{c.before} -> {c.after}" for c in plan.changes},
            calls=calls_as_dicts(plan), result=outcome.summary,
            request_ids=list(outcome.request_ids),
            error=None if outcome.ok else "; ".join(outcome.details) or outcome.summary)
