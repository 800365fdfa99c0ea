"""`:` command line at the bottom of the screen, as in k9s: Enter runs, Esc cancels.

It only reads the command; `console.context_switch` checks and runs it. The line says what it
accepts and the config file's environments, so nothing has to be remembered.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from console.sanitize import clean


class CommandLineScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    CommandLineScreen { align: center bottom; }
    CommandLineScreen > Vertical {
        width: 100%; height: auto; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="command.cancel")]

    def __init__(self, file: object) -> None:
        super().__init__()
        self.file = file

    def compose(self) -> ComposeResult:
        envs = ", ".join(sorted(getattr(self.file, "envs", {}))) or "none in the config file"
        with Vertical() as box:
            box.border_title = "Command"
            yield Static(Text.assemble(
                ("env NAME", "bold"), " · ", ("cluster NAME [SERVICE]", "bold"), " · ",
                ("service NAME", "bold"), "\n",
                (f"environments: {clean(envs, limit=200)}", "dim")))
            yield Input(placeholder="e.g. env staging", id="command-input")
            yield Static("Enter: run    Esc: cancel", classes="prompt-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
