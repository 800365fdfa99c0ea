"""`b`: the runbooks, the one that fits what the console sees first, and a preview of each.

The picker opens on the recommended runbook (marked, with the evidence that makes it fit).
Enter previews a runbook's steps; nothing is opened or recorded until the operator presses
`s` in the preview, which starts it and opens an incident at the severity the evidence
supports (shown; `v` changes it). Esc goes back without a trace.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from console.runbooks.loader import LoadProblem
from console.runbooks.model import SEVERITIES, Runbook
from console.runbooks.recommend import Recommendation
from console.sanitize import clean

# What the picker hands back: (runbook id, incident severity or None when one is open).
Started = tuple[str, str | None]
KIND_LABEL = {"check": "check", "action": "action", "manual": "by hand"}


class RunbookPreviewScreen(ModalScreen[Started | None]):
    """One runbook's steps before anything starts; `s` starts it."""

    DEFAULT_CSS = """
    RunbookPreviewScreen { align: center middle; }
    RunbookPreviewScreen > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    RunbookPreviewScreen VerticalScroll { height: auto; max-height: 30; }
    """
    BINDINGS = [
        Binding("s", "start", "Start it", id="runbook-preview.start"),
        Binding("v", "severity", "Change severity", id="runbook-preview.severity"),
        Binding("escape", "cancel", "Back", id="runbook-preview.back"),
    ]

    def __init__(self, runbook: Runbook, severity: str, why: str = "",
                 open_incident: str | None = None) -> None:
        super().__init__()
        self.runbook = runbook
        self.severity = severity
        self.why = why
        self.open_incident = open_incident  # "P1 Service slow", when one is already open

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Runbook preview: {clean(self.runbook.title, limit=60)}"
            with VerticalScroll():
                yield Static(self.preview_text(), id="runbook-preview")
            yield Footer()

    def preview_text(self) -> Text:
        runbook = self.runbook
        text = Text(clean(runbook.title, limit=80), style="bold")
        if self.why:
            text.append(f"\nRecommended: {clean(self.why, limit=200)}", style="green")
        text.append(f"\n{clean(runbook.description, limit=400)}\n\n")
        for number, step in enumerate(runbook.steps, start=1):
            text.append(f"{number:>2}. ", style="dim")
            text.append(clean(step.title, limit=80))
            text.append(f"  ({KIND_LABEL[step.kind]}"
                        + (f" · {step.action}" if step.action else "")
                        + (", optional" if step.optional else "") + ")\n", style="dim")
        text.append("\n")
        if self.open_incident:
            text.append(f"Starting records into the open incident: "
                        f"{clean(self.open_incident, limit=120)}\n", style="bold")
        else:
            text.append("Starting opens a ", style="bold")
            text.append(f"{self.severity}", style="bold red")
            text.append(" incident (the severity the evidence supports; v changes it).\n",
                        style="bold")
        text.append("s start · v severity · Esc back: nothing is opened or recorded until s",
                    style="dim")
        return text

    def action_severity(self) -> None:
        if self.open_incident:
            self.notify("An incident is open: change its severity from the palette", timeout=4)
            return
        self.severity = SEVERITIES[(SEVERITIES.index(self.severity) + 1) % len(SEVERITIES)]
        self.query_one("#runbook-preview", Static).update(self.preview_text())

    def action_start(self) -> None:
        self.dismiss((self.runbook.id, None if self.open_incident else self.severity))

    def action_cancel(self) -> None:
        self.dismiss(None)


class RunbookPickerScreen(ModalScreen[Started | None]):
    """Every runbook, the recommended first; Enter previews it."""

    DEFAULT_CSS = """
    RunbookPickerScreen { align: center middle; }
    RunbookPickerScreen > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    RunbookPickerScreen OptionList { height: auto; max-height: 20; }
    RunbookPickerScreen .problems { color: $warning; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="runbooks.cancel")]

    def __init__(self, runbooks: dict[str, Runbook], problems: list[LoadProblem],
                 recommended: list[Recommendation] | None = None, severity: str = "P2",
                 seen: str = "", open_incident: str | None = None) -> None:
        super().__init__()
        self.recommended = [r for r in recommended or [] if r.runbook_id in runbooks]
        first = [r.runbook_id for r in self.recommended]
        self.runbooks = {**{i: runbooks[i] for i in first}, **runbooks}
        self.problems = problems
        self.severity = severity
        self.seen = seen
        self.open_incident = open_incident

    def why(self, runbook_id: str) -> str:
        return next((r.reason for r in self.recommended if r.runbook_id == runbook_id), "")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Runbooks: Enter previews one"
            if self.seen:
                yield Static(Text(f"The console sees: {clean(self.seen, limit=200)}",
                                  style="bold"), id="runbooks-seen")
            options = []
            for number, runbook in enumerate(self.runbooks.values()):
                label = Text(clean(runbook.title, limit=60), style="bold")
                why = self.why(runbook.id)
                if why and number == 0:
                    label.append("  ★ recommended", style="bold green")
                elif why:
                    label.append("  also fits", style="green")
                label.append(f"  {len(runbook.steps)} steps", style="dim")
                label.append("\n  " + clean(why or runbook.description, limit=150),
                             style="green" if why else "dim")
                options.append(Option(label, id=runbook.id))
            yield OptionList(*options, id="runbooks-list")
            if self.problems:
                text = Text("Not loaded:\n")
                for problem in self.problems:
                    text.append(f"  {clean(str(problem), limit=300)}\n")
                yield Static(text, classes="problems")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        runbook = self.runbooks[str(event.option.id)]

        def previewed(answer: Started | None) -> None:
            if answer is not None:
                self.dismiss(answer)

        self.app.push_screen(RunbookPreviewScreen(runbook, self.severity, self.why(runbook.id),
                                                  self.open_incident), previewed)

    def action_cancel(self) -> None:
        self.dismiss(None)
