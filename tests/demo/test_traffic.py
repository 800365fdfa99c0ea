"""The demo's log traffic: one stream per task, deterministic content, the scenario's story in
the lines, read back through the console's own log follower."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from console.demo import names as n
from console.demo.loglines import LogSource
from console.demo.server import Emulator
from console.demo.traffic import StreamScript, TrafficProducer
from probes.context import AwsContext
from probes.logs import LogFollower

ANCHOR = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)
SOURCE = LogSource(stream="ecs/app/abc", task_id="abc", private_ip="10.0.1.9", fate="serving",
                   started_at=ANCHOR - timedelta(days=2))


def script_events(seed: int, scenario: str = "healthy", minutes: int = 5):
    script = StreamScript(SOURCE, scenario, seed, mean_gap_s=0.5, anchor=ANCHOR)
    return script.events_until(ANCHOR + timedelta(minutes=minutes))


def test_a_stream_script_is_deterministic_for_a_seed():
    first, again = script_events(seed=3), script_events(seed=3)
    assert first == again and len(first) > 300
    assert first != script_events(seed=4)
    times = [at for at, _ in first]
    assert times == sorted(times) and times[0] >= ANCHOR


def test_a_script_hands_out_each_event_once_however_it_is_polled():
    script = StreamScript(SOURCE, "healthy", 3, mean_gap_s=0.5, anchor=ANCHOR)
    polled = []
    for second in [*range(0, 300, 7), 300]:
        polled += script.events_until(ANCHOR + timedelta(seconds=second))
    assert polled == script_events(seed=3)


def test_a_stopped_task_ends_with_why_it_stopped():
    stopped = LogSource("ecs/app/oom", "oom", "10.0.2.3", "oom",
                        started_at=ANCHOR + timedelta(minutes=1),
                        stopped_at=ANCHOR + timedelta(minutes=3))
    script = StreamScript(stopped, "p0-outage", 1, mean_gap_s=2.0, anchor=ANCHOR)
    events = script.events_until(ANCHOR + timedelta(minutes=10))
    assert "Starting gunicorn" in events[0][1] and events[0][0] == stopped.started_at
    assert "OutOfMemoryError: Container killed due to memory limit" in events[-1][1]
    assert events[-1][0] <= stopped.stopped_at and script.finished


@pytest.fixture(scope="module")
def p0(emulator):
    """One p0-outage build shared by this module's tests that write logs."""
    from console.demo.harness import open_scenario

    handle = open_scenario(emulator, "p0-outage")
    yield handle
    handle.close()


async def read_all(handle, start: datetime) -> list:
    async with AwsContext(handle.settings()) as ctx:
        follower = LogFollower(ctx, [n.LOG_GROUP], start_ms=int(start.timestamp() * 1000))
        return await follower.poll()


async def test_backfill_writes_each_task_stream_and_the_p0_story(p0):
    handle = p0
    producer = handle.traffic(lines_per_second=3.0)
    written = producer.backfill()
    events = await read_all(handle, datetime.now(UTC) - timedelta(minutes=11))
    assert len(events) == written and 600 < written < 4000
    task_ids = {s.task_id for s in handle.built.log_sources}
    assert {e.stream for e in events} <= {n.log_stream_for(t) for t in task_ids}
    assert len({e.stream for e in events}) >= 3, "the crashing tasks and the starting ones"
    messages = [e.message for e in events]
    assert any("OutOfMemoryError" in m for m in messages)
    assert any('" 502 ' in m for m in messages) and any('" 503 ' in m for m in messages)
    assert any("Perhaps out of memory?" in m for m in messages)
    records = [json.loads(m) for m in messages if m.startswith("{")]
    assert records and all({"level", "message", "request_id"} <= set(r) for r in records)
    assert any("\nTraceback (most recent call last):\n" in m for m in messages)


def test_each_scenario_tells_its_story_in_the_lines():
    expected = {"backup-failure": "ERROR backup: SQLite backup to S3 failed",
                "p1-degraded": "WARNING app.db: slow query took",
                "cost-overrun": '"GET /api/v1/drawings/export?format=zip',
                "healthy": '"GET /health HTTP/1.1" 200'}
    for name, needle in expected.items():
        messages = [text for _, text in script_events(seed=1, scenario=name, minutes=10)]
        assert any(needle in m for m in messages), f"{name}: no line with {needle!r}"
    slow = [t for t in script_events(1, "p1-degraded", 10) if " INFO access: " in t[1]]
    latencies = [float(text.split("s rid=")[0].rsplit(" ", 1)[1]) for _, text in slow]
    assert max(latencies) > 2.0 and min(latencies) < 0.5, "slow and fast requests"


def test_the_producer_keeps_writing_until_stopped(p0):
    producer = p0.traffic(lines_per_second=40.0, tick_s=0.05, start=True,
                              backfill=timedelta(seconds=5))
    after_backfill = producer.events_written
    deadline = time.monotonic() + 5
    while producer.events_written <= after_backfill and time.monotonic() < deadline:
        time.sleep(0.05)
    assert producer.events_written > after_backfill and producer.running
    producer.stop()
    assert not producer.running and producer.last_error is None


def test_the_producer_ends_quietly_when_the_emulator_goes_away(emulator, capfd):
    with Emulator() as other:
        producer = TrafficProducer(other.endpoint_url, "healthy", [SOURCE], tick_s=0.02,
                                   lines_per_second=50.0, backfill=timedelta(seconds=5))
        producer.start()
    deadline = time.monotonic() + 10
    while producer.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not producer.running and producer.last_error is not None
    assert capfd.readouterr() == ("", "")
