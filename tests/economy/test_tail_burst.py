"""`tail --follow` in a burst (issue 12): <= 1.5 FilterLogEvents/s with the latency it had at
one poll a second. Each poll reads what arrived since the last in ONE request (the head's
look-back below the newest event shrinks to leave the page room for the burst), so polls
stay `interval_s` apart. Time is a fake clock (the runner's and the budget's sleeps move it);
what AWS receives is counted by the fault proxy; the events are the emulator's."""

from __future__ import annotations

import asyncio
import contextlib
import io
import types

import boto3
from tests.economy.test_request_budget import fake_budget

from console.tail import runner
from console.tail.runner import TailOptions, run_tail
from probes.context import AwsContext
from probes.log_sources import TailTarget
from probes.logs import now_ms

PER_POLL = 3_000  # events written between two polls: a burst (~3,000 ev/s at 1 s polls)
STREAMS = 6
CYCLES = 10


async def test_a_burst_is_read_one_request_a_poll_polls_a_second_apart(faulty, monkeypatch):
    demo, proxy, settings = faulty
    group = "/ecs/economy-burst"
    logs = boto3.client("logs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="x", aws_secret_access_key="x")
    logs.create_log_group(logGroupName=group)
    for n in range(STREAMS):
        logs.create_log_stream(logGroupName=group, logStreamName=f"s{n}")
    written: list[str] = []
    # The burst's timeline: a second of events per poll, beginning 30 s ago (the wall clock
    # barely moves while the fake one runs; within the 60 s overlap nothing is sealed).
    second = [now_ms() - 30_000]

    def burst() -> None:
        for n in range(STREAMS):
            messages = [f"seq={len(written) + i}" for i in range(PER_POLL // STREAMS)]
            logs.put_log_events(logGroupName=group, logStreamName=f"s{n}", logEvents=[
                {"timestamp": second[0] + i * 1_000 // len(messages), "message": m}
                for i, m in enumerate(messages)])
            written.extend(messages)
        second[0] += 1_000

    out = io.StringIO()
    async with AwsContext(settings) as ctx:
        fake = fake_budget(ctx)
        waits: list[tuple[float, int]] = []  # (follow wait, requests since the last one)
        counted = [proxy.seen.count("logs:FilterLogEvents")]
        start = fake.now

        async def follow_sleep(seconds: float) -> None:
            calls = proxy.seen.count("logs:FilterLogEvents")
            waits.append((seconds, calls - counted[0]))
            counted[0] = calls
            if len(waits) > CYCLES:
                raise asyncio.CancelledError
            burst()  # what the producers wrote while the tail waited
            await fake.sleep(seconds)

        monkeypatch.setattr(runner, "asyncio", types.SimpleNamespace(sleep=follow_sleep))
        monkeypatch.setattr(runner, "time", types.SimpleNamespace(
            monotonic=fake.clock, time=lambda: now_ms() / 1000))
        options = TailOptions(since_ms=second[0] - 1_000, follow=True, live_tail=False)
        with contextlib.suppress(asyncio.CancelledError):  # ended by the test's sleep
            await run_tail(ctx, TailTarget((group,)), options, out=out, err=io.StringIO())
        elapsed = fake.now - start
    requests = sum(calls for _, calls in waits[1:])
    # Every poll of the burst: one request, and the next poll a second after it started.
    assert [calls for _, calls in waits[2:]] == [1] * (CYCLES - 1), waits
    assert [round(wait, 6) for wait, _ in waits[2:]] == [1.0] * (CYCLES - 1), waits
    assert requests / elapsed <= 1.5, (requests, elapsed)
    # Nothing lost or repeated by reading less below the newest event.
    shown = [line.rsplit(" ", 1)[-1] for line in out.getvalue().splitlines()]
    assert sorted(shown) == sorted(written[:len(shown)]) and len(set(shown)) == len(shown)
    assert len(shown) >= len(written) - PER_POLL  # all but the last burst, not read yet
