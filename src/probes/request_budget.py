"""One request budget per account and region, shared by everything in the process.

The quotas in `shared/docs/aws-limits.md` are per account and region and are shared with every
other responder during an outage; the console keeps to a small share of each. Each budgeted
API family has a token bucket (sustained rate, burst) per region:

| family | AWS quota (aws-limits.md) | the console's share |
|---|---|---|
| FilterLogEvents | 10/s (25/s us-east-1, 5/s eu-central-1 and a few others) | 1/5: 2/s, burst 5 |
| DescribeTasks (and ListTasks) | 20/s sustained, burst 100 | 1/5: 4/s, burst 20 |
| GetMetricData | 500/s | 5/s, burst 10 (one request a minute is the need) |
| Cost Explorer | no rate; $0.01 a request, data refreshed ~3 times a day | 20 a burst, then 20/h |

Every request of a family takes a token before it is sent (botocore's `before-call`, awaited by
aiobotocore); a retry attempt takes one too, without waiting. When AWS answers Throttling the
bucket's rate halves (down to 1/16) and recovers, doubling every `RECOVER_S` without another
throttle. `status()` says when the console is holding back (a request waited, or AWS throttled
recently) for the header.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from probes.error_codes import THROTTLE_CODES

RECOVER_S = 30.0  # after a throttle, the rate doubles back every this long
MIN_FACTOR = 1 / 16
HOLDING_NOTE_S = 10.0  # a wait or a throttle this recent is shown in the header
NOTICEABLE_WAIT_S = 0.2  # shorter waits are pacing nobody would notice
LOW_QUOTA_REGIONS = frozenset({"eu-central-1", "ap-northeast-3", "me-central-1"})

# (botocore service name, operation) -> family
FAMILY_OF = {
    ("logs", "FilterLogEvents"): "FilterLogEvents",
    ("ecs", "DescribeTasks"): "DescribeTasks",
    ("ecs", "ListTasks"): "DescribeTasks",
    ("cloudwatch", "GetMetricData"): "GetMetricData",
}


@dataclass(frozen=True)
class FamilyLimit:
    family: str
    rate_per_s: float
    burst: float
    quota: str  # AWS's figure it was sized from, for the header and the docs


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
        return FamilyLimit(family, 20 / 3600, 20.0, "$0.01 a request")
    raise KeyError(family)


def family_of(service: str, operation: str) -> str | None:
    if service == "ce":
        return "CostExplorer"
    return FAMILY_OF.get((service, operation))


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
        """Take a token; the seconds until it is really ours (0: send now)."""
        now = self._clock()
        self._advance(now)
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
        name, rate = self.limit.family, self._rate()
        if self.factor < 1.0 and self.throttled_at is not None:
            return f"{name} slowed to {rate:.2g}/s: AWS said {self.throttle_text}"
        if self.last_wait_at is not None and now - self.last_wait_at <= HOLDING_NOTE_S:
            return f"{name} paced at {rate:.2g}/s"
        return ""


class RequestBudget:
    """The buckets of one account (one set of credentials and endpoint), per region."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        self.clock = clock
        self.sleep = sleep
        self.buckets: dict[tuple[str, str], TokenBucket] = {}

    def bucket(self, family: str, region: str) -> TokenBucket:
        key = (region, family)
        found = self.buckets.get(key)
        if found is None:
            found = self.buckets[key] = TokenBucket(limit_for(family, region), self.clock)
        return found

    async def take(self, family: str, region: str) -> None:
        delay = self.bucket(family, region).reserve()
        if delay > 0:
            await self.sleep(delay)

    def status(self) -> str:
        """One short line for the header: what is held back and why; empty when nothing."""
        notes = [note for bucket in self.buckets.values() if (note := bucket.holding_back())]
        return "holding back: " + "; ".join(notes) if notes else ""

    def requests(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for (_, family), bucket in self.buckets.items():
            out[family] = out.get(family, 0) + bucket.requests
        return out

    # ------------------------------------------------------------ botocore hooks
    def attach(self, client: Any, service: str, region: str) -> None:
        """Make every request of `client` (one service, one region) keep to this budget."""
        events = client.meta.events
        events.register("before-call", functools.partial(self._before_call, service, region))
        events.register("request-created", functools.partial(self._retry_attempt, service,
                                                              region))
        events.register("response-received", functools.partial(self._response, service,
                                                                region))

    async def _before_call(self, service: str, region: str, model: Any = None,
                           **_: Any) -> None:
        family = family_of(service, getattr(model, "name", ""))
        if family is not None:
            await self.take(family, region)

    def _retry_attempt(self, service: str, region: str, request: Any = None,
                       operation_name: str = "", **_: Any) -> None:
        family = family_of(service, operation_name)
        context = getattr(request, "context", None) or {}
        if family is not None and context.get("retries", {}).get("attempt", 1) > 1:
            self.bucket(family, region).reserve(wait=False)  # botocore's backoff waits

    def _response(self, service: str, region: str, parsed_response: Any = None,
                  event_name: str = "", **_: Any) -> None:
        family = family_of(service, event_name.rsplit(".", 1)[-1])
        if family is None or not isinstance(parsed_response, dict):
            return
        error = parsed_response.get("Error") or {}
        code = str(error.get("Code", ""))
        if code in THROTTLE_CODES:
            message = str(error.get("Message", ""))[:80]
            self.bucket(family, region).throttled(f"{code}: {message}" if message else code)


_BUDGETS: dict[tuple[Any, ...], RequestBudget] = {}


def budget_for(*account_key: Any) -> RequestBudget:
    """The process's budget for one account (the key: profile, endpoint, credentials)."""
    found = _BUDGETS.get(account_key)
    if found is None:
        found = _BUDGETS[account_key] = RequestBudget()
    return found


def holding_back_note() -> str:
    """The header's indicator: every budget of the process that is holding back."""
    notes = [note for budget in _BUDGETS.values() if (note := budget.status())]
    return " · ".join(notes)


def reset_budgets() -> None:
    """Forget every budget (tests: one test's throttling must not slow the next)."""
    _BUDGETS.clear()
