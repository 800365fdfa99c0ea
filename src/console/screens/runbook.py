"""A runbook as a guided screen: where you are, what each step found, and keys to go on.

Enter runs the current step (a check collects its probes fresh and shows the evidence; an
action opens its confirmation; a manual step asks what you did). n/p move, s skips with a
reason, e re-runs a check, o adds a note. Esc returns to the dashboard; the progress stays in
the incident timeline and comes back when the runbook is opened again.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from console.runbooks.session import SYMBOL, RunbookSession, StepStatus
from console.sanitize import clean, clean_block
from console.screens.prompt import PromptScreen
from probes.checks import CHECKS, CheckResult, run_check, run_data_check
from probes.data_checks import CheckData

if TYPE_CHECKING:
    from console.app import ConsoleApp

STATUS_STYLE = {StepStatus.PASSED: "green", StepStatus.DONE: "green", StepStatus.FAILED: "red",
                StepStatus.ACTION_FAILED: "red", StepStatus.UNKNOWN: "yellow",
                StepStatus.SKIPPED: "dim", StepStatus.PENDING: ""}
NARROW = 100


class RunbookScreen(Screen):
    DEFAULT_CSS = """
    RunbookScreen #runbook-title { height: auto; background: $panel; padding: 0 1; }
    RunbookScreen #runbook-steps { width: 38%; max-width: 48; border: round $primary; }
    RunbookScreen #runbook-detail { border: round $accent; padding: 0 1; }
    RunbookScreen.-narrow #runbook-steps { display: none; }
    RunbookScreen #runbook-changes { height: auto; max-height: 9; padding: 0 1;
                                     border-bottom: solid $warning; }
    """
    BINDINGS = [
        Binding("enter", "run_step", "Run step", id="runbook.run", priority=True),
        Binding("n,right", "next_step", "Next", id="runbook.next"),
        Binding("p,left", "previous_step", "Back", id="runbook.back"),
        Binding("s", "skip_step", "Skip", id="runbook.skip"),
        Binding("e", "rerun_check", "Re-run check", id="runbook.rerun"),
        Binding("o", "add_note", "Note", id="runbook.note"),
        Binding("escape", "leave", "Dashboard", id="runbook.leave"),
    ]

    def __init__(self, session: RunbookSession) -> None:
        super().__init__()
        self.session = session
        self.busy = False

    @property
    def console_app(self) -> ConsoleApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="runbook-title")
        # issue 13: a P0/P1 runbook starts with what changed before it broke
        yield Static(id="runbook-changes")
        with Horizontal():
            yield OptionList(id="runbook-steps")
            with VerticalScroll(id="runbook-detail"):
                yield Static(id="runbook-step")
        yield Footer()

    def on_mount(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")
        self.refresh_view()
        self.query_one("#runbook-detail").focus()
        self.query_one("#runbook-changes").display = False
        if self.session.runbook.severity in ("P0", "P1") and hasattr(self.app, "changes"):
            self.show_what_changed()

    @work(group="changes", exclusive=True, exit_on_error=False)
    async def show_what_changed(self) -> None:
        from console.change_views import RUNBOOK_SUSPECTS, before_break_text

        changes = self.console_app.changes
        await changes.refresh()
        widget = self.query_one("#runbook-changes", Static)
        widget.update(before_break_text(changes, limit=RUNBOOK_SUSPECTS,
                                        width=max(40, self.size.width - 4)))
        widget.display = True

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    # ------------------------------------------------------------------ view
    def refresh_view(self) -> None:
        s = self.session
        title = Text(f"{clean(s.runbook.title, limit=80)}", style="bold")
        if s.runbook.severity and not s.runbook.title.startswith(s.runbook.severity):
            title.append(f"  {s.runbook.severity}", style="bold red")
        title.append(f"  {s.progress()}", style="dim")
        if s.finished:
            title.append("  all steps done", style="green")
        self.query_one("#runbook-title", Static).update(title)
        steps = self.query_one("#runbook-steps", OptionList)
        steps.clear_options()
        for number, step in enumerate(s.runbook.steps, start=1):
            state = s.states[step.id]
            label = Text(f"{SYMBOL[state.status]} {number:>2} ", style=STATUS_STYLE[state.status])
            label.append(clean(step.title, limit=60),
                         style="dim" if step.optional and not s.suggested(step) else "")
            steps.add_option(Option(label, id=step.id))
        steps.highlighted = s.index
        self.query_one("#runbook-step", Static).update(self.step_text())

    def step_text(self) -> Text:
        s = self.session
        step, state = s.step, s.state
        text = Text()
        text.append(f"Step {s.index + 1}/{len(s.runbook.steps)}: ", style="dim")
        text.append(clean(step.title, limit=120) + "\n", style="bold")
        kind = {"check": f"check · {CHECKS[step.check].title}" if step.check else "check",
                "action": f"action · {step.action}", "manual": "manual step"}[step.kind]
        text.append(kind + ("  (optional)" if step.optional else "") + "\n", style="cyan")
        blocked = s.gate(step)
        if blocked:
            text.append(blocked + "\n", style="bold yellow")
        elif step.optional and not s.suggested(step):
            text.append(f"Not needed unless step {step.when_failed!r} failed.\n", style="dim")
        if step.text:
            text.append("\n" + clean_block(step.text) + "\n")
        text.append("\nStatus: ", style="bold")
        text.append(state.status.value, style=STATUS_STYLE[state.status])
        if state.summary:
            text.append(f" — {clean(state.summary, limit=400)}")
        text.append("\n")
        if state.evidence:
            text.append("\nEvidence\n", style="bold underline")
            for label, value in state.evidence:
                text.append(f"  {clean(label, limit=60)}: ", style="bold")
                text.append(clean(value, limit=400) + "\n")
        for note in state.notes:
            text.append(f"\nNote: {clean(note, limit=500)}", style="italic")
        hint = {"check": "Enter runs the check", "action": "Enter opens the action",
                "manual": "Enter records what you did"}[step.kind]
        text.append(f"\n\n{hint} · n next · p back · s skip · o note · Esc dashboard",
                    style="dim")
        return text

    # ------------------------------------------------------------------ keys
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.session.go(event.option_index)
        self.refresh_view()

    def action_next_step(self) -> None:
        if not self.session.next():
            self.notify("Last step. Esc returns to the dashboard.", timeout=3)
        self.refresh_view()

    def action_previous_step(self) -> None:
        self.session.back()
        self.refresh_view()

    def action_run_step(self) -> None:
        step = self.session.step
        blocked = self.session.gate(step)
        if blocked:
            self.notify(blocked, severity="warning", timeout=6)
            return
        if step.kind == "check":
            self.run_check()
        elif step.kind == "action":
            self.run_action()
        else:
            self.action_add_note(question="What did you do or find?", move_on=True)

    def action_rerun_check(self) -> None:
        if self.session.step.kind == "check":
            self.run_check()

    @work(exclusive=True, group="runbook-check")
    async def run_check(self) -> None:
        step = self.session.step
        check = CHECKS[step.check]
        self.notify(f"Checking: {check.title}…", timeout=2)
        app = self.console_app
        results = await asyncio.gather(*(app.scheduler.fresh(name) for name in check.probes))
        data = {r.probe: r.data for r in results if r.ok}
        if check.reads_aws:
            result: CheckResult = await run_data_check(check.name, CheckData(
                app.connection.ctx, app.connection.deployment, data))
        else:
            result = run_check(check.name, data)
        errors = [r.error.summary() for r in results if r.error is not None]
        if errors:
            result = CheckResult(result.passed, result.summary, result.evidence
                                 + tuple(("probe error", e) for e in errors))
        if self.session.step is step:
            self.session.check_done(result)
        recorder = getattr(app, "incidents", None)
        if recorder is not None and recorder.current() is not None:
            recorder.record_check(check.name, result.passed, [list(e) for e in result.evidence],
                                  app.connection.identity.arn)
        self.refresh_view()

    def run_action(self) -> None:
        step = self.session.step

        def done(outcome) -> None:
            if outcome is not None and self.session.step is step:
                self.session.action_done(outcome.ok, outcome.summary)
            self.refresh_view()

        self.console_app.actions.start(step.action, on_done=done)

    @work(group="runbook-prompt")
    async def action_add_note(self, question: str = "Note for this step",
                              move_on: bool = False) -> None:
        """`o` adds a note; Enter on a manual step records what was done and moves on."""
        text = await self.app.push_screen_wait(PromptScreen(self.session.runbook.title,
                                                            question))
        if text:
            self.session.note(text)
            if move_on:
                self.session.next()
            self.refresh_view()

    @work(group="runbook-prompt")
    async def action_skip_step(self) -> None:
        reason = await self.app.push_screen_wait(PromptScreen(
            "Skip this step", "Why skip it? (recorded in the incident timeline)"))
        if reason:
            self.session.skip(reason)
            self.session.next()
            self.refresh_view()

    def action_leave(self) -> None:
        self.app.pop_screen()
