"""The ALB's 5XX counts, read while no target is healthy, under each fault: the targets' states
still show, the counts say why they are unknown in AWS's words (never a guess, never
"unexpected"), and the routing reason says "5XX unknown" rather than "no 5XX"."""

from __future__ import annotations

import asyncio

import pytest
from proxy import FAULTS, FaultProxy

from conftest import READ_TIMEOUT_S
from console.demo import names as n
from probes.context import AwsContext
from probes.deployment import discover
from probes.targets import TargetHealthProbe

WORDS = {"drop": "unreachable", "stall": "timed out", "denied": "access denied",
         "throttled": "throttled", "expired": "credentials"}


async def _look(settings):
    async with AwsContext(settings) as ctx:
        deployment = await discover(ctx, n.STACK)
        probe = TargetHealthProbe(ctx, deployment.target_group_arns,
                                  deployment.load_balancer_arns)
        return await probe.run()


@pytest.mark.parametrize("fault", FAULTS)
def test_unreadable_5xx_counts_are_said_and_the_targets_still_show(scenario, fault):
    demo = scenario("p0-outage")
    with FaultProxy(demo.endpoint_url, stall_s=READ_TIMEOUT_S * 4) as proxy:
        proxy.fail("cloudwatch:GetMetricData", fault)
        result = asyncio.run(_look(demo.settings(
            endpoint_url=proxy.url, read_timeout=READ_TIMEOUT_S, connect_timeout=1.0,
            max_attempts=1)))
        assert "cloudwatch:GetMetricData" in proxy.injected
    assert result.ok and result.data.targets and result.data.no_healthy_target
    assert result.data.errors is None
    note = result.data.errors_note
    assert note.startswith("5XX counts not readable: "), note
    assert WORDS[fault] in note.lower() and "unexpected" not in note.lower(), note
    assert "5XX unknown" in result.data.routing.reason
    assert result.data.routing.failing_users
