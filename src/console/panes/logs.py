"""Pane 4: the latest lines of the service's log groups, errors highlighted.

Each line shows its time once, its task, and what it says (level, message, fields after:
`console.log_rows`); `R` switches to the lines as logged and back. Lines are sanitised before
they reach the `Log` widget (which would pass escape sequences to the terminal) and coloured
at render time by `SeverityHighlighter` (an access row by its status). The full tail
experience (pause, history, filters, detail, wrap) is the log screen, opened with `l`.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Log

from console.log_rows import pane_line, row_severity
from console.panes.base import Pane
from console.sanitize import clean
from console.severity import Severity, severity_of
from console.styles import BAD, GOOD, MUTED
from console.widgets.severity_highlighter import SeverityHighlighter
from probes.logs import LogBatch, LogEvent
from probes.result import ProbeResult

KEEP_LINES = 1_000
PREFIX = 18  # "HH:MM:SS abcdefgh "


class FollowingLog(Log):
    """A `Log` that keeps showing its newest line until the operator scrolls up (End follows
    again), and repaints after every write.

    Textual's `Log` alone freezes in two ways: once it holds `max_lines`, `write_lines`
    repaints only the rows after the old end (off screen once the oldest lines are dropped),
    so the screen keeps the old picture; and it follows only while `scroll_y` equals
    `max_scroll_y`, which stops being true for good when the pane's layout changes (a status
    line that wraps, an error row that appears) although nobody scrolled.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.following = True

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Only a scroll changes this: a layout change that moves the end does not.
        self.following = round(new_value) >= self.max_scroll_y

    def append(self, lines: list[str]) -> None:
        self.write_lines(lines, scroll_end=False)
        if lines and (not self.lines or self.lines[-1] != lines[-1]):
            # Never show an older line as the newest: the pane goes STALE (display error).
            raise RuntimeError("the log widget did not keep the newest line")
        if self.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def on_resize(self) -> None:
        if self.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)


def format_line(event: LogEvent, raw: bool = False) -> str:
    """``20:19:45 e99f7057 ERROR OutOfMemoryError: …`` (raw: the line as logged)."""
    return pane_line(event, raw=raw)


class LogsPane(Pane[LogBatch]):
    probe = "logs"
    title = "Logs"
    number = 4
    interval_s = 2.0
    BINDINGS = [Binding("R", "toggle_raw", "Raw lines", show=False, id="logs.pane_raw")]

    def __init__(self, interval_s: float | None = None, **kwargs) -> None:
        super().__init__(interval_s, **kwargs)
        self.events: deque[LogEvent] = deque(maxlen=KEEP_LINES)
        # Whether each kept event is an error, so the count matches the lines kept (the
        # pane says "N lines · E errors": both must describe the same lines).
        self.error_flags: deque[bool] = deque(maxlen=KEEP_LINES)
        self.errors = 0
        self.groups: tuple[str, ...] = ()
        self.highlighter = SeverityHighlighter(PREFIX, row_severity)
        self.raw = False  # True: the lines as logged, not parsed

    DEFAULT_CSS = """
    LogsPane > Log { overflow-x: hidden; }
    LogsPane > .pane-status { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def compose_body(self) -> ComposeResult:
        log = FollowingLog(highlight=True, max_lines=KEEP_LINES, id="logs-log")
        log.highlighter = self.highlighter
        yield log

    @property
    def body(self) -> Widget:
        return self.query_one(FollowingLog)

    def show(self, result: ProbeResult[LogBatch]) -> None:
        if result.ok and result.data is not None:
            retry = self.display_error is not None  # lines of a batch that failed to render
            self.groups = result.data.groups
            new = result.data.events
            self.events.extend(new)
            for event in new:
                if len(self.error_flags) == KEEP_LINES and self.error_flags[0]:
                    self.errors -= 1
                flag = severity_of(event.message) >= Severity.ERROR
                self.error_flags.append(flag)
                self.errors += flag
            self.data = result.data
            self.last_good_at = result.fetched_at
            if self.last_error is not None:  # its text must not come back if the data ages
                self.last_error = None
                self._show_error()
            self.collecting = False
            if retry:
                self.redraw()
            elif new:
                lines = [format_line(e, self.raw) for e in new if self._wanted(e)]
                if lines:
                    self.query_one(FollowingLog).append(lines)
            self.query_one(".pane-status").update(self.status_line(result.data))
        else:
            super().show(result)
            if self.data is not None:  # no longer reading as it said: the border says why
                self.query_one(".pane-status").update(self.status_line(self.data))

    def _wanted(self, event: LogEvent) -> bool:
        return not self.filter_text or self.filter_text.lower() in event.message.lower()

    def redraw(self) -> None:
        """Re-render from the kept events (after the filter changed)."""
        self.highlighter.needle = self.filter_text
        log = self.query_one(FollowingLog)
        log.clear()
        log.append([format_line(e, self.raw) for e in self.events if self._wanted(e)])

    def action_toggle_raw(self) -> None:
        """Between what the lines say (parsed) and the lines as they were logged."""
        self.raw = not self.raw
        self.redraw()
        if self.data is not None:
            self.query_one(".pane-status").update(self.status_line(self.data))

    def status_line(self, data: LogBatch) -> Text:
        """What the pane holds, then how it reads, then any warning: a line each, cut at the
        pane's edge (…, the CSS above) rather than wrapped: at 80 columns the log keeps its rows.
        How it reads is said only while it is true: after a failed poll the border and the
        error row say what the console is doing instead."""
        text = Text(f"{len(self.events)} lines", style=MUTED)
        text.append(" · ")
        text.append(f"{self.errors} errors", style=BAD if self.errors else GOOD)
        text.append(f" · {', '.join(clean(g, limit=60) for g in data.groups)}", style=MUTED)
        text.append("  (l: full log view)", style=MUTED)
        reading = getattr(data, "reading", "")  # "live tail" or "polling every 2s (...)"
        if reading and self.last_error is None:
            text.append(f"\n{clean(reading, limit=300)}", style=MUTED)
        notes = []
        log = self.query(FollowingLog)
        if log and not log.first().following:
            notes.append(Text("scrolled up: End follows the newest line", style="yellow"))
        if data.loss_risk:  # from evidence: events arriving later than the overlap window
            notes.append(Text(f"⚠ loss possible: {clean(data.loss_risk, limit=120)}",
                              style="yellow"))
        if self.raw:
            notes.append(Text("raw lines (R: what they say)", style="yellow"))
        if notes:
            text.append("\n")
            text.append_text(Text("  ").join(notes))
        return text

    def summary(self, data: LogBatch) -> Text:
        return Text(f"{self.errors} errors", style=BAD if self.errors else GOOD)
