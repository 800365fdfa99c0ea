"""An on-call engineer at the keyboard, for the training-mode end-to-end tests: opens an
incident, follows a runbook step by step (checks run, manual steps noted, actions taken
through the console's action flow with its form and confirmation, the rest skipped with a
reason), closes the incident and reads the markdown export."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from textual.widgets import Input

from console.runbooks.session import StepStatus
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen
from console.screens.incident_dialogs import IncidentTextScreen
from console.screens.prompt import PromptScreen
from console.screens.runbook import RunbookScreen
from console.widgets.status_header import StatusHeader
from probes.verdict import Level

TIMEOUT = 60.0  # generous: CI is a busy 2-core box


@dataclass
class Operator:
    app: Any
    pilot: Any
    until: Any
    read_screen: Any
    notes: list[str] = field(default_factory=list)
    skips: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)

    async def wait(self, predicate) -> None:
        await self.until(self.pilot, predicate, timeout=TIMEOUT)

    def open_incident(self, severity: str, title: str) -> str:
        incident = self.app.incidents.open(severity, title, self.app.incident_flow.who)
        self.app.incident_flow.update_header()
        return incident.id

    async def start_runbook(self, runbook_id: str) -> RunbookScreen:
        assert self.app.start_runbook(runbook_id)
        await self.wait(lambda: isinstance(self.app.screen, RunbookScreen)
                        and bool(self.app.screen.query("#runbook-step")))
        await self.pilot.pause()
        return self.app.screen

    async def answer_prompt(self, text: str) -> None:
        await self.wait(lambda: isinstance(self.app.screen, PromptScreen | IncidentTextScreen)
                        and bool(self.app.screen.query(Input)))
        self.app.screen.query_one(Input).value = text
        await self.pilot.press("enter")

    async def follow(self, screen: RunbookScreen, index: int, *,
                     inputs: dict[str, dict[str, str]], take: set[str]) -> None:
        """Do step `index`: run a check, note a manual step, take an action in `take` (with
        `inputs[action]` typed into its form), skip any other action with a reason."""
        session = screen.session
        session.go(index)
        screen.refresh_view()
        step, state = session.step, session.state
        self.steps.append(step.id)
        if step.kind == "check":
            runs = state.runs
            await self.pilot.press("enter")
            await self.wait(lambda: state.runs > runs)
        elif step.kind == "manual":
            text = f"{step.id}: looked, nothing else to do by hand"
            self.notes.append(text)
            await self.pilot.press("enter")
            await self.answer_prompt(text)
            await self.wait(lambda: text in state.notes)
        elif step.action in take:
            await self.pilot.press("enter")
            await self.take_action(inputs.get(step.action, {}))
            await self.wait(lambda: state.status is not StepStatus.PENDING)
            await self.wait(lambda: self.app.screen is screen)
        else:
            reason = f"{step.action} is not what this incident needs"
            self.skips.append(reason)
            await self.pilot.press("s")
            await self.answer_prompt(reason)
            await self.wait(lambda: state.status is StepStatus.SKIPPED)

    async def take_action(self, inputs: dict[str, str]) -> None:
        """The action's form (if any), its confirmation (typing the name where asked), and
        its result, closed once read."""
        app = self.app
        await self.wait(lambda: isinstance(app.screen, ActionFormScreen | ConfirmScreen))
        if isinstance(app.screen, ActionFormScreen):
            form = app.screen
            for name, value in inputs.items():
                form.query_one(f"#field-{name}", Input).value = value
            form.query(Input).last().focus()
            await self.pilot.press("enter")
            await self.wait(lambda: isinstance(app.screen, ConfirmScreen))
        confirm = app.screen
        name = confirm.plan.confirm_name
        if name:
            confirm.query_one("#confirm-name", Input).value = name
            confirm.query_one("#confirm-name", Input).focus()
            await self.pilot.press("enter")
        else:
            await self.pilot.press("y")
        await self.wait(lambda: isinstance(app.screen, ActionResultScreen))
        self.results.append(self.read_screen(app))
        await self.pilot.press("escape")

    async def note(self, text: str) -> None:
        """`n` on the dashboard: a line into the timeline."""
        self.notes.append(text)
        self.app.incident_flow.add_note()
        await self.answer_prompt(text)

    def verdict(self) -> Level | None:
        verdict = self.app.dashboard.query_one(StatusHeader).verdict
        return verdict.level if verdict is not None else None

    async def refreshed_verdict(self, trainer, expected: Level) -> str:
        """Wait for training mode's delayed changes, refresh every pane, and wait for the
        header to say `expected`; returns the dashboard as the operator sees it."""
        assert await asyncio.to_thread(trainer.wait_settled, TIMEOUT)
        while self.app.screen is not self.app.dashboard:
            self.app.pop_screen()
            await self.pilot.pause()
        self.app.scheduler.refresh_all()
        await self.wait(lambda: self.verdict() is expected)
        return self.read_screen(self.app)

    async def close(self, summary: str) -> None:
        self.app.incident_flow.close_incident()
        await self.answer_prompt(summary)
        await self.wait(lambda: self.app.incidents.current() is None)
