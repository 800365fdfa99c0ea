"""The log view's row modes and time jumps, apart from the engine and the prompts
(`console.screens.log_view`): parsed or raw rows, wrapping, the time column, and moving the
view to a time. A mixin of `LogViewScreen`, which holds the model, the style and the log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.log_rows import RowStyle, view_lines
from console.tail.format import CONTEXT_MARK, iso_ms
from console.widgets.tail_log import Row, TailLog
from probes.log_event import LogEvent

if TYPE_CHECKING:
    from console.tail.view_model import TailViewModel
    from console.widgets.tail_highlighter import TailHighlighter


class LogViewModes:
    """Needs `model`, `style`, `highlighter`, `log_widget`, `since_ms`, `jump_ms`,
    `_restart` and `_refresh_status` from the screen."""

    model: TailViewModel
    style: RowStyle
    highlighter: TailHighlighter
    since_ms: int
    jump_ms: int | None
    log_widget: TailLog

    def _lines(self, rows: list[Row]) -> tuple[list[Row], list[str]]:
        """The widget's lines for `rows`, each row repeated once per line it wraps to."""
        style, labels = self.style, self.model.labels
        if style.wrap is not None:
            style.wrap = self.log_widget.scrollable_content_region.width or self.app.size.width
        out_rows: list[Row] = []
        out_lines: list[str] = []
        for row in rows:
            event, is_context = row
            lines = view_lines(event, labels.get(event.group) if event else None, style,
                               CONTEXT_MARK if is_context else " ")
            out_rows += [row] * len(lines)
            out_lines += lines
        return out_rows, out_lines

    def _redraw(self, keep: LogEvent | None = None) -> None:
        """Rebuild every row from the buffer (filter, context, row style or order changed);
        the cursor stays on `keep` when it is still shown."""
        self.highlighter.filter = self.model.filter
        self.highlighter.time_width = self.style.time_width
        log = self.log_widget
        log.reset()
        log.add_rows(*self._lines(self.model.rows()))
        rows = [i for i, (event, _) in enumerate(log.entries) if keep is not None and event is keep]
        if rows:
            self._place(rows[0])
        else:
            log.scroll_end(animate=False)
        self._refresh_status()

    def _place(self, row: int) -> None:
        """The cursor on `row`, shown at the top of the log."""
        log = self.log_widget
        log.cursor = row
        log.scroll_to(y=row, animate=False, immediate=True)
        log.refresh()

    def _kept(self) -> LogEvent | None:
        log = self.log_widget
        return None if log.cursor is None else log.current()

    def action_toggle_raw(self) -> None:
        """Between what the lines say (parsed) and the lines as logged."""
        self.style.raw = not self.style.raw
        self._redraw(self._kept())

    def action_toggle_wrap(self) -> None:
        self.style.wrap = None if self.style.wrap else 1
        self._redraw(self._kept())

    def action_toggle_time(self) -> None:
        self.style.show_time = not self.style.show_time
        self._redraw(self._kept())

    def on_resize(self) -> None:
        if self.style.wrap and self.log_widget.entries:
            self._redraw(self._kept())

    def jump_to(self, at_ms: int) -> None:
        """Show the first line at or after `at_ms` at the top, paused (G: back to the newest).
        A time before what is loaded is read from AWS first, from that time on."""
        oldest = self.model.oldest_ms()
        if oldest is not None and oldest <= at_ms:
            self._show_time(at_ms)
        else:
            self.jump_ms = at_ms
            self.since_ms = at_ms
            self._restart()

    def _show_time(self, at_ms: int) -> None:
        log = self.log_widget
        row = next((i for i, (event, _) in enumerate(log.entries)
                    if event is not None and event.timestamp >= at_ms), None)
        if row is None:
            if self.jump_ms is None:  # loaded already: nothing after that time yet
                self.notify(f"No lines at or after {iso_ms(at_ms)} yet: showing the newest",
                            timeout=3, markup=False)
            return
        self.jump_ms = None
        self.model.pause()
        self._place(row)
        self.call_after_refresh(self._place, row)
        self._refresh_status()
