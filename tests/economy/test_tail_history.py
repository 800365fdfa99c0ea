"""`tail --since 30d` / `--since 1970-01-01` (issue 12): read at the budget's rate, from the
groups' history floor rather than 1970, with a progress line on stderr; every event exactly
once. Time is the budget's fake clock (its sleeps advance it), counts are the proxy's."""

from __future__ import annotations

import io
import re

import boto3
from tests.economy.test_request_budget import fake_budget

from console.tail.progress import HistoryProgress
from console.tail.runner import TailOptions, run_tail
from probes.context import AwsContext
from probes.log_sources import TailTarget
from probes.logs import LogFollower, now_ms

DAY_MS = 86_400_000


def history_group(endpoint: str, name: str, days: int, per_day: int) -> list[str]:
    """A group holding `per_day` events on each of the last `days` days (the oldest 13 days
    back at most: PutLogEvents refuses events older than 14 days)."""
    client = boto3.client("logs", endpoint_url=endpoint, region_name="eu-west-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
    client.create_log_group(logGroupName=name)
    client.create_log_stream(logGroupName=name, logStreamName="s")
    now = now_ms()
    events = [(now - d * DAY_MS - i * 1_000, f"day={d} i={i}")
              for d in range(days, 0, -1) for i in range(per_day)]
    events.sort()
    for start in range(0, len(events), 10_000):
        client.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
            {"timestamp": ts, "message": m} for ts, m in events[start:start + 10_000]])
    return [m for _, m in events]


async def test_since_1970_reads_from_the_floor_paced_with_progress(faulty):
    demo, proxy, settings = faulty
    group = "/ecs/economy-history-1970"
    messages = history_group(demo.endpoint_url, group, days=12, per_day=400)
    out, err = io.StringIO(), io.StringIO()
    async with AwsContext(settings) as ctx:
        fake = fake_budget(ctx)
        before = proxy.seen.count("logs:FilterLogEvents")
        started = fake.now
        code = await run_tail(ctx, TailTarget((group,)), TailOptions(since_ms=0), out=out,
                              err=err)
        calls = proxy.seen.count("logs:FilterLogEvents") - before
        elapsed = fake.now - started
    assert code == 0
    printed = [line.rsplit(" ", 2)[-2] + " " + line.rsplit(" ", 1)[-1]
               for line in out.getvalue().splitlines()]
    assert printed == messages  # every event once, in order
    # From the floor (created now, less 14 days: ~56 windows of at most 6 h), not 56 years
    # of them (~82,000 requests).
    assert calls < 100, calls
    assert calls / elapsed <= 2.0 + 5.0 / elapsed + 1e-9  # the budget: 2/s, burst 5
    lines = err.getvalue().splitlines()
    assert re.match(r"incident-console tail: reading history at \d{4}-\d\d-\d\d \d\d:\d\d UTC "
                    r"\(\d+d \d+h behind\), [\d,]+ events, [\d,]+ requests \(paced at 2 "
                    r"FilterLogEvents/s\)", lines[0]), lines
    assert lines[-1].startswith("incident-console tail: history read in ")
    assert lines[-1].endswith(f"{len(messages):,} events, {calls:,} requests")


async def test_the_terminal_progress_line_is_rewritten_in_place(faulty):
    demo, _, settings = faulty

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    group = "/ecs/economy-history-tty"
    history_group(demo.endpoint_url, group, days=3, per_day=50)
    err = Tty()
    async with AwsContext(settings) as ctx:
        fake = fake_budget(ctx)
        follower = LogFollower(ctx, [group], start_ms=now_ms() - 4 * DAY_MS)
        progress = HistoryProgress(err, follower, 2.0, clock=fake.clock)
        await follower.poll()
        progress.update()
        progress.update()  # within TTY_EVERY_S: not written again
        while follower.behind:
            fake.now += 1.0
            await follower.poll()
            progress.update()
        progress.done()
    text = err.getvalue()
    assert text.startswith("\rincident-console tail: reading history at ")
    assert "\n" not in text[:-1] and text.endswith("\n")  # one line, redrawn, then ended
    assert progress.lines >= 2


def test_follow_waits_longer_only_after_a_poll_that_sent_many_requests():
    """Polls start `interval_s` apart; one that needed more requests than 3/4 of the
    budget's rate allows in that time is followed by a longer wait (a throttle halves it)."""
    from console.tail.runner import poll_interval

    options = TailOptions(since_ms=0, follow=True, interval_s=1.0)
    assert poll_interval(options, 0, 2.0) == 1.0
    assert poll_interval(options, 1, 2.0) == 1.0
    assert poll_interval(options, 3, 2.0) == 2.0  # 3 requests at 1.5/s
    assert poll_interval(options, 3, 1.0) == 4.0  # after a throttle: 0.75/s
    assert poll_interval(TailOptions(since_ms=0, interval_s=4.0), 2, 2.0) == 4.0
