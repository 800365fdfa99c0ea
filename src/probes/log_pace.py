"""How many FilterLogEvents a follower may send beyond its head reads.

A poll of `probes.logs.LogFollower` always reads the head (what is new: it cannot wait). The
other reads can: a lagging stream's batch (it shows a poll or two later), the sweep (it seals
later, holding a few more ids), the late re-read (it runs later). `SpareReads` is a token bucket
at a share of the request budget's rate, charged with *every* request the follower sends: the
head's are never refused, and the other reads are sent while the bucket holds a token, so they
use what the head leaves of the share. In a burst the head takes one request a poll and the
others fit beside it: polls stay `interval_s` apart (stretching the interval for them delayed
every event). So that nothing waits for ever, one is allowed every `MIN_GAP_MS` whatever the
head takes (the caller's pacing then stretches its interval instead).
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
