"""Before any change: the exact API calls, the current state against the intended one, and for
destructive changes the resource's name typed in full. `y` runs, Esc cancels: Enter alone
never confirms, so a key pressed twice cannot run an action by accident."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from console.actions.base import Plan
from console.sanitize import clean, clean_block, literal


def plan_text(plan: Plan) -> Text:
    text = Text()
    if plan.changes:
        text.append("Change\n", style="bold underline")
        for change in plan.changes:
            text.append(f"  {clean(change.label, limit=80)}: ")
            text.append(clean(change.before, limit=200), style="yellow")
            text.append(" → ")
            text.append(clean(change.after, limit=200), style="bold green")
            text.append("\n")
    text.append("\nAWS will receive\n", style="bold underline")
    for number, call in enumerate(plan.calls, start=1):
        text.append(f"  {number}. ", style="bold")
        text.append(clean_block(call.describe(), limit=20_000) + "\n")
        text.append(f"     $ {clean(call.cli(), limit=4_000)}\n", style="dim")
    for note in plan.notes:
        if note:
            text.append(f"\n{clean(note, limit=500)}\n", style="italic")
    if plan.watch_next:
        text.append(f"\nAfterwards: {clean(plan.watch_next, limit=300)}\n", style="dim")
    return text


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > VerticalScroll {
        width: 95%; max-width: 120; height: 90%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ConfirmScreen.-destructive > VerticalScroll { border: thick $error; }
    ConfirmScreen .confirm-prompt { text-style: bold; margin-top: 1; }
    """
    BINDINGS = [
        Binding("y", "confirm", "Run it", id="confirm.yes"),
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("n", "cancel", "Cancel", show=False),
    ]

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan
        self._answered = False

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = literal(f"Confirm: {self.plan.title}", limit=90)
            yield Static(plan_text(self.plan))
            if self.plan.destructive and self.plan.confirm_name:
                yield Static(Text(f"This is destructive. Type {self.plan.confirm_name} and press "
                                  "Enter to run it:"), classes="confirm-prompt")
                yield Input(placeholder=self.plan.confirm_name, id="confirm-name")
            else:
                yield Static("Press y to run it, Esc to cancel.", classes="confirm-prompt")
        yield Footer()

    def on_mount(self) -> None:
        self.set_class(self.plan.destructive, "-destructive")
        if self.plan.destructive:
            self.query_one("#confirm-name", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A destructive plan is confirmed only by typing the resource's name.
        return not (action == "confirm" and self.plan.destructive)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() == self.plan.confirm_name:
            self._finish(True)
        else:
            self.notify(f"Type exactly {self.plan.confirm_name} to confirm", severity="warning")

    def action_confirm(self) -> None:
        self._finish(True)

    def action_cancel(self) -> None:
        self._finish(False)

    def _finish(self, answer: bool) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(answer)
