"""Multi-step actions (a database restore, a stack rebuild): steps run in order, and when one
fails the outcome names the steps that ran and what to do by hand from there.

Subclasses give `STEPS` (names), `steps()` (the coroutines, in the same order), `advice(n)`
(what to do when step n failed) and `watch` (where to look afterwards).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from console.actions.base import ActionContext, ActionError, Outcome, Plan, Progress
from probes.errors import classify


class StepRun:
    STEPS: ClassVar[tuple[str, ...]] = ()
    watch: ClassVar[str] = ""

    def __init__(self, ctx: ActionContext, plan: Plan, progress: Progress) -> None:
        self.ctx, self.plan, self.progress = ctx, plan, progress
        self.d = plan.data
        self.done: list[str] = []
        self.ids: list[str] = []

    def steps(self) -> tuple[Callable[[], Awaitable[str]], ...]:
        raise NotImplementedError

    def advice(self, number: int) -> list[str]:
        raise NotImplementedError

    async def run(self) -> Outcome:
        for number, step in enumerate(self.steps(), start=1):
            try:
                self.done.append(f"{number}. {await step()}")
            except Exception as exc:  # noqa: BLE001 - any failure: say where it stopped
                return self.failed(number, exc)
        return Outcome(True, f"{self.plan.title}: done", tuple(i for i in self.ids if i),
                       tuple(self.done), self.plan.watch_next)

    def failed(self, number: int, exc: BaseException) -> Outcome:
        reason = str(exc) if isinstance(exc, ActionError) else classify(
            exc, profile=self.ctx.aws.settings.profile).summary()
        return Outcome(False, f"{self.plan.title}: step {number} ({self.STEPS[number - 1]}) "
                              f"failed: {reason}",
                       tuple(i for i in self.ids if i),
                       ("steps that ran: " + ("; ".join(self.done) or "none"),
                        *self.advice(number)),
                       self.watch)
