"""Issue 14 point 6: discovery runs again when a probe finds its resource gone or the stack
changes, and the probes pick up the new names (against the emulator)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from probes.errors import ErrorKind
from probes.rediscovery import Rediscovery
from probes.suite import build_probes, connect

STACK = "children-drawing-prod"
GONE_TG = ("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/"
           "replaced-by-update/0123456789abcdef")


async def poll(predicate, timeout: float = 20.0) -> None:
    waited = 0.0
    while not predicate():
        assert waited < timeout, "condition not met"
        await asyncio.sleep(0.05)
        waited += 0.05


def test_a_target_group_and_log_group_replaced_by_an_update_are_picked_up(scenario):
    demo = scenario("healthy")

    async def main():
        connection = await connect(demo.settings(), STACK)
        current = connection.deployment
        # What the console knew before a stack update replaced both.
        old = replace(current, target_group_arns=(GONE_TG, *current.target_group_arns),
                      log_groups=("/ecs/replaced-by-update",))
        probes = build_probes(connection.ctx, old)
        changes: list[list[str]] = []
        watcher = Rediscovery(connection.ctx, STACK, None, old, probes, min_interval_s=0,
                              on_change=lambda d, changed: changes.append(changed))
        watcher.start()
        try:
            gone = await probes["targets"].run()
            assert gone.error is not None and gone.error.kind is ErrorKind.NOT_FOUND
            watcher.observe(gone)
            await poll(lambda: changes)
            assert changes[0] == ["targets", "logs", "metrics"]
            assert probes["targets"].target_group_arns == current.target_group_arns
            # the metrics probe's TargetGroup dimension follows (issue 13)
            tg = current.target_group_arns[0].split(":", 5)[5]
            hosts = next(s for s in probes["metrics"].plan.signals if s.id == "tg_unhealthy")
            assert dict(hosts.dimensions)["TargetGroup"] == tg
            targets, logs = await probes["targets"].run(), await probes["logs"].run()
            assert targets.ok and targets.data.groups
            assert logs.ok and logs.data.groups == current.log_groups
        finally:
            await watcher.stop()
            await connection.close()

    asyncio.run(main())


def test_a_changed_stack_update_time_rediscovers_and_an_unchanged_one_does_not(scenario):
    demo = scenario("healthy")

    async def main():
        connection = await connect(demo.settings(), STACK)
        probes = build_probes(connection.ctx, connection.deployment)
        watcher = Rediscovery(connection.ctx, STACK, None, connection.deployment, probes,
                              min_interval_s=0)
        watcher.start()
        try:
            stack = await probes["stack"].run()
            watcher.observe(stack)
            watcher.observe(stack)  # the same stack twice: nothing to do
            await asyncio.sleep(0.2)
            assert watcher.runs == 0
            updated = replace(stack, data=replace(stack.data, last_updated=datetime.now(UTC)))
            watcher.observe(updated)
            await poll(lambda: watcher.runs == 1)
        finally:
            await watcher.stop()
            await connection.close()

    asyncio.run(main())


def test_not_found_rediscovery_is_rate_limited(scenario):
    demo = scenario("healthy")
    now = [1000.0]

    async def main():
        connection = await connect(demo.settings(), STACK)
        probes = build_probes(connection.ctx, connection.deployment)
        watcher = Rediscovery(connection.ctx, STACK, None, connection.deployment, probes,
                              min_interval_s=60, clock=lambda: now[0])
        watcher.start()
        try:
            missing = replace(await probes["ecs"].run(), data=None)
            missing = replace(missing, error=_not_found())
            now[0] += 61
            watcher.observe(missing)
            await poll(lambda: watcher.runs == 1)
            watcher.observe(missing)  # again at once: waits out the minute
            await asyncio.sleep(0.3)
            assert watcher.runs == 1
        finally:
            await watcher.stop()
            await connection.close()

    asyncio.run(main())


def _not_found():
    from probes.errors import ProbeError

    return ProbeError(ErrorKind.NOT_FOUND, "Service not found", "check the name",
                      "ecs:DescribeServices", "ServiceNotFoundException")
