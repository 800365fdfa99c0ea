"""A hundred collections against a budget that holds back every other one: the scheduler asks
again when the refusal says the token is due, so a hold is never followed by another (no
hammering a refused budget) and never by a wait of the probe's own interval.

The probe takes one token of a real `TokenBucket` (50/s, burst 1, no wait allowed: every
request that finds no token is refused with `BudgetRefusal`, as Cost Explorer's are) and
sends nothing to AWS: it stands for the request the budget guards.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from types import SimpleNamespace

from probes import scheduler as scheduler_module
from probes.errors import ErrorKind
from probes.result import Probe
from probes.scheduler import Scheduler
from probes.token_bucket import FamilyLimit, TokenBucket

COLLECTIONS = 100


class BudgetedProbe(Probe[int]):
    name = "costs"
    interval_s = 0.0  # straight back after each answer: the budget is what paces it

    def __init__(self) -> None:
        super().__init__(SimpleNamespace(settings=SimpleNamespace(profile=None,
                                                                  endpoint_url=None)))
        self.bucket = TokenBucket(FamilyLimit("CostExplorer", 50.0, 1.0, "test", 0.0),
                                  time.monotonic)
        self.sent = 0

    async def collect(self) -> int:
        self.bucket.reserve()  # BudgetRefusal when the token is not there yet
        self.sent += 1
        return self.sent


async def test_a_hundred_held_back_collections_each_retry_when_the_token_is_due(monkeypatch):
    monkeypatch.setattr(scheduler_module, "HELD_BACK_MARGIN_S", 0.005)
    probe = BudgetedProbe()
    kinds: list[str] = []
    done = asyncio.Event()

    def listen(result) -> None:
        kinds.append("ok" if result.ok else result.error.kind.value)
        if result.ok and result.data >= COLLECTIONS:
            done.set()

    scheduler = Scheduler([probe], listen)
    scheduler.start()
    try:
        await asyncio.wait_for(done.wait(), timeout=120)  # a busy CI box: generous
    finally:
        await scheduler.stop()
    held = kinds.count(ErrorKind.HELD_BACK.value)
    assert kinds.count("ok") == COLLECTIONS and held > 0
    assert set(kinds) == {"ok", ErrorKind.HELD_BACK.value}
    # Every hold is followed by an answer: asked again when due, not before.
    assert not any(a == b == ErrorKind.HELD_BACK.value for a, b in itertools.pairwise(kinds))
