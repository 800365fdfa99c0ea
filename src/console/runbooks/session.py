"""Where an operator is in a runbook, what each step found, and the record it leaves.

No textual here: the screen drives a `RunbookSession`, and every step event goes to the
incident timeline through `record` (so a dropped SSH session loses nothing, and `restore`
rebuilds the progress from the timeline when the runbook is opened again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from console.runbooks.model import Runbook, Step
from probes.checks import CheckResult


class StepStatus(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # a check that could not run
    DONE = "done"  # an action that ran, a manual step recorded
    ACTION_FAILED = "action failed"
    SKIPPED = "skipped"


SYMBOL = {
    StepStatus.PENDING: "·", StepStatus.PASSED: "✓", StepStatus.FAILED: "✗",
    StepStatus.UNKNOWN: "?", StepStatus.DONE: "✓", StepStatus.ACTION_FAILED: "✗",
    StepStatus.SKIPPED: "↷",
}


@dataclass
class StepState:
    status: StepStatus = StepStatus.PENDING
    summary: str = ""
    evidence: tuple[tuple[str, str], ...] = ()
    notes: list[str] = field(default_factory=list)
    runs: int = 0


# (runbook id, step id, event, detail) -> None
Record = Callable[[str, str, str, str], None]


class RunbookSession:
    def __init__(self, runbook: Runbook, record: Record | None = None) -> None:
        self.runbook = runbook
        self.states: dict[str, StepState] = {s.id: StepState() for s in runbook.steps}
        self.index = 0
        self._record = record or (lambda *args: None)

    # ------------------------------------------------------------------ navigation
    @property
    def step(self) -> Step:
        return self.runbook.steps[self.index]

    @property
    def state(self) -> StepState:
        return self.states[self.step.id]

    def go(self, index: int) -> None:
        self.index = max(0, min(len(self.runbook.steps) - 1, index))

    def next(self) -> bool:
        """Move on; returns False at the last step."""
        if self.index + 1 >= len(self.runbook.steps):
            return False
        self.index += 1
        return True

    def back(self) -> None:
        self.go(self.index - 1)

    @property
    def finished(self) -> bool:
        return all(s.status is not StepStatus.PENDING for s in self.states.values())

    def progress(self) -> str:
        done = sum(1 for s in self.states.values() if s.status is not StepStatus.PENDING)
        return f"step {self.index + 1} of {len(self.runbook.steps)}, {done} done"

    def suggested(self, step: Step) -> bool:
        """An optional step tied to a check is suggested only when that check failed."""
        if step.when_failed is None:
            return True
        return self.states[step.when_failed].status is StepStatus.FAILED

    def gate(self, step: Step) -> str | None:
        """Why a required step may not run yet, or None. A required (not optional) step with
        `when_failed` runs only once that check has failed: a stack rebuild is never offered
        while the stack still serves."""
        if step.optional or step.when_failed is None:
            return None
        status = self.states[step.when_failed].status
        if status is StepStatus.FAILED:
            return None
        gate = self.runbook.step(step.when_failed)
        title = gate.title if gate else step.when_failed
        if status is StepStatus.PENDING:
            return f"Run step {title!r} first: this step applies only when it fails."
        found = self.states[step.when_failed].summary or status.value
        return (f"Not offered: step {title!r} did not fail ({found}). Skip this step (s) or "
                "leave the runbook.")

    # ------------------------------------------------------------------ results
    def start(self) -> None:
        self._record(self.runbook.id, "", "started", self.runbook.title)

    def check_done(self, result: CheckResult) -> None:
        state = self.state
        state.runs += 1
        state.status = (StepStatus.UNKNOWN if result.passed is None else
                        StepStatus.PASSED if result.passed else StepStatus.FAILED)
        state.summary = result.summary
        state.evidence = result.evidence
        self._record(self.runbook.id, self.step.id, f"check {state.status.value}",
                     result.summary)

    def action_done(self, ok: bool, summary: str) -> None:
        state = self.state
        state.runs += 1
        state.status = StepStatus.DONE if ok else StepStatus.ACTION_FAILED
        state.summary = summary
        self._record(self.runbook.id, self.step.id, "action " + ("done" if ok else "failed"),
                     summary)

    def note(self, text: str) -> None:
        state = self.state
        state.notes.append(text)
        if self.step.kind == "manual":
            state.status = StepStatus.DONE
            state.summary = text
        self._record(self.runbook.id, self.step.id, "note", text)

    def skip(self, reason: str) -> None:
        state = self.state
        state.status = StepStatus.SKIPPED
        state.summary = f"skipped: {reason}"
        self._record(self.runbook.id, self.step.id, "skipped", reason)

    # ------------------------------------------------------------------ resume
    def restore(self, entries: Iterable[dict[str, Any]]) -> int:
        """Rebuild step states from timeline entries of kind ``runbook`` for this runbook.
        Returns how many steps had a record; the cursor goes to the first pending step."""
        touched = 0
        for entry in entries:
            if entry.get("runbook_id") != self.runbook.id:
                continue
            step_id, event = entry.get("step_id", ""), str(entry.get("event", ""))
            state = self.states.get(step_id)
            if state is None:
                continue
            touched += 1
            detail = str(entry.get("detail", ""))
            status = {"check passed": StepStatus.PASSED, "check failed": StepStatus.FAILED,
                      "check unknown": StepStatus.UNKNOWN, "action done": StepStatus.DONE,
                      "action failed": StepStatus.ACTION_FAILED,
                      "skipped": StepStatus.SKIPPED}.get(event)
            if event == "note":
                state.notes.append(detail)
                if self.runbook.step(step_id).kind == "manual":
                    status = StepStatus.DONE
            if status is not None:
                state.status = status
                state.summary = detail if status is not StepStatus.SKIPPED else (
                    f"skipped: {detail}")
        pending = [i for i, s in enumerate(self.runbook.steps)
                   if self.states[s.id].status is StepStatus.PENDING]
        self.index = pending[0] if pending else len(self.runbook.steps) - 1
        return touched
