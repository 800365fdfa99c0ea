"""The scheduler's contract: one collection at a time per probe, backoff after errors, no
retry of expired credentials until asked, refresh on demand."""

import asyncio
import random

from probes.errors import ErrorKind, ProbeError
from probes.result import Probe, ProbeResult
from probes.scheduler import Scheduler, backoff_delay


class CountingProbe(Probe[int]):
    """A probe whose collect is scripted: the scheduler is what is under test here."""

    def __init__(self, name, outcomes, interval_s=0.01, hold_s=0.0):
        self.name = name
        self.interval_s = interval_s
        self.outcomes = list(outcomes)
        self.calls = 0
        self.running = 0
        self.max_running = 0
        self.hold_s = hold_s
        self.ctx = None

    async def collect(self):
        self.calls += 1
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        try:
            await asyncio.sleep(self.hold_s)
            outcome = self.outcomes.pop(0) if self.outcomes else 1
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        finally:
            self.running -= 1

    async def run(self):
        try:
            return ProbeResult(self.name, None, 0.0, data=await self.collect())
        except ExpiredError as exc:
            return ProbeResult(self.name, None, 0.0, error=exc.error)


class ExpiredError(Exception):
    error = ProbeError(ErrorKind.CREDENTIALS, "expired", "aws sso login")


def test_backoff_is_full_jitter_bounded_by_interval_and_cap():
    rng = random.Random(1)
    delays = [backoff_delay(5, n, 60, rng) for n in range(1, 12) for _ in range(50)]
    assert min(delays) >= 5
    assert max(delays) <= 60
    assert backoff_delay(5, 0, 60) == 5


async def test_never_two_collections_at_once_even_when_refreshed():
    probe = CountingProbe("p", [], interval_s=0.05, hold_s=0.05)
    results = []
    scheduler = Scheduler([probe], results.append)
    scheduler.start()
    for _ in range(10):
        scheduler.refresh("p")
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    await scheduler.stop()
    assert probe.max_running == 1
    assert probe.calls >= 2


async def test_expired_credentials_wait_for_refresh_then_renew_session():
    probe = CountingProbe("p", [ExpiredError(), 7], interval_s=0.01)
    results = []
    renewed = []

    async def renew():
        renewed.append(True)

    scheduler = Scheduler([probe], results.append, renew_session=renew)
    scheduler.start()
    await asyncio.sleep(0.15)
    assert probe.calls == 1, "expired credentials must not be retried on a timer"
    assert scheduler.states["p"].waiting_for_credentials
    scheduler.refresh("p")
    await asyncio.sleep(0.05)
    await scheduler.stop()
    assert renewed == [True]
    assert results[1].data == 7


async def test_fresh_waits_for_a_collection_that_started_after_the_request():
    probe = CountingProbe("p", [1, 2, 3, 4], interval_s=10, hold_s=0.05)
    scheduler = Scheduler([probe], lambda r: None)
    scheduler.start()
    await asyncio.sleep(0.01)  # the first collection is in flight now
    result = await scheduler.fresh("p")
    await scheduler.stop()
    assert result.data == 2, "the in-flight collection began before the request"
    assert probe.max_running == 1
