"""What the log view shows, without the widgets: the bounded buffer of events, the lines
waiting while paused, the local filter with its context, and how each row is written.
Kept UI-free so that its rules are tested directly and the screen stays small."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from console.tail.filters import ContextSelector, LineFilter
from console.tail.format import CONTEXT_MARK, group_labels, plain_line, view_line
from probes.log_event import LogEvent

Row = tuple[LogEvent | None, bool]


def _timestamp(event: LogEvent) -> int:
    return event.timestamp


class TailViewModel:
    """The buffer keeps the newest `max_lines` events (plus older ones loaded on demand,
    until following resumes); while paused, new events wait in a queue of the same size and
    `waiting_count` says how many arrived (also those the queue had to drop)."""

    def __init__(self, groups: Iterable[str], max_lines: int) -> None:
        groups = list(groups)
        self.cap = max_lines
        self.labels = group_labels(groups) if len(groups) > 1 else {}
        self.buffer: deque[LogEvent] = deque()
        self.waiting: deque[LogEvent] = deque(maxlen=max_lines)
        self.waiting_count = 0
        self.paused = False
        self.filter = LineFilter("")
        self.context = 0
        self.pretty_json = False
        self.selector = self._selector()

    # ---------------------------------------------------------------- events in
    def add(self, events: list[LogEvent]) -> list[Row] | None:
        """New events: the rows to append, or None while paused (they wait)."""
        if self.paused:
            self.waiting.extend(events)
            self.waiting_count += len(events)
            return None
        self.buffer.extend(events)
        self._trim()
        return self.selector.feed(events)

    def add_older(self, events: list[LogEvent]) -> None:
        self.buffer.extendleft(reversed(events))

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self.buffer.extend(self.waiting)
        self.waiting.clear()
        self.waiting_count = 0
        self._trim()

    def clear(self) -> None:
        self.buffer.clear()
        self.waiting.clear()
        self.waiting_count = 0
        self.selector = self._selector()

    def _trim(self) -> None:
        while len(self.buffer) > self.cap:
            self.buffer.popleft()

    # ---------------------------------------------------------------- rows out
    def set_filter(self, text: str, invert: bool | None = None) -> None:
        self.filter = LineFilter(text, invert=self.filter.invert if invert is None else invert)

    def rows(self) -> list[Row]:
        """Every row for the buffer as it is now (after a filter, context or order change)."""
        self.selector = self._selector()
        return self.selector.feed(sorted(self.buffer, key=_timestamp))

    def _selector(self) -> ContextSelector[LogEvent]:
        flt = self.filter
        return ContextSelector(lambda e: flt.wanted(e.message), self.context if flt.active
                               else 0)

    def line(self, row: Row) -> str:
        event, is_context = row
        if event is None:
            return "--"
        return view_line(event, self.labels.get(event.group),
                         mark=CONTEXT_MARK if is_context else " ", pretty_json=self.pretty_json)

    def lines(self, rows: list[Row]) -> list[str]:
        return [self.line(row) for row in rows]

    def oldest_ms(self) -> int | None:
        return min((e.timestamp for e in self.buffer), default=None)

    def export(self, rows: list[Row] | None) -> list[str]:
        """Lines for a file: the given rows (the filtered view) or the whole buffer, each
        event whole (not cut) but sanitised, in `tail`'s plain format."""
        if rows is None:
            rows = [(e, False) for e in sorted(self.buffer, key=_timestamp)]
        return ["--" if e is None else plain_line(e, self.labels.get(e.group))
                for e, _ in rows]
