"""What every dashboard pane does: show one probe's snapshot, its freshness, and its error.

A pane receives `ProbeResult`s (never an AWS client). On success it renders the new snapshot;
on failure it keeps the last good snapshot on screen, marks it STALE with the classified error
and its fix, and never blanks. The border shows ``N Title`` and the freshness label; `/` filters
the pane's rows; Enter opens a row's detail.
"""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from console import clock
from console.freshness import Freshness, FreshnessView, judge_freshness
from console.panes.pane_ages import PaneAges
from console.panes.pane_parts import (  # noqa: F401  (Detail, time_cells: re-exported)
    Detail,
    PaneStatus,
    RowFilter,
    action_bindings,
    error_text,
    time_cells,
)
from console.widgets.keyed_table import KeyedTable, Row
from probes.errors import ProbeError
from probes.result import ProbeResult

log = logging.getLogger(__name__)
T = TypeVar("T")
SLOW_COLLECTION_S = 1.0


class Pane(PaneAges, RowFilter, Vertical, Generic[T]):
    """Base of the six panes. Subclasses set `probe`, `title`, `number` and implement
    `status_line`, `rows` (or override `body`/`show_data`), `headline` and `detail`."""

    DEFAULT_CSS = """
    Pane { border: round $primary-darken-2; height: 1fr; }
    Pane:focus-within { border: round $accent; }
    Pane.-stale { border: round $error; }
    Pane > .pane-status { height: auto; max-height: 4; }
    Pane > .pane-error { height: auto; color: $error; display: none; }
    Pane.-stale > .pane-error { display: block; }
    Pane > Input.pane-filter { display: none; height: 3; }
    Pane.-filtering > Input.pane-filter { display: block; }
    """

    probe: ClassVar[str] = ""
    title: ClassVar[str] = ""
    number: ClassVar[int] = 0
    columns: ClassVar[tuple[tuple, ...]] = ()
    # The rows' own order, stated in the pane's header (issue 11 point 3).
    default_order: ClassVar[str] = ""
    # Rows show ages (`For`, `Age`): redrawn as the clock ticks (`ticking`, `PaneAges`).
    interval_s: float = 30.0  # the probe's default; the dashboard passes the configured one
    # The deployment's common prefix (the stack's name), left out of names in the tables.
    name_prefix: str = ""

    def __init__(self, interval_s: float | None = None, **kwargs) -> None:
        super().__init__(id=f"pane-{self.probe}", **kwargs)
        if interval_s is not None:
            self.interval_s = interval_s
        self.data: T | None = None
        self.last_good_at: datetime | None = None
        self.last_error: ProbeError | None = None
        self.collecting = False
        self.collecting_since = 0.0
        self.filter_text = ""
        self.freshness = FreshnessView(Freshness.WAITING, "loading…")
        # Results that arrive before the pane is composed (probes start before the UI is up)
        # wait here and are shown once it is mounted.
        self.pending: list[ProbeResult[T]] | None = []
        # Why the newest result is not on screen (a rendering bug): the pane is STALE until a
        # later result renders.
        self.display_error: str | None = None
        self.display_detail = ""
        self.shown_rows = 0
        self.ages_drawn_at: datetime | None = None
        self.border_title = self.header_title()

    def header_title(self, order: str = "") -> str:
        """``5 Alarms · ALARM first``: the pane's number, title and the order of its rows."""
        order = order or self.default_order
        return f"{self.number} {self.title}" + (f" · {order}" if order else "")

    def on_keyed_table_sort_changed(self, event: KeyedTable.SortChanged) -> None:
        event.stop()
        self.border_title = self.header_title(event.table.order_label)

    def short(self, name: str) -> str:
        """A resource's name without the deployment's common prefix (tables only)."""
        from console.names import without_prefix

        return without_prefix(name, self.name_prefix)

    # ---------------------------------------------------------------- composition
    def compose(self) -> ComposeResult:
        yield PaneStatus(Text("loading…", style="dim"), classes="pane-status")
        yield Static("", classes="pane-error")
        yield from self.compose_body()
        yield Input(placeholder="filter rows (Esc clears)", classes="pane-filter")

    def compose_body(self) -> ComposeResult:
        table = KeyedTable(self.columns, id=f"{self.probe}-table")
        if self.rows_in_view:
            table.view_moved = self.watch_table_view
        yield table

    @property
    def body(self) -> Widget:
        """The widget that takes focus when the pane is chosen."""
        return self.query_one(KeyedTable)

    def on_mount(self) -> None:
        pending, self.pending = self.pending, None
        for result in pending or ():
            self.apply(result)

    # ---------------------------------------------------------------- data in
    def apply(self, result: ProbeResult[T]) -> bool:
        """Show a result. Returns False when it could not be rendered: the pane then says so
        (STALE · display error), keeps what it showed, and renders again with the next result."""
        if self.pending is not None:
            self.pending.append(result)
            return True
        if not self.children:  # being removed (the app is closing): nothing to show it on
            return True
        shown = (self.data, self.last_good_at)
        try:
            self.show(result)
        except Exception as exc:  # a display bug: said in this pane, never a crash
            log.exception("pane %s could not show a result", self.probe)
            self.data, self.last_good_at = shown
            self.collecting = False
            # The border shows the class name only (a border title reads markup); the
            # message, sanitised, goes in the pane's error row.
            self.display_error = f"display error: {type(exc).__name__}"
            self.display_detail = str(exc)
            with contextlib.suppress(Exception):  # the border still says STALE
                self._show_error()
            self.tick()
            return False
        if self.display_error is not None:
            self.display_error = None
            self._show_error()
        self.tick()
        return True

    @property
    def showing(self) -> bool:
        """Whether the pane shows data on screen (composed, rendered, no display error)."""
        return self.pending is None and self.data is not None and self.display_error is None

    def show(self, result: ProbeResult[T]) -> None:
        self.collecting = False
        if result.ok:
            if self.last_error is not None:  # its text must not come back if the data ages
                self.last_error = None
                self._show_error()
            self.last_good_at = self.data_time(result)
            changed = (result.data != self.data or self.data is None
                       or self.display_error is not None)
            self.data = self.merge(result.data)
            if changed:
                self.redraw()
        else:
            self.last_error = result.error
            if self.data is None:  # it has stopped loading: there is nothing to show
                self.query_one(".pane-status", Static).update(Text("no data", style="dim"))
            self._show_error()

    def _show_error(self) -> None:
        text = self.error_text(self.last_error)
        if self.display_error is not None:
            from console.sanitize import clean

            if text.plain:
                text.append("\n")
            text.append(f"⚠ {self.display_error}", style="bold")
            if self.display_detail:
                text.append(f" — {clean(self.display_detail, limit=300)}")
            text.append("\n  the pane shows older data; it tries again with the next result "
                        "(details in the log file)")
        self.query_one(".pane-error", Static).update(text)

    def data_time(self, result: ProbeResult[T]) -> datetime:
        """When the data was true (costs override: their "as of" time)."""
        return result.fetched_at

    def merge(self, data: T | None) -> T | None:
        """Combine with what is shown (logs append); default: replace."""
        return data

    def mark_collecting(self) -> None:
        # "refreshing" shows only for a collection that takes a while (a slow link, a hung
        # endpoint): fast polls every two seconds would make the border flicker.
        self.collecting = True
        self.collecting_since = time.monotonic()

    def tick(self, now: datetime | None = None) -> None:
        """Recompute the freshness label (called every second by the screen, with `now`: then
        a pane whose rows show ages redraws them, so a `For` or an `Age` keeps ticking)."""
        view = judge_freshness(last_good_at=self.last_good_at, last_error=self.last_error,
                               display_error=self.display_error,
                               collecting=self.collecting and
                               time.monotonic() - self.collecting_since > SLOW_COLLECTION_S,
                               interval_s=self.interval_s,
                               now=now or clock.now())
        if now is not None:
            try:  # ages move with the clock; only the changed cells are redrawn
                self.redraw_ages(now)
            except Exception:  # a display bug: the next result says so in the pane
                log.exception("pane %s could not redraw its ages", self.probe)
        if view != self.freshness:
            self.freshness = view
            self.border_subtitle = view.label
            self.set_class(view.state is Freshness.STALE, "-stale")

    error_text = staticmethod(error_text)

    # ---------------------------------------------------------------- rendering
    def redraw(self) -> None:
        if self.data is None:
            return
        self.query_one(".pane-status", PaneStatus).restate(self.status_line(self.data))
        rows = self.rows(self.data)
        self.shown_rows = len(rows)
        if self.filter_text:
            rows = [r for r in rows if r.matches(self.filter_text)]
        table = self.query(KeyedTable)
        if table:
            table.first().sync(rows)
        self.note_ages_drawn()

    def status_line(self, data: T) -> RenderableType:
        return Text("")

    def rows(self, data: T) -> list[Row]:
        return []

    def headline(self) -> Text:
        """A few words for the summary strip (at 80 columns all the operator sees of the
        other panes: old data there is marked STALE as on the pane's border)."""
        if self.data is None:
            return Text(self.freshness.label, style="dim")
        text = self.summary(self.data)
        if self.stale:
            text.append(" STALE", style="bold red")
        return text

    def summary(self, data: T) -> Text:
        return Text("")

    def detail(self, key: str) -> Detail | None:
        return None

    # ---------------------------------------------------------------- actions
    def subject(self) -> Any:
        """What an action started from this pane acts on: the highlighted row's object."""
        return None

    def action_act(self, action_id: str) -> None:
        self.app.start_action(action_id, subject=self.subject())

    @property
    def stale(self) -> bool:
        return self.freshness.state is Freshness.STALE
