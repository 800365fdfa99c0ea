"""The tail engine's merge, dedupe and seal logic over generated histories (hypothesis).

Each history: events in several streams (and groups), many sharing a millisecond across
streams, each becoming visible some time after its timestamp (late ingestion); the store pages
with small limits, may return pages out of time order or empty with a token, and its clock
moves on between polls (and during them). The engine must emit every event that became visible
within the overlap window exactly once, never emit an event twice whatever its delay, never
emit one older than its start, and hand out each batch in timestamp order. The local clock may
be skewed from the store's (AWS's) by up to five windows either way, and the store may omit its
Date header: the engine takes "now" from AWS's answers.

Events later than the window are rescued by the late re-read (`probes.log_rescan`) and marked
late, still exactly once, and the follower says loss was possible.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.tail.fake_logs import FakeContext, FakeEvent, FakeLogs

from probes.log_dedupe import SeenIds
from probes.log_rescan import RESCAN_INTERVAL_MS
from probes.logs import LogFollower

T0 = 10_000_000
OVERLAP = 8_000
SKEWS = [0, 0, 0, 1_234, -5 * OVERLAP, 5 * OVERLAP]


@st.composite
def histories(draw):
    groups = draw(st.sampled_from([["g1"], ["g1", "g2"]]))
    streams = [f"s{i}" for i in range(draw(st.integers(1, 5)))]
    bursts = draw(st.lists(st.integers(-1_000, 12_000), min_size=1, max_size=6))
    n = draw(st.integers(1, 120))
    events = []
    for i in range(n):
        ts = T0 + draw(st.one_of(st.sampled_from(bursts), st.integers(-1_000, 12_000)))
        delay = draw(st.one_of(st.integers(0, 300), st.integers(0, OVERLAP),
                               st.integers(OVERLAP + 1, 3 * OVERLAP)))
        events.append(FakeEvent(draw(st.sampled_from(groups)), draw(st.sampled_from(streams)),
                                ts, f"e{i}", f"m{i}", ts + delay))
    return groups, events


@given(history=histories(),
       page_limit=st.integers(2, 30), per_poll=st.integers(5, 200),
       head_events=st.integers(1, 50), steps=st.lists(st.integers(50, 2_500), min_size=1,
                                                       max_size=8),
       call_cost=st.integers(0, 20), disorder=st.sampled_from([0, 0, 3, 50]),
       empty_rate=st.sampled_from([0.0, 0.3]), seed=st.integers(0, 1_000),
       skew=st.sampled_from(SKEWS), send_date=st.sampled_from([True, True, False]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_event_exactly_once_in_order(history, page_limit, per_poll, head_events, steps,
                                           call_cost, disorder, empty_rate, seed, skew,
                                           send_date):
    groups, events = history
    store = FakeLogs(now=T0, call_cost_ms=call_cost, disorder_ms=disorder,
                     empty_page_rate=empty_rate, seed=seed, send_date=send_date)
    for event in events:
        store.add(event)
    follower = LogFollower(FakeContext(store), groups, start_ms=T0, page_limit=page_limit,
                           events_per_poll=per_poll, head_overlap_events=head_events,
                           head_overlap_ms=3_000, overlap_ms=OVERLAP, sweep_interval_ms=1_000,
                           clock=lambda: store.now + skew)
    batches = []

    async def follow() -> None:
        horizon = max(e.visible_at for e in events) + OVERLAP + RESCAN_INTERVAL_MS + 3_000
        for step in range(100_000):
            batches.append(await follower.poll())
            if store.now > horizon and not follower.behind:
                return
            store.now += 1 if follower.behind else steps[step % len(steps)]
        raise AssertionError("the follower never caught up")

    asyncio.run(follow())
    emitted = [e for batch in batches for e in batch]
    ids = [e.event_id for e in emitted]
    assert len(ids) == len(set(ids)), "an event was emitted twice"
    by_id = {e.event_id: e for e in events}
    assert all(e.timestamp >= T0 for e in emitted), "an event older than the start"
    must = {e.event_id for e in events if e.timestamp >= T0 and e.delay <= OVERLAP}
    missing = must - set(ids)
    assert not missing, f"lost {sorted(missing)[:5]}"
    for event in emitted:
        source = by_id[event.event_id]
        assert (event.group, event.stream, event.message) == (source.group, source.stream,
                                                              source.message)
    newest = T0 - 1
    for batch in batches:
        assert [e.timestamp for e in batch] == sorted(e.timestamp for e in batch)
        for event in batch:
            assert event.late == (event.timestamp < newest)
        if batch:
            newest = max(newest, batch[-1].timestamp)
    assert follower.unsealed_ids <= len(events)


@given(history=histories(), steps=st.lists(st.integers(50, 2_500), min_size=1, max_size=8),
       skew=st.sampled_from(SKEWS), disorder=st.sampled_from([0, 3, 50]),
       seed=st.integers(0, 1_000))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_events_later_than_the_window_are_rescued_once_and_flagged(history, steps, skew,
                                                                    disorder, seed):
    """Pages large enough for the late re-read to cover all sealed spans: then every event,
    however late (up to 3 windows here), is emitted exactly once; those found after their
    timestamps were sealed are marked late; and the follower says loss was possible whenever
    an event arrived later than the window allows for."""
    groups, events = history
    store = FakeLogs(now=T0, disorder_ms=disorder, seed=seed)
    for event in events:
        store.add(event)
    follower = LogFollower(FakeContext(store), groups, start_ms=T0, page_limit=1_000,
                           head_overlap_ms=3_000, overlap_ms=OVERLAP, sweep_interval_ms=1_000,
                           clock=lambda: store.now + skew)
    emitted, risks = [], []

    async def follow() -> None:
        horizon = max(e.visible_at for e in events) + OVERLAP + RESCAN_INTERVAL_MS + 3_000
        for step in range(100_000):
            emitted.extend(await follower.poll())
            risks.append(follower.loss_risk)
            if store.now > horizon and not follower.behind:
                return
            store.now += steps[step % len(steps)]
        raise AssertionError("the follower never caught up")

    asyncio.run(follow())
    ids = [e.event_id for e in emitted]
    assert len(ids) == len(set(ids)), "an event was emitted twice"
    assert set(ids) == {e.event_id for e in events if e.timestamp >= T0}
    if any(e.delay > OVERLAP for e in events if e.timestamp >= T0):
        assert any(risks), "events arrived later than the window and nothing said so"


@given(st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 300)), max_size=400),
       st.integers(0, 25_000))
@settings(max_examples=200, deadline=None)
def test_seen_ids_is_a_set_until_sealed(pairs, seal_at):
    seen, reference = SeenIds(), set()
    for ts, n in pairs:
        assert seen.add(ts, f"id{n}-{ts}") == ((ts, n) not in reference)
        reference.add((ts, n))
        if n % 7 == 0:
            seen.freeze_below(ts)
    assert len(seen) == len(reference)
    seen.seal_below(seal_at)
    kept = {(ts, n) for ts, n in reference if ts // 1_000 >= seal_at // 1_000}
    assert len(seen) == len(kept)
    for ts, n in kept:
        assert not seen.add(ts, f"id{n}-{ts}")
