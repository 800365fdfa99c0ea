"""Token buckets: one API family's share of an AWS quota in one region (`probes.request_budget`
holds them per account and region and hooks them into botocore).

A bucket refills at its rate up to its burst; `reserve()` takes a token now (the balance may go
negative, so waiters are served in order) and says how long to wait for it. AWS's Throttling
halves the rate (down to `MIN_FACTOR`), which doubles back every `RECOVER_S`. A family may cap
the wait (`FamilyLimit.max_wait_s`, Cost Explorer's `CE_MAX_WAIT_S`): a longer one is refused
with `BudgetRefusal`, which says why in the budget's own words (its rate, AWS's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

RECOVER_S = 30.0  # after a throttle, the rate doubles back every this long
MIN_FACTOR = 1 / 16
CE_MAX_WAIT_S = 5.0  # longer than this for a Cost Explorer token: refused, not waited for
HOLDING_NOTE_S = 10.0  # a wait or a throttle this recent is shown in the header
NOTICEABLE_WAIT_S = 0.2  # shorter waits are pacing nobody would notice
LOW_QUOTA_REGIONS = frozenset({"eu-central-1", "ap-northeast-3", "me-central-1"})

@dataclass(frozen=True)
class FamilyLimit:
    family: str
    rate_per_s: float
    burst: float
    quota: str  # AWS's figure it was sized from, for the header and the docs
    max_wait_s: float | None = None  # a longer wait for a token is refused (BudgetRefusal)

    @property
    def title(self) -> str:
        return "Cost Explorer" if self.family == "CostExplorer" else self.family


def rate_text(rate_per_s: float) -> str:
    """``2/s``, or per hour for the slow families: ``10/h``."""
    if rate_per_s < 0.1:
        return f"{rate_per_s * 3600:.2g}/h"
    return f"{rate_per_s:.2g}/s"


class BudgetRefusal(Exception):
    """A request the budget did not send: its token was more than the family's `max_wait_s`
    away. `reason` is the budget's own account of why (its rate, AWS's throttle text)."""

    def __init__(self, family: str, rate_per_s: float, wait_s: float, throttle_text: str):
        self.family, self.rate_per_s, self.wait_s = family, rate_per_s, wait_s
        self.throttle_text = throttle_text
        reason = f"{family} paced to {rate_text(rate_per_s)}"
        if throttle_text:
            reason += f" after AWS said {throttle_text}"
        self.reason = reason
        super().__init__(f"{reason} (next request in {wait_s:.0f} s)")


def filter_log_events_quota(region: str) -> float:
    if region == "us-east-1":
        return 25.0
    return 5.0 if region in LOW_QUOTA_REGIONS else 10.0


def limit_for(family: str, region: str) -> FamilyLimit:
    """The console's share of one family's quota in `region`."""
    if family == "FilterLogEvents":
        quota = filter_log_events_quota(region)
        return FamilyLimit(family, quota / 5, quota / 2, f"{quota:g}/s")
    if family == "DescribeTasks":
        return FamilyLimit(family, 4.0, 20.0, "20/s, burst 100")
    if family == "GetMetricData":
        return FamilyLimit(family, 5.0, 10.0, "500/s")
    if family == "CostExplorer":
        return FamilyLimit(family, 20 / 3600, 20.0, "$0.01 a request", CE_MAX_WAIT_S)
    raise KeyError(family)


class TokenBucket:
    """A token bucket with reservations: `reserve()` takes a token now (the balance may go
    negative) and says how long to wait for it, so waiters are served in order."""

    def __init__(self, limit: FamilyLimit, clock: Callable[[], float]) -> None:
        self.limit = limit
        self._clock = clock
        self.tokens = limit.burst
        self.updated = clock()
        self.factor = 1.0  # < 1 after AWS throttled
        self.throttled_at: float | None = None
        self.throttle_text = ""  # AWS's code and message
        self.throttles = 0
        self.requests = 0
        self.waits = 0
        self.waited_s = 0.0
        self.last_wait_at: float | None = None

    @property
    def rate(self) -> float:
        """The sustained rate now (less than the limit's while recovering from a throttle)."""
        self._advance(self._clock())
        return self._rate()

    def _rate(self) -> float:
        return self.limit.rate_per_s * self.factor

    def _advance(self, now: float) -> None:
        if self.factor < 1.0 and self.throttled_at is not None:
            steps = int((now - self.throttled_at) // RECOVER_S)
            if steps:
                self.factor = min(1.0, self.factor * 2 ** steps)
                self.throttled_at += steps * RECOVER_S
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.limit.burst, self.tokens + elapsed * self._rate())
        self.updated = now

    def reserve(self, wait: bool = True) -> float:
        """Take a token; the seconds until it is really ours (0: send now). Raises
        `BudgetRefusal` (taking nothing) when that is longer than the limit's `max_wait_s`."""
        now = self._clock()
        self._advance(now)
        if wait and self.limit.max_wait_s is not None and self.tokens < 1:
            delay = (1 - self.tokens) / self._rate()
            if delay > self.limit.max_wait_s:
                self.last_wait_at = now  # the header says it is holding back
                raise BudgetRefusal(self.limit.title, self._rate(), delay, self.throttle_text)
        self.tokens -= 1
        self.requests += 1
        if self.tokens >= 0 or not wait:
            return 0.0
        delay = -self.tokens / self._rate()
        self.waits += 1
        self.waited_s += delay
        if delay >= NOTICEABLE_WAIT_S:
            self.last_wait_at = now
        return delay

    def throttled(self, text: str) -> None:
        """AWS said Throttling: halve the rate and drop the saved-up burst."""
        now = self._clock()
        self._advance(now)
        self.factor = max(MIN_FACTOR, self.factor / 2)
        self.tokens = min(self.tokens, 0.0)
        self.throttled_at = now
        self.throttle_text = text
        self.throttles += 1

    def holding_back(self) -> str:
        """Why the console is holding this family back now (empty when it is not)."""
        now = self._clock()
        self._advance(now)
        name, rate = self.limit.family, rate_text(self._rate())
        if self.factor < 1.0 and self.throttled_at is not None:
            return f"{name} slowed to {rate}: AWS said {self.throttle_text}"
        if self.last_wait_at is not None and now - self.last_wait_at <= HOLDING_NOTE_S:
            return f"{name} paced at {rate}"
        return ""

    def absorb(self, other: TokenBucket) -> None:
        """Take in what another bucket of the same family knows (two profiles found to be
        one account): the fewer tokens, the slower rate, the later throttle, both counts."""
        now = self._clock()
        self._advance(now)
        other._advance(now)
        self.tokens = min(self.tokens, other.tokens)
        if other.factor < self.factor or not self.throttle_text:
            self.throttle_text = other.throttle_text or self.throttle_text
        if other.factor < self.factor:
            self.factor, self.throttled_at = other.factor, other.throttled_at
        self.throttles += other.throttles
        self.requests += other.requests
        self.waits += other.waits
        self.waited_s += other.waited_s
        if other.last_wait_at is not None:
            self.last_wait_at = max(self.last_wait_at or other.last_wait_at,
                                    other.last_wait_at)
