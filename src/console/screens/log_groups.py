"""Choose the log groups to follow: the groups under a prefix (default /ecs/), several at
once. Space toggles, Enter follows the ones ticked, a new prefix lists other groups."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from console.sanitize import clean, literal
from probes.context import AwsContext
from probes.errors import classify
from probes.log_sources import DEFAULT_GROUP_PREFIX, list_log_groups


class LogGroupPickerScreen(ModalScreen[tuple[str, ...] | None]):
    DEFAULT_CSS = """
    LogGroupPickerScreen { align: center middle; }
    LogGroupPickerScreen > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    LogGroupPickerScreen SelectionList { height: auto; max-height: 20; }
    LogGroupPickerScreen #groups-note { color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter", "follow", "Follow ticked", id="groups.follow", priority=True),
        Binding("escape", "cancel", "Cancel", id="groups.cancel"),
    ]

    def __init__(self, ctx: AwsContext, current: tuple[str, ...],
                 prefix: str = DEFAULT_GROUP_PREFIX) -> None:
        super().__init__()
        self.ctx = ctx
        self.current = current
        self.prefix = prefix

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Log groups: Space ticks, Enter follows"
            yield Input(value=self.prefix, placeholder="prefix, e.g. /ecs/", id="groups-prefix")
            yield SelectionList[str](id="groups-list")
            yield Static("loading…", id="groups-note")

    def on_mount(self) -> None:
        self.load(self.prefix)
        self.query_one(SelectionList).focus()

    @work(exclusive=True)
    async def load(self, prefix: str) -> None:
        note = self.query_one("#groups-note", Static)
        try:
            groups = await list_log_groups(self.ctx, prefix)
        except Exception as exc:  # noqa: BLE001 - shown with its fix; the picker stays open
            error = classify(exc, action="logs:DescribeLogGroups")
            note.update(literal(f"{error.summary()}: {error.fix}", limit=300))
            return
        selections = self.query_one(SelectionList)
        selections.clear_options()
        names = [g.name for g in groups]
        for name in dict.fromkeys([*self.current, *names]):
            info = next((g for g in groups if g.name == name), None)
            size = f"  {info.stored_bytes / 1e6:,.1f} MB" if info else "  (not under prefix)"
            selections.add_option(Selection(literal(clean(name, limit=200) + size), name,
                                            name in self.current))
        note.update(literal(f"{len(groups)} group(s) under {prefix or '(all)'}"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.prefix = event.value.strip()
        self.load(self.prefix)
        self.query_one(SelectionList).focus()

    def action_follow(self) -> None:
        if self.focused is self.query_one(Input):
            self.on_input_submitted(Input.Submitted(self.query_one(Input), self.prefix))
            return
        chosen = tuple(self.query_one(SelectionList).selected)
        if not chosen:
            self.notify("Tick at least one group (Space)", severity="warning")
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
