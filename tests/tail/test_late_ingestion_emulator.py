"""Issue 14.4 against the emulator: the strict emulator ingests chosen batches late (a late
ingestionTime, unsearchable until then), as AWS does with a stream flushed late or a client's
buffered batch. moto never did, so the tail's late-event handling was only tested on the
in-memory store; here the real follower meets late events over HTTP and prints each once."""

from __future__ import annotations

import asyncio

import pytest
from tests.tail.conftest import now_ms

from console.demo import backend
from probes import log_rescan
from probes.logs import LogFollower

LATE = "late/"


@pytest.fixture
def late_ingestion():
    """Turn late ingestion on with `late_ingestion(delay_ms, every=..., clock=...)`."""
    def turn_on(delay_ms: int, every: int = 1, clock=None) -> None:
        backend.delay_log_ingestion(delay_ms, stream_prefix=LATE, every=every, clock=clock)
    yield turn_on
    backend.delay_log_ingestion(0)


def test_a_late_batch_is_invisible_until_ingested_then_has_its_late_ingestion_time(
        log_groups, late_ingestion):
    now = [now_ms()]
    put_at = now[0]
    late_ingestion(45_000, every=2, clock=lambda: now[0])
    group = log_groups.create(["app", f"{LATE}app"])
    ts = now[0] - 1_000
    log_groups.put(group, f"{LATE}app", [(ts, "first batch")])  # batch 1: on time
    log_groups.put(group, f"{LATE}app", [(ts + 1, "second batch")])  # batch 2: 45 s late
    log_groups.put(group, "app", [(ts + 2, "other stream")])  # not chosen: on time
    client = log_groups.client

    def visible() -> dict[str, int]:
        page = client.filter_log_events(logGroupName=group, startTime=ts - 1)
        return {e["message"]: e["ingestionTime"] for e in page["events"]}

    assert set(visible()) == {"first batch", "other stream"}
    got = client.get_log_events(logGroupName=group, logStreamName=f"{LATE}app",
                                startFromHead=True)
    assert [e["message"] for e in got["events"]] == ["first batch"]
    now[0] += 45_000
    shown = visible()
    assert set(shown) == {"first batch", "second batch", "other stream"}
    assert shown["second batch"] == put_at + 45_000  # ingested late, as AWS says it was


async def follow_until(follower: LogFollower, expected: set[str], timeout_s: float = 90.0
                       ) -> dict[str, list]:
    """Poll every 0.2 s until every expected message was emitted (generous timeout: a busy
    machine only makes it slower), then a few polls more; message -> emitted events."""
    got: dict[str, list] = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    extra = 10
    while extra:
        for event in await follower.poll():
            got.setdefault(event.message, []).append(event)
        if expected <= set(got):
            extra -= 1
        elif loop.time() > deadline:
            break
        await asyncio.sleep(0.2)
    return got


async def produce(log_groups, group: str, rounds: int, start: int) -> set[str]:
    """Both streams write a batch every 0.2 s; every second late/ batch is ingested late."""
    sent = set()
    for r in range(rounds):
        ts = now_ms()
        for stream in ("app", f"{LATE}app"):
            lines = [(ts + i, f"{stream} {r}.{i}") for i in range(20)]
            log_groups.put(group, stream, lines)
            sent.update(m for _, m in lines)
        await asyncio.sleep(0.2)
    return sent


async def test_events_ingested_late_within_the_overlap_are_printed_once_and_marked_late(
        log_groups, aws, late_ingestion):
    late_ingestion(3_000, every=2)
    group = log_groups.create(["app", f"{LATE}app"])
    follower = LogFollower(aws, [group], start_ms=now_ms() - 1_000)
    await follower.poll()
    sent = await produce(log_groups, group, 12, now_ms())
    got = await follow_until(follower, sent)
    assert set(got) == sent, f"{len(sent - set(got))} of {len(sent)} events never printed"
    twice = [m for m, events in got.items() if len(events) > 1]
    assert not twice, f"printed twice: {twice[:5]}"
    late = {m for m, (event,) in got.items() if event.late}
    assert late and all(m.startswith(LATE) for m in late)


async def test_events_ingested_after_their_span_was_sealed_are_found_once_by_the_re_read(
        log_groups, aws, late_ingestion, monkeypatch):
    """A 2 s window and batches 6 s late: the sweep seals their timestamps before they are
    searchable; the late re-read (every second here) finds them, prints each once, marked
    late, and the follower says loss is possible."""
    monkeypatch.setattr(log_rescan, "RESCAN_INTERVAL_MS", 1_000)
    late_ingestion(6_000, every=2)
    group = log_groups.create(["app", f"{LATE}app"])
    follower = LogFollower(aws, [group], start_ms=now_ms() - 1_000, overlap_ms=2_000,
                           sweep_interval_ms=500)
    await follower.poll()
    sent = await produce(log_groups, group, 8, now_ms())
    got = await follow_until(follower, sent)
    assert set(got) == sent, f"{len(sent - set(got))} of {len(sent)} events never printed"
    assert not [m for m, events in got.items() if len(events) > 1]
    late = {m for m, (event,) in got.items() if event.late}
    assert late and all(m.startswith(LATE) for m in late)
    assert follower.stats.rescued_events > 0 and "late" in follower.loss_risk
