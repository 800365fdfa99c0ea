"""`e`: every ECS service event the console holds, newest first, on a screen of its own.

The ECS pane shows the newest two; this screen lists them all (DescribeServices returns the
service's newest events; the probe keeps them in its snapshot), with the absolute time in UTC
(the date when not today) and the age, the message whole in the table (wrapped in the
detail: Enter), and `/` to filter. It follows the ECS probe: new events appear as they come,
and when a collection fails the list stays with a line saying since when it is not refreshed.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static

from console import clock
from console.panes.base import Detail
from console.panes.pane_parts import RowFilter
from console.sanitize import clean, clean_block
from console.screens.detail import DetailScreen
from console.timeparse import ago
from probes.ecs import ServiceEvent, ServiceSnapshot


def when_text(moment: datetime | None, now: datetime) -> str:
    """``19:45:12`` today, ``2026-11-20 19:45`` another day, in UTC; ``-`` when unknown."""
    if moment is None:
        return "-"
    if moment.tzinfo is not None:
        moment = moment.astimezone(now.tzinfo)
    return f"{moment:%H:%M:%S}" if moment.date() == now.date() else f"{moment:%Y-%m-%d %H:%M}"


def age_text(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "-"
    return ago(max(0.0, (now - moment).total_seconds()))


def message_text(event: ServiceEvent, service: str) -> str:
    """The message without its ``(service NAME)`` prefix when NAME is the service shown (the
    screen's title names it): what tells the events apart comes first."""
    prefix = f"(service {service}) "
    message = event.message
    return message[len(prefix):] if service and message.startswith(prefix) else message


def event_lines(events: tuple[ServiceEvent, ...], service: str, now: datetime) -> list[Text]:
    """One entry per event: time, age, then the message whole (wrapped by the list)."""
    lines = []
    for event in events:
        text = Text(f"{when_text(event.created_at, now):<16} ")
        text.append(f"{age_text(event.created_at, now):>6}  ", style="dim")
        text.append(clean(message_text(event, service), limit=2_000))
        lines.append(text)
    return lines


class ServiceEventsScreen(RowFilter, Screen[None]):
    DEFAULT_CSS = """
    ServiceEventsScreen #events-status { height: auto; max-height: 3; padding: 0 1; }
    ServiceEventsScreen OptionList { height: 1fr; }
    ServiceEventsScreen #events-columns { padding: 0 2; }
    ServiceEventsScreen #events-filter { display: none; height: 3; }
    ServiceEventsScreen.-filtering #events-filter { display: block; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="events.back"),
        Binding("slash", "filter", "Filter", id="events.filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.events: tuple[ServiceEvent, ...] = ()
        self.filter_text = ""
        self.listed: tuple[ServiceEvent, ...] = ()  # the events listed (after the filter)
        self._shown: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="events-status")
        yield Static(Text("When (UTC)          Age  Message", style="bold"),
                     id="events-columns")
        yield OptionList(id="events-list")
        yield Input(placeholder="show events containing (Esc clears)", id="events-filter")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.refresh_events()
        self.set_interval(1.0, self.refresh_events)

    # ---------------------------------------------------------------- data
    def refresh_events(self) -> None:
        """Show the ECS pane's latest snapshot (called every second; cheap when unchanged)."""
        pane = self.app.dashboard.panes["ecs"]
        data: ServiceSnapshot | None = pane.data
        now = clock.now()
        self.events = data.events if data is not None else ()
        self.listed = tuple(e for e in self.events if not self.filter_text
                             or self.filter_text.lower() in e.message.lower())
        lines = event_lines(self.listed, data.service if data is not None else "", now)
        plain = [line.plain for line in lines]
        if plain != self._shown:
            self._shown = plain
            listing = self.query_one(OptionList)
            highlighted = listing.highlighted
            listing.clear_options()
            listing.add_options(lines)
            if lines:
                listing.highlighted = min(highlighted or 0, len(lines) - 1)
        self.query_one("#events-status", Static).update(
            self._status(data, pane, len(self.listed)))

    def _status(self, data: ServiceSnapshot | None, pane, shown: int) -> Text:
        if data is None:
            text = Text("Service events: waiting for the ECS service's first collection",
                        style="dim")
        else:
            text = Text(f"Service events of {clean(data.service, limit=80)}: ", style="bold")
            text.append(f"{len(self.events)} held, newest first")
            if self.filter_text:
                text.append(f"; {shown} match {clean(self.filter_text, limit=40)!r}")
            if not self.events:
                text.append("\nECS reported no event for this service.", style="dim")
        if pane.last_error is not None:
            since = pane.last_good_at
            text.append(f"\n⚠ not refreshed: {clean(pane.last_error.summary(), limit=200)}",
                        style="bold yellow")
            if since is not None:
                text.append(f"; events as of {when_text(since, clock.now())} UTC",
                            style="yellow")
        return text

    # ---------------------------------------------------------------- keys
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not 0 <= event.option_index < len(self.listed):
            return
        found = self.listed[event.option_index]
        body = Text()
        body.append("When      ", style="bold")
        body.append(f"{found.created_at.isoformat() if found.created_at else '-'}\n")
        body.append("Event id  ", style="bold")
        body.append(f"{clean(found.event_id or '-', limit=100)}\n\n")
        body.append(clean_block(found.message))
        self.app.push_screen(DetailScreen(Detail("Service event", body)))

    # `/`, typing, Enter and Esc in the filter: the panes' row filter (`RowFilter`), over
    # this screen's list.
    @property
    def body(self) -> OptionList:
        return self.query_one(OptionList)

    def redraw(self) -> None:
        self.refresh_events()

    def action_filter(self) -> None:
        self.start_filter()

    def action_back(self) -> None:
        if not self.clear_filter():
            self.app.pop_screen()
