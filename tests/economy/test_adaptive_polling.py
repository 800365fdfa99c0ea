"""Adaptive polling (issue 12): the logs probe slows down while its groups are quiet, is back
at its own interval as soon as events flow, and keeps it while a deployment rolls. A hundred
poll cycles and more, each woken by `refresh` (never by waiting on the wall clock); what AWS
receives is counted by the fault proxy, the schedule is what the scheduler decided."""

from __future__ import annotations

import asyncio

import boto3

from probes.context import AwsContext
from probes.logs import LogsProbe, now_ms
from probes.result import Probe, ProbeResult
from probes.scheduler import IDLE_INTERVALS_S, AdaptiveInterval, Scheduler


class RollingProbe(Probe[bool]):
    """Stands for the ECS probe: polls faster than its own interval while `rolling`."""

    name = "ecs"
    interval_s = 10.0
    busy_interval_s = 5.0

    def __init__(self) -> None:
        self.rolling = False

    async def collect(self) -> bool:
        return self.rolling

    def next_interval(self, result: ProbeResult[bool]) -> float:
        return self.busy_interval_s if result.data else self.interval_s


def test_the_interval_grows_while_quiet_and_resets_on_change():
    pace = AdaptiveInterval(2.0, 8.0)
    assert [pace.next(False) for _ in range(5)] == [3.0, 4.5, 6.75, 8.0, 8.0]
    assert pace.next(True) == 2.0
    assert pace.next(False, busy=True) == 2.0


async def cycle(scheduler: Scheduler, name: str) -> float:
    """Wake `name` once and wait (by polling the state, generously) for that run to end."""
    state = scheduler.states[name]
    runs = state.runs
    scheduler.refresh(name)
    for _ in range(6000):
        if state.runs > runs and not state.collecting:
            await asyncio.sleep(0)
            return state.next_delay_s
        await asyncio.sleep(0.01)
    raise AssertionError(f"{name} did not run")


async def test_a_quiet_group_costs_at_most_a_quarter_request_a_second(faulty):
    demo, proxy, settings = faulty
    client = boto3.client("logs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
    group = "/ecs/economy-adaptive"
    client.create_log_group(logGroupName=group)
    client.create_log_stream(logGroupName=group, logStreamName="s")
    client.put_log_events(logGroupName=group, logStreamName="s",
                          logEvents=[{"timestamp": now_ms() - 1_000, "message": "first"}])
    async with AwsContext(settings) as ctx:
        logs = LogsProbe(ctx, [group], since_ms=now_ms() - 60_000)
        rolling = RollingProbe()
        scheduler = Scheduler([logs, rolling], lambda result: None)
        scheduler.start()
        try:
            # Quiet: a hundred polls with nothing new.
            await cycle(scheduler, "logs")
            before = proxy.seen.count("logs:FilterLogEvents")
            quiet = [await cycle(scheduler, "logs") for _ in range(100)]
            quiet_calls = proxy.seen.count("logs:FilterLogEvents") - before
            # Events flow: a line before every poll.
            before = proxy.seen.count("logs:FilterLogEvents")
            flowing = []
            for i in range(30):
                client.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
                    {"timestamp": now_ms(), "message": f"line {i}"}])
                flowing.append(await cycle(scheduler, "logs"))
            flowing_calls = proxy.seen.count("logs:FilterLogEvents") - before
            # Quiet logs, but a deployment rolls: no backing off.
            rolling.rolling = True
            await cycle(scheduler, "ecs")
            during_rollout = [await cycle(scheduler, "logs") for _ in range(10)]
            rolling.rolling = False
            await cycle(scheduler, "ecs")
            after_rollout = [await cycle(scheduler, "logs") for _ in range(5)]
        finally:
            await scheduler.stop()
    idle = IDLE_INTERVALS_S["logs"]
    assert quiet[:4] == [3.0, 4.5, 6.75, idle] and set(quiet[4:]) == {idle}
    # What AWS receives per second of the schedule the scheduler set.
    assert quiet_calls / sum(quiet) <= 0.25, (quiet_calls, sum(quiet))
    assert set(flowing[1:]) == {logs.interval_s}
    assert flowing_calls / sum(flowing) <= 1.0, (flowing_calls, sum(flowing))
    assert set(during_rollout) == {logs.interval_s}
    assert after_rollout[-1] > logs.interval_s
