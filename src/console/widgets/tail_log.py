"""The log view's scrolling text: Textual's `Log` (raw strings, only visible rows rendered,
batched `write_lines`, bounded `max_lines`) plus a cursor row and the event behind each row.

Rows must be sanitised single lines (`console.tail.format.view_line`): `Log` would pass escape
sequences to the terminal, and splits rows on line breaks, which would misalign the events.
"""

from __future__ import annotations

from rich.style import Style
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Log

from probes.log_event import LogEvent

Row = tuple[LogEvent | None, bool]  # (event, shown as context); (None, False): a separator
CURSOR_STYLE = Style(reverse=True)


class TailLog(Log):
    """`entries[i]` is the event shown on row i; `cursor` the row Enter and y act on."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="tail.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="tail.down"),
        Binding("pageup", "cursor_page(-1)", "Page up", show=False, id="tail.page_up"),
        Binding("pagedown", "cursor_page(1)", "Page down", show=False, id="tail.page_down"),
        Binding("home", "cursor_home", "First row", show=False, id="tail.home"),
    ]

    class TopReached(Message):
        """The cursor was asked to go above the first row: time to load older events."""

    def __init__(self, max_lines: int, **kwargs) -> None:
        super().__init__(highlight=True, max_lines=max_lines, **kwargs)
        self.entries: list[Row] = []
        self.cursor: int | None = None  # None: the last row (following)
        # False once the operator scrolled up (wheel, scrollbar); only a scroll changes it,
        # not the end moving away under a burst. `Log` alone follows only while scroll_y
        # equals max_scroll_y at the moment of a write, which a burst of writes between two
        # refreshes breaks for good (measured: stuck at row 479 of 5,000).
        self.following = True

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.following = round(new_value) >= self.max_scroll_y

    def reset(self) -> None:
        self.clear()
        self.entries.clear()
        self.cursor = None
        self.following = True

    def add_rows(self, rows: list[Row], lines: list[str]) -> None:
        """Append rows (one sanitised line each), keeping `entries` aligned with the lines
        `Log` keeps after pruning to `max_lines`."""
        if not lines:
            return
        self.entries.extend(rows)
        self.write_lines(lines, scroll_end=False)
        excess = len(self.entries) - len(self.lines)
        if excess > 0:
            del self.entries[:excess]
            if self.cursor is not None:
                self.cursor = max(0, self.cursor - excess)
        if self.cursor is None and self.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    @property
    def cursor_row(self) -> int | None:
        if not self.entries:
            return None
        return len(self.entries) - 1 if self.cursor is None else self.cursor

    def current(self) -> LogEvent | None:
        row = self.cursor_row
        return None if row is None else self.entries[row][0]

    def move_cursor(self, row: int) -> None:
        if not self.entries:
            return
        self.cursor = max(0, min(len(self.entries) - 1, row))
        if self.cursor == len(self.entries) - 1 and self.is_vertical_scroll_end:
            self.cursor = None
        self.scroll_to_region_of(self.cursor_row or 0)
        self.refresh()

    def scroll_to_region_of(self, row: int) -> None:
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        row = self.cursor_row
        if row is None:
            return
        if row == 0 and step < 0:
            self.post_message(self.TopReached())
            return
        self.move_cursor(row + step)

    def action_cursor_page(self, pages: int) -> None:
        row = self.cursor_row
        if row is not None:
            self.move_cursor(row + pages * max(1, self.scrollable_content_region.height - 1))

    def action_cursor_home(self) -> None:
        self.move_cursor(0)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.scroll_offset.y + y == self.cursor_row:
            strip = strip.apply_style(CURSOR_STYLE)
        return strip
