"""A one-line question: a note, a reason to skip. Enter answers, Esc cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from console.sanitize import literal


class PromptScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 90%; max-width: 100; height: auto; border: round $accent;
        background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, question: str, placeholder: str = "",
                 required: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.placeholder = placeholder
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = literal(self.title_text, limit=80)
            yield Static(literal(self.question, limit=500))
            yield Input(placeholder=self.placeholder, id="prompt-input")
            yield Static("Enter: save    Esc: cancel", classes="prompt-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if self.required and not value:
            self.notify("Please write something (or Esc to cancel)", severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
