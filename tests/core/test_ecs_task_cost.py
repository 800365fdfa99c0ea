"""ECS cost independent of history (issue 12 point 3), against the emulator.

A crash loop keeps adding stopped tasks; each poll must still cost at most two DescribeTasks,
describe each stopped task once, and show every running task and the newest stopped ones, as
the emulator holds them. Requests are counted at a proxy in front of the emulator.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3

from console.demo import names as n
from probes.context import AwsContext
from probes.ecs import EcsProbe

sys.path.insert(0, str(Path(__file__).parent))

from ecs_fleet import RecordingProxy, crash, launch

RUNNING, STOPPED, POLLS, CRASHES_PER_POLL, KEEP = 120, 120, 100, 4, 20


def emulator_running_arns(endpoint: str) -> set[str]:
    ecs = boto3.client("ecs", region_name=n.REGION, endpoint_url=endpoint,
                       aws_access_key_id="x", aws_secret_access_key="x")
    arns = ecs.list_tasks(cluster=n.CLUSTER, desiredStatus="RUNNING")["taskArns"]
    described = [t for i in range(0, len(arns), 100)
                 for t in ecs.describe_tasks(cluster=n.CLUSTER, tasks=arns[i:i + 100])["tasks"]]
    return {t["taskArn"] for t in described if t.get("group") == f"service:{n.SERVICE}"}


async def test_crash_loop_costs_the_same_on_every_poll(scenario):
    handle = scenario("healthy")
    base = handle.built.base
    clock = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)
    running = launch(base, RUNNING + STOPPED, clock)
    crash(running[:STOPPED], clock)
    stopped_order = list(running[:STOPPED])  # oldest stop first
    running = running[STOPPED:]

    with RecordingProxy(handle.endpoint_url) as proxy:
        async with AwsContext(handle.settings(endpoint_url=proxy.url)) as ctx:
            probe = EcsProbe(ctx, n.CLUSTER, n.SERVICE, keep_stopped=KEEP)
            per_poll: list[int] = []
            for _ in range(POLLS):
                clock += timedelta(seconds=10)
                dying, running = running[:CRASHES_PER_POLL], running[CRASHES_PER_POLL:]
                crash(dying, clock)
                stopped_order += dying
                running += launch(base, CRASHES_PER_POLL, clock)
                before = len(proxy.described_arns())
                snapshot = await probe.collect()
                per_poll.append(len(proxy.described_arns()) - before)

    # the first poll describes what it finds once; every later poll at most two batches
    assert per_poll[0] >= 2
    assert max(per_poll[1:]) <= 2, per_poll
    # each task that was already stopped is described once, never again
    counts: dict[str, int] = {}
    for batch in proxy.described_arns():
        for arn in batch:
            counts[arn] = counts.get(arn, 0) + 1
    assert all(counts.get(arn, 0) <= 1 for arn in stopped_order[:STOPPED])
    # what the probe shows is what the emulator holds: every running task of the service,
    # and the newest stopped ones, newest first
    shown_running = {t.task_arn for t in snapshot.running_tasks}
    assert shown_running == emulator_running_arns(handle.endpoint_url)
    assert [t.task_arn for t in snapshot.stopped_tasks] == stopped_order[::-1][:KEEP]
    assert all(t.failed and t.exit_codes == (1,) for t in snapshot.stopped_tasks)


async def test_describe_batches_are_in_flight_together(scenario):
    """Three batches of 100 on the first poll: all three are sent before any answer arrives
    (the proxy holds DescribeTasks until it has seen all of them)."""
    import threading

    handle = scenario("healthy")
    launch(handle.built.base, 250, datetime(2026, 11, 28, 19, 0, tzinfo=UTC))

    class HoldingProxy(RecordingProxy):
        waiting: list[int] = []
        released_with: list[int] = []  # how many had arrived when each went on

        def _forward(self, handler, body: bytes) -> None:
            if self.action_of(handler, body)[0] == "ecs:DescribeTasks":
                self.waiting.append(1)
                pause = threading.Event()
                for _ in range(200):  # up to 10 s: sent one after another, the first waits
                    if len(self.waiting) >= 3:
                        break
                    pause.wait(0.05)
                self.released_with.append(len(self.waiting))
            super()._forward(handler, body)

    with HoldingProxy(handle.endpoint_url) as proxy:
        async with AwsContext(handle.settings(endpoint_url=proxy.url)) as ctx:
            snapshot = await EcsProbe(ctx, n.CLUSTER, n.SERVICE).collect()
    assert len(proxy.described_arns()) == 3
    assert proxy.released_with == [3, 3, 3]
    assert {t.task_arn for t in snapshot.running_tasks} == emulator_running_arns(
        handle.endpoint_url)
