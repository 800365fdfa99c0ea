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
from console.actions.task_definition_diff import TaskDefinitionDiff
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
    if plan.diff is not None:
        text.append_text(diff_text(plan.diff))
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


def diff_text(diff: TaskDefinitionDiff) -> Text:
    """The task-definition diff: what changes first (running -> deployed), then the names of
    what stays the same. Environment and secrets by name only: values are never shown."""
    text = Text()
    text.append(f"\nTask definition {clean(diff.before_name, limit=120)} (running) → "
                f"{clean(diff.after_name, limit=120)}\n", style="bold underline")
    for line in diff.changed:
        text.append(f"  {clean(line.label, limit=80)}: ")
        text.append(clean(line.before, limit=300), style="yellow")
        text.append(" → ")
        text.append(clean(line.after, limit=300), style="bold green")
        text.append("\n")
    if not diff.changed:
        text.append("  no difference in image, environment names, CPU/memory or health "
                    "check\n", style="italic")
    same = [clean(line.label, limit=80) for line in diff.unchanged]
    if same:
        text.append(f"  unchanged: {', '.join(same)}\n", style="dim")
    return text


def copy_text(plan: Plan) -> str:
    """The plan's `aws` commands, one a line, as the clipboard receives them."""
    return "\n".join(call.cli() for call in plan.calls)


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
        Binding("c", "copy_command", "Copy aws command", id="confirm.copy"),
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
                                  "Enter to run it (Tab, then c, copies the aws command):"),
                             classes="confirm-prompt")
                yield Input(placeholder=self.plan.confirm_name, id="confirm-name")
            else:
                yield Static("Press y to run it, Esc to cancel, c to copy the aws command.",
                             classes="confirm-prompt")
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

    def action_copy_command(self) -> None:
        """Copy every `aws` command of the plan (OSC 52, through Textual) and say so."""
        self.app.copy_to_clipboard(copy_text(self.plan))
        count = len(self.plan.calls)
        self.notify(f"Copied {count} aws command{'s' if count != 1 else ''} to the clipboard "
                    "(OSC 52: a terminal that blocks it leaves the clipboard unchanged)",
                    timeout=4)

    def action_confirm(self) -> None:
        self._finish(True)

    def action_cancel(self) -> None:
        self._finish(False)

    def _finish(self, answer: bool) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(answer)
