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

A family may cap how long a request waits for its token (Cost Explorer: after a throttle its
next token is 6 minutes away, and a probe must not sit on it for hours): past the cap the
request is not sent and `BudgetRefusal` says why (the rate, AWS's words). Budgets start keyed
by profile and endpoint; once STS names the account, `key_by_account` makes every budget of
that account (two profiles for one account) share one set of buckets, as AWS's quotas do.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from typing import Any

from probes.error_codes import THROTTLE_CODES
from probes.token_bucket import RECOVER_S, TokenBucket, limit_for

__all__ = ["RECOVER_S", "RequestBudget", "budget_for", "family_of", "holding_back_note",
           "key_by_account", "limit_for", "reset_budgets"]

# (botocore service name, operation) -> family
FAMILY_OF = {
    ("logs", "FilterLogEvents"): "FilterLogEvents",
    ("ecs", "DescribeTasks"): "DescribeTasks",
    ("ecs", "ListTasks"): "DescribeTasks",
    ("cloudwatch", "GetMetricData"): "GetMetricData",
}


def family_of(service: str, operation: str) -> str | None:
    if service == "ce":
        return "CostExplorer"
    return FAMILY_OF.get((service, operation))


class RequestBudget:
    """The buckets of one account (one set of credentials and endpoint), per region."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Any] = asyncio.sleep) -> None:
        self.clock = clock
        self.sleep = sleep
        self.buckets: dict[tuple[str, str], TokenBucket] = {}
        self.account: str | None = None  # once STS has named it (`key_by_account`)

    def bucket(self, family: str, region: str) -> TokenBucket:
        key = (region, family)
        found = self.buckets.get(key)
        if found is None:
            found = self.buckets[key] = TokenBucket(limit_for(family, region),
                                                    lambda: self.clock())
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
# (account, endpoint) -> the buckets every budget of that account shares
_ACCOUNT_BUCKETS: dict[tuple[str, str | None], dict[tuple[str, str], TokenBucket]] = {}


def key_by_account(budget: RequestBudget, account: str, endpoint: str | None) -> None:
    """STS has named `budget`'s account: from now on it shares its buckets with every other
    budget of that account (at that endpoint) in the process, taking in what it had counted."""
    if not account or budget.account == account:
        return
    shared = _ACCOUNT_BUCKETS.setdefault((account, endpoint), {})
    if budget.buckets is not shared:
        for key, mine in budget.buckets.items():
            if key in shared:
                shared[key].absorb(mine)
            else:
                shared[key] = mine
        budget.buckets = shared
    budget.account = account


def budget_for(*account_key: Any) -> RequestBudget:
    """The process's budget for one account (the key: profile, endpoint, credentials)."""
    found = _BUDGETS.get(account_key)
    if found is None:
        found = _BUDGETS[account_key] = RequestBudget()
    return found


def holding_back_note() -> str:
    """The header's indicator: every budget of the process that is holding back."""
    notes = {}  # budgets of one account share their buckets: one note for them
    for budget in _BUDGETS.values():
        if id(budget.buckets) not in notes:
            notes[id(budget.buckets)] = budget.status()
    return " · ".join(note for note in notes.values() if note)


def reset_budgets() -> None:
    """Forget every budget (tests: one test's throttling must not slow the next)."""
    _BUDGETS.clear()
    _ACCOUNT_BUCKETS.clear()
