"""`tail --follow` in a burst (issue 12): the head and the sweep are read on time, and the reads
that can wait (the part of a lagging stream's batch below the head window, lagging streams not
seen to flush, the late re-read) share what those leave of 1.4 FilterLogEvents/s
(`probes.log_pace.SpareReads`) instead of stretching the poll interval. On the in-memory store
with its fake clock (90 s of burst, polls a second apart): every event once, the batched
streams' events soon after their flush, the rate kept until the sweep reaches the burst (then
it must read it too)."""

from __future__ import annotations

import asyncio

from tests.tail.fake_logs import FakeContext, FakeEvent, FakeLogs

from probes.log_pace import MIN_GAP_MS, SpareReads
from probes.logs import DEFAULT_SWEEP_INTERVAL_MS, LogFollower

T0 = 1_800_000_000_000
POLL_MS = 1_000
BURST_S = 90
SHARE = 1.4
PAGE = 1_000
OVERLAP_MS = 60_000


def burst(store: FakeLogs) -> list[FakeEvent]:
    """Six streams flushed every 250 ms (40 ev/s each) and two flushed every 5 s with the
    last 5 s of events (the awslogs driver's default; 30 ev/s each): ~300 ev/s, a page of
    1,000 holds ~3 s of them."""
    events: list[FakeEvent] = []
    for step in range(BURST_S * 4):  # 250 ms steps
        flushed = T0 + (step + 1) * 250
        for n in range(6):
            events += [FakeEvent("g", f"fresh{n}", flushed - 250 + i * 25, f"f{n}-{step}-{i}",
                                 "m", flushed + 50) for i in range(10)]
        if step % 20 == 19:  # every 5 s
            for n in range(2):
                events += [FakeEvent("g", f"batch{n}", flushed - 5_000 + i * 33,
                                     f"b{n}-{step}-{i}", "m", flushed) for i in range(150)]
    for event in events:
        store.add(event)
    return events


def follow(spare: bool) -> tuple[FakeLogs, LogFollower, dict[str, int], list[FakeEvent],
                               list[tuple[int, int]]]:
    store = FakeLogs(now=T0, call_cost_ms=5)
    events = burst(store)
    pace = SpareReads(lambda: SHARE, clock=store.clock) if spare else None
    # From a minute before the burst, as `tail --follow --since 1m` started on a quiet group.
    follower = LogFollower(FakeContext(store), ["g"], start_ms=T0 - 60_000, page_limit=PAGE,
                           overlap_ms=OVERLAP_MS, spare_reads=pace, clock=store.clock)
    shown: dict[str, int] = {}
    calls: list[tuple[int, int]] = []  # (store time, requests so far) at each poll

    async def run() -> None:
        while store.now < T0 + (BURST_S + 5) * 1_000:
            began = store.now
            calls.append((began, store.calls))
            for event in await follower.poll():
                assert event.event_id not in shown, f"{event.event_id} shown twice"
                shown[event.event_id] = store.now
            store.now = max(store.now, began + POLL_MS)

    asyncio.run(run())
    return store, follower, shown, events, calls


def rate_until(calls: list[tuple[int, int]], seconds: int) -> float:
    """Requests a second from the start to `seconds` into the burst."""
    at, count = next((t, n) for t, n in calls if t >= T0 + seconds * 1_000)
    return count / ((at - T0) / 1000)


def test_a_burst_keeps_to_the_share_and_shows_every_event_once():
    store, follower, shown, events, calls = follow(spare=True)
    assert sorted(shown) == sorted(e.event_id for e in events)
    # Until the sweep reaches the burst (its first minute): within the share (its burst of
    # two requests included).
    assert rate_until(calls, 55) <= SHARE + 2 / 55, (calls, follower.stats)
    # The batched streams' events (up to 5 s old when flushed): most at the poll after the
    # flush, those below the head window once a spare read is allowed.
    delays = sorted(shown[e.event_id] - e.visible_at for e in events
                    if e.stream.startswith("batch"))
    assert delays[len(delays) // 2] <= POLL_MS, delays
    assert delays[-1] <= 6 * POLL_MS, delays[-20:]
    # The sweep is never put off: it seals on time (late events show on time, memory stays
    # bounded).
    assert follower.stats.by_kind.get("sweep_calls", 0) > 0
    behind = store.now - follower.cursors[0].sealed_ms
    assert behind <= OVERLAP_MS + DEFAULT_SWEEP_INTERVAL_MS + 2 * POLL_MS, behind


def test_without_the_share_the_same_burst_costs_more():
    """What the share saves: the engine alone sends more than 1.4/s in the same minute."""
    _, _, shown, events, calls = follow(spare=False)
    assert len(shown) == len(events)
    assert rate_until(calls, 55) > SHARE


def test_spare_reads_use_what_the_head_leaves():
    now = [0]
    pace = SpareReads(lambda: 1.5, clock=lambda: now[0], burst=2.0)
    calls = 0
    allowed = 0
    for _ in range(100):  # a poll a second: one head request, then up to two that can wait
        now[0] += 1_000
        calls += 1
        for _ in range(2):
            if pace.allows(calls):
                calls += 1
                allowed += 1
    assert 45 <= allowed <= 52  # 0.5/s left by the head, plus the first burst
    assert pace.deferred == 200 - allowed
    # A head that takes the whole share still leaves one every MIN_GAP_MS.
    pace = SpareReads(lambda: 1.0, clock=lambda: now[0], burst=2.0)
    granted = 0
    for _ in range(50):
        now[0] += 1_000
        calls += 2
        granted += pace.allows(calls)
    assert granted == 50 * 1_000 // MIN_GAP_MS + 1


def test_a_new_followers_count_is_charged_from_zero():
    """Live tail hands back to polling with a new follower (its count starts again at 0): the
    bucket must not take the drop for a refund."""
    now = [0]
    pace = SpareReads(lambda: 1.0, clock=lambda: now[0], burst=2.0)
    assert pace.allows(500)
    now[0] += 1_000
    assert not pace.allows(502)  # 2 more in a second at 1/s: none to spare
    now[0] += 1_000
    assert not pace.allows(3)  # a new follower sent 3: charged 3, not refunded 499
    assert pace.tokens == -2
