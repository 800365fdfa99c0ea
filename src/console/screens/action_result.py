"""While an action runs (with its progress), and what it did: result, request ids, what next."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, ProgressBar, Static

from console.actions.base import Outcome
from console.sanitize import clean, literal


class ActionProgressScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ActionProgressScreen { align: center middle; }
    ActionProgressScreen > VerticalScroll {
        width: 80%; max-width: 100; height: auto; border: round $accent;
        background: $surface; padding: 0 1;
    }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = literal(f"Running: {self.title_text}", limit=90)
            yield Static("starting…", id="progress-message")
            yield ProgressBar(total=100, id="progress-bar")

    def report(self, message: str, fraction: float | None) -> None:
        self.query_one("#progress-message", Static).update(Text(clean(message, limit=200)))
        bar = self.query_one(ProgressBar)
        if fraction is None:
            bar.update(total=None)
        else:
            bar.update(total=100, progress=max(0.0, min(1.0, fraction)) * 100)


def outcome_text(outcome: Outcome) -> Text:
    text = Text()
    text.append(("✓ " if outcome.ok else "✗ ") + clean(outcome.summary, limit=300) + "\n",
                style="bold green" if outcome.ok else "bold red")
    for detail in outcome.details:
        text.append(f"  {clean(detail, limit=500)}\n")
    if outcome.request_ids:
        text.append("\nAWS request ids\n", style="bold")
        for rid in outcome.request_ids:
            text.append(f"  {clean(rid, limit=100)}\n")
    if outcome.watch_next:
        text.append("\nWatch next: ", style="bold")
        text.append(clean(outcome.watch_next, limit=300) + "\n")
    return text


class ActionResultScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ActionResultScreen { align: center middle; }
    ActionResultScreen > VerticalScroll {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="result.close")]

    def __init__(self, title: str, outcome: Outcome) -> None:
        super().__init__()
        self.title_text = title
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = literal(self.title_text, limit=80)
            yield Static(outcome_text(self.outcome), id="outcome")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
