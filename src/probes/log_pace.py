"""How many FilterLogEvents a follower may send beyond the reads that cannot wait.

A poll of `probes.logs.LogFollower` always reads the head (what is new), the batch of a stream
it sees flush below the head window, and the sweep of what holds events (late events show
then). The other reads can wait: a lagging stream not seen to flush, the sweep of a span that
held nothing, the late re-read. `SpareReads` is a token bucket at a share of the request
budget's rate, charged with *every* request the follower sends: those that cannot wait are
never refused, and the others are sent while the bucket holds a token, so they use what is
left of the share. In a burst the head takes one request a poll and the others fit beside it:
polls stay `interval_s` apart (stretching the interval for them delayed every event). So that
nothing waits for ever, one is allowed every `MIN_GAP_MS` whatever the rest takes (the
caller's pacing then stretches its interval instead).
"""

from __future__ import annotations

from collections.abc import Callable

MIN_GAP_MS = 30_000
BURST = 2.0


class SpareReads:
    """Call `allows(calls)` before a read that can wait (`calls`: the follower's requests so
    far); `True` means send it."""

    def __init__(self, rate_per_s: Callable[[], float], clock: Callable[[], int],
                 burst: float = BURST) -> None:
        self._rate = rate_per_s
        self._clock = clock
        self.burst = burst
        self.tokens = burst
        self._calls = 0
        self._updated: int | None = None
        self._last_allowed: int | None = None
        self.deferred = 0  # reads put off: the follower's stats show them

    def allows(self, calls: int) -> bool:
        now = self._clock()
        if self._updated is None:
            self._updated, self._calls = now, calls
        elapsed_s = max(0, now - self._updated) / 1000
        self.tokens = min(self.burst, self.tokens + elapsed_s * self._rate())
        # A count below the last one is a new follower's (live tail handed back to polling).
        self.tokens -= calls - self._calls if calls >= self._calls else calls
        self._updated, self._calls = now, calls
        overdue = self._last_allowed is None or now - self._last_allowed >= MIN_GAP_MS
        if self.tokens >= 1 or overdue:
            self._last_allowed = now
            return True
        self.deferred += 1
        return False
