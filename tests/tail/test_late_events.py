"""The two losses of issue 14.4, replayed on the in-memory store with a fake clock (so the
latencies below are store time, not wall-clock time): a stream whose 30 s of events arrive
45 s late, and a local clock 40 s fast. Both lost events before; now every event is printed
once, the late ones within a poll or two of becoming visible."""

from __future__ import annotations

import asyncio

from tests.tail.fake_logs import FakeContext, FakeEvent, FakeLogs

from probes.logs import LogFollower

T0 = 1_800_000_000_000
POLL_MS = 1_000


def follow(store: FakeLogs, until: int, skew_ms: int = 0, **options) -> dict[str, int]:
    """Poll every second of store time until `until`; event id -> store time it was emitted."""
    follower = LogFollower(FakeContext(store), ["g"], start_ms=T0,
                           clock=lambda: store.now + skew_ms, **options)
    shown: dict[str, int] = {}

    async def run() -> None:
        while store.now < until:
            for event in await follower.poll():
                assert event.event_id not in shown, f"{event.event_id} printed twice"
                shown[event.event_id] = store.now
            store.now += POLL_MS

    asyncio.run(run())
    return shown


def steady(store: FakeLogs, stream: str, seconds: int, delay_ms: int, per_s: int = 10) -> None:
    for i in range(seconds * per_s):
        ts = T0 + i * 1_000 // per_s
        store.add(FakeEvent("g", stream, ts, f"{stream}-{i}", f"{stream} {i}", ts + delay_ms))


def test_a_streams_30_s_arriving_45_s_late_are_all_shown_promptly():
    store = FakeLogs(now=T0)
    steady(store, "busy", 120, delay_ms=500)
    # 30 s of one stream's events, flushed at once when the oldest is 45 s old.
    late = [FakeEvent("g", "late", T0 + 10_000 + i * 50, f"late-{i}", f"late {i}",
                      T0 + 10_000 + 45_000) for i in range(604)]
    for event in late:
        store.add(event)
    shown = follow(store, T0 + 150_000)
    missing = [e.event_id for e in late if e.event_id not in shown]
    assert not missing, f"{len(missing)} of {len(late)} late events lost"
    delays = sorted(shown[e.event_id] - e.visible_at for e in late)
    assert delays[-1] <= 2 * POLL_MS  # shown at the next poll after they became visible


def test_a_local_clock_40_s_fast_loses_nothing():
    store = FakeLogs(now=T0)
    for stream in ("a", "b", "c"):
        steady(store, stream, 90, delay_ms=3_000)  # each stream flushed 3 s late
    shown = follow(store, T0 + 130_000, skew_ms=40_000)
    assert len(shown) == len(store.events)


def test_events_later_than_the_window_are_shown_late_and_loss_is_flagged():
    """90 s late with a 60 s window: sealed before they arrive, found by the late re-read,
    printed once, marked late; the follower says later ones may be missed."""
    store = FakeLogs(now=T0)
    steady(store, "busy", 200, delay_ms=500)
    store.add(FakeEvent("g", "slow", T0 + 20_000, "slow-1", "slow", T0 + 110_000))
    follower = LogFollower(FakeContext(store), ["g"], start_ms=T0, clock=lambda: store.now)
    got = []

    async def run() -> None:
        while store.now < T0 + 180_000:
            got.extend(await follower.poll())
            store.now += POLL_MS

    asyncio.run(run())
    slow = [e for e in got if e.event_id == "slow-1"]
    assert len(slow) == 1 and slow[0].late
    assert len({e.event_id for e in got}) == len(got)
    assert "90 s late" in follower.loss_risk


def test_tail_says_once_on_stderr_when_loss_is_possible():
    """`tail` puts the engine's evidence on stderr once (again only after it cleared);
    stdout stays the log."""
    import io
    from types import SimpleNamespace

    from console.tail.runner import _report_loss_risk

    err, reported = io.StringIO(), set()
    for risk in ("", "events arrived 90 s late", "events arrived 95 s late", "",
                 "events arrived 70 s late"):
        _report_loss_risk(SimpleNamespace(loss_risk=risk), err, reported)
    hint = " (a longer --overlap or logs_overlap_s keeps later events)"
    assert err.getvalue().splitlines() == [
        "incident-console tail: loss possible: events arrived 90 s late" + hint,
        "incident-console tail: loss possible: events arrived 70 s late" + hint]


def test_history_written_late_before_the_tail_started_raises_no_loss_warning():
    """A backlog ingested long after its timestamps, all there at the first read, is read
    whole: no later event can be missed because of it (the demo seeds such a history)."""
    store = FakeLogs(now=T0 + 300_000)
    for i in range(300):  # written at T0 + 290 s, stamped from T0 on: up to 290 s "late"
        store.add(FakeEvent("g", "old", T0 + i * 100, f"old-{i}", f"old {i}", T0 + 290_000))
    follower = LogFollower(FakeContext(store), ["g"], start_ms=T0, clock=lambda: store.now)
    got = []

    async def run() -> None:
        while store.now < T0 + 330_000:
            ts = store.now - 500
            store.add(FakeEvent("g", "new", ts, f"new-{ts}", "new", store.now))
            got.extend(await follower.poll())
            store.now += POLL_MS

    asyncio.run(run())
    assert sum(e.event_id.startswith("old-") for e in got) == 300
    assert follower.loss_risk == ""
