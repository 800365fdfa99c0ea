"""Falling back from Live Tail to polling against the emulator: moto's own StartLiveTail (one
snapshot, then the stream ends), and StartLiveTail refused through the fault proxy (access
denied, throttled, expired token, a dropped or stalled connection) while FilterLogEvents
works. Every event is shown once whatever happens, the reason shown is AWS's text, and a
refusal that retrying cannot fix is not asked again."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from dataclasses import replace

import pytest
from tests.faults.proxy import FaultProxy
from tests.tail.conftest import now_ms
from tests.tail.live_wire import LiveTailWire

from console.tail.runner import TailOptions, run_tail
from probes.context import AwsContext
from probes.live_tail import LiveTailFollower
from probes.log_sources import TailTarget


async def follow(follower: LiveTailFollower, log_groups, group: str, rounds: int
                 ) -> tuple[Counter, Counter]:
    """Put 40 events a round over two streams and poll; (sent, shown) by content."""
    sent: Counter = Counter()
    shown: Counter = Counter()
    for r in range(rounds):
        ts = now_ms()
        for stream in ("a", "b"):
            lines = [(ts + i, f"{stream} {r}.{i}") for i in range(20)]
            log_groups.put(group, stream, lines)
            sent.update((stream, t, m) for t, m in lines)
        for _ in range(20):
            await asyncio.sleep(0)
        for event in await follower.poll():
            shown[(event.stream, event.timestamp, event.message)] += 1
    for _ in range(50):
        await asyncio.sleep(0.05)
        for event in await follower.poll():
            shown[(event.stream, event.timestamp, event.message)] += 1
        if shown == sent and not follower.behind and follower.state == "polling":
            break
    return sent, shown


async def test_moto_s_snapshot_session_ends_and_polling_shows_each_event_once(log_groups, aws):
    """moto sends the group's stored events as one update (not live ones, as AWS would) and
    closes the stream: those are polling's (ingested before the session) and are not shown
    twice; the follower says why it polls."""
    group = log_groups.create(["a", "b"], prefix="/ecs/snapshot")  # moto tails the newest
    logs = await aws.client("logs")
    calls: Counter = Counter()
    logs.meta.events.register("before-call.cloudwatch-logs",
                              lambda model=None, **_: calls.update([model.name]))
    follower = LiveTailFollower(aws, [group], start_ms=now_ms() - 1_000, overlap_ms=10_000)
    sent, shown = await follow(follower, log_groups, group, 15)
    await follower.close()
    assert calls["StartLiveTail"] == 1  # asked once; again only after a minute
    assert not sent - shown and not shown - sent
    assert follower.why_polling == "SessionClosed: the service closed the stream"
    assert follower.mode_text(2) == ("polling every 2s (live tail: SessionClosed: the service "
                                     "closed the stream)")
    # It ended at once: asked again in a minute, then in two (each costs a session-minute).
    assert 50_000 < follower.retry_at - now_ms() <= 60_000
    follower.retry_at = 0
    sent, shown = await follow(follower, log_groups, group, 5)
    await follower.close()
    assert calls["StartLiveTail"] == 2 and not sent - shown and not shown - sent
    assert 110_000 < follower.retry_at - now_ms() <= 120_000


REFUSALS = {
    "denied": ("User: arn:aws:iam::123456789012:user/x is not authorized to perform: "
               "logs:StartLiveTail on resource: arn:aws:logs:eu-west-1:123456789012:*", False),
    "throttled": ("Rate exceeded", True),
    "expired": ("The security token included in the request is expired", False),
    "drop": ("ConnectionClosedError: http://127.0.0.1:", True),
    "stall": ("ReadTimeoutError: http://127.0.0.1:", True),
}


@pytest.mark.parametrize("fault", list(REFUSALS))
async def test_a_refused_live_tail_falls_back_to_polling_with_aws_s_reason(
        log_groups, fault):
    group = log_groups.create(["a", "b"], prefix="/ecs/refused")
    with FaultProxy(log_groups.endpoint_url, stall_s=8.0) as proxy:
        proxy.fail("logs:StartLiveTail", fault)
        ctx = AwsContext(replace(log_groups.settings(), endpoint_url=proxy.url,
                                 read_timeout=2.0, connect_timeout=2.0))
        try:
            follower = LiveTailFollower(ctx, [group], start_ms=now_ms() - 1_000)
            sent, shown = await follow(follower, log_groups, group, 10)
        finally:
            await ctx.close()
    text, retried = REFUSALS[fault]
    assert not sent - shown and not shown - sent
    assert follower.state == "polling"
    assert text in follower.why_polling, follower.why_polling
    assert proxy.seen.count("logs:StartLiveTail") == 1
    assert (follower.retry_at is not None) == retried  # denied, expired: never again here
    assert "FilterLogEvents" not in " ".join(proxy.injected)


async def test_tail_follow_says_how_it_reads_on_stderr(log_groups, aws):
    """`tail --follow`: "live tail" while a session streams, "polling every 0.5s (live tail:
    <AWS's reason>)" after it ended; stdout has the events only."""
    group = log_groups.create(["a"], prefix="/ecs/tailmode")
    logs = await aws.client("logs")
    wire = LiveTailWire()
    wire.install(logs)
    log_groups.put(group, "a", [(now_ms(), "before the session")])
    out, err = io.StringIO(), io.StringIO()
    options = TailOptions(since_ms=now_ms() - 5_000, follow=True, interval_s=0.5)
    task = asyncio.create_task(run_tail(aws, TailTarget((group,), (), group), options,
                                        out=out, err=err))

    async def until(predicate, what: str) -> None:
        for _ in range(600):  # generous: a busy machine only makes it slower
            if predicate():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{what} never happened: {err.getvalue()!r}")

    try:
        await until(lambda: wire.pending, "a StartLiveTail")
        wire.start([f"arn:aws:logs:eu-west-1:123456789012:log-group:{group}"])
        await until(lambda: "tail: live tail\n" in err.getvalue(), "live tail")
        wire.fail("SessionTimeoutException", "Session timed out after 3 hours")
        await until(lambda: "(live tail: Session" in err.getvalue(), "the fallback")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert err.getvalue().splitlines()[-2:] == [
        "incident-console tail: live tail",
        "incident-console tail: polling every 0.5s (live tail: SessionTimeoutException: "
        "Session timed out after 3 hours)"]
    assert out.getvalue().count("before the session") == 1
