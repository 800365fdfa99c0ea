"""The inputs an action needs (a count, a size, a reason), typed by keyboard."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from console.actions.base import Action, ActionError
from console.sanitize import literal


class ActionFormScreen(ModalScreen[dict[str, Any] | None]):
    DEFAULT_CSS = """
    ActionFormScreen { align: center middle; }
    ActionFormScreen > VerticalScroll {
        width: 90%; max-width: 90; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ActionFormScreen .form-error { color: $error; }
    ActionFormScreen .form-help { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def __init__(self, action: Action, defaults: dict[str, Any]) -> None:
        super().__init__()
        self.action = action
        self.defaults = defaults

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = literal(self.action.title)
            yield Static(self.action.description, classes="form-help")
            for field in self.action.fields:
                hint = f" ({', '.join(field.choices)})" if field.kind == "choice" and len(
                    field.choices) <= 6 else ""
                yield Label(f"{field.label}{hint}")
                value = self.defaults.get(field.name)
                yield Input(value="" if value is None else str(value), id=f"field-{field.name}",
                            placeholder=field.help)
            yield Static("", classes="form-error")
            yield Static("Enter: next / plan    Esc: cancel", classes="form-help")
        yield Footer()

    def on_mount(self) -> None:
        first = self.query(Input)
        if first:
            first.first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if position + 1 < len(inputs):
            inputs[position + 1].focus()
            return
        values: dict[str, Any] = {}
        try:
            for field in self.action.fields:
                values[field.name] = field.parse(self.query_one(f"#field-{field.name}",
                                                                Input).value)
        except ActionError as exc:
            self.query_one(".form-error", Static).update(literal(exc, limit=500))
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
