"""The progress line of `tail` while it reads history (`--since 30d`): on stderr, so that
stdout stays the events alone.

Reading far back runs at the request budget's FilterLogEvents rate (`probes.request_budget`):
a month of a busy group takes minutes, and without a word it looked hung. On a terminal the
line is rewritten in place (carriage return); in a pipe or a file a full line is written every
`PIPE_EVERY_S`. The last line says how long the read took and how many requests it made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from probes.logs import LogFollower

TTY_EVERY_S = 0.5
PIPE_EVERY_S = 5.0
SHOW_AFTER_MS = 5 * 60_000  # history this far behind now is worth a progress line


def _age(ms: int) -> str:
    seconds = max(0, ms // 1000)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {rest // 60}m"
    return f"{rest // 60}m {rest % 60}s"


class HistoryProgress:
    """Call `update()` after every poll and `done()` once the follower has caught up."""

    def __init__(self, err: TextIO, follower: LogFollower, rate_per_s: float, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.err = err
        self.follower = follower
        self.rate = rate_per_s
        self._clock = clock
        self.tty = _is_tty(err)
        self.started = clock()
        self.written_at: float | None = None
        self.lines = 0

    def line(self) -> str:
        f = self.follower
        behind = f.lag_ms()
        at = min(c.next_ms for c in f.cursors)
        when = datetime.fromtimestamp(max(0, at) / 1000, UTC).strftime("%Y-%m-%d %H:%M")
        return (f"incident-console tail: reading history at {when} UTC ({_age(behind)} behind), "
                f"{f.stats.events_emitted:,} events, {f.stats.api_calls:,} requests "
                f"(paced at {self.rate:.2g} FilterLogEvents/s)")

    def update(self) -> None:
        if not self.follower.behind or self.follower.lag_ms() < SHOW_AFTER_MS:
            return
        now = self._clock()
        every = TTY_EVERY_S if self.tty else PIPE_EVERY_S
        if self.written_at is not None and now - self.written_at < every:
            return
        self.written_at = now
        self._write(self.line())

    def done(self) -> None:
        if self.written_at is None:
            return  # nothing was long enough to report
        f = self.follower
        elapsed = self._clock() - self.started
        self._write(f"incident-console tail: history read in {elapsed:.0f} s: "
                    f"{f.stats.events_emitted:,} events, {f.stats.api_calls:,} requests")
        if self.tty:
            self.err.write("\n")
            self.err.flush()
        self.written_at = None

    def _write(self, text: str) -> None:
        if self.tty:
            self.err.write("\r" + text.ljust(100)[:160])
        else:
            self.err.write(text + "\n")
        self.err.flush()
        self.lines += 1


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
