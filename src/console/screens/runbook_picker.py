"""`b`: the runbooks, by name, and the files that failed to load (with why)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.runbooks.loader import LoadProblem
from console.runbooks.model import Runbook
from console.sanitize import clean


class RunbookPickerScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    RunbookPickerScreen { align: center middle; }
    RunbookPickerScreen > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    RunbookPickerScreen OptionList { height: auto; max-height: 20; }
    RunbookPickerScreen .problems { color: $warning; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="runbooks.cancel")]

    def __init__(self, runbooks: dict[str, Runbook], problems: list[LoadProblem]) -> None:
        super().__init__()
        self.runbooks = runbooks
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Runbooks: Enter starts one"
            options = []
            for runbook in self.runbooks.values():
                label = Text(clean(runbook.title, limit=60), style="bold")
                label.append(f"  {len(runbook.steps)} steps  ", style="dim")
                label.append(clean(runbook.description, limit=120), style="dim")
                options.append(Option(label, id=runbook.id))
            yield OptionList(*options)
            if self.problems:
                text = Text("Not loaded:\n")
                for problem in self.problems:
                    text.append(f"  {clean(str(problem), limit=300)}\n")
                yield Static(text, classes="problems")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
