"""Reads that depend on nothing but what discovery found leave together, in one round: none
waits for another's answer (issue 12: "dependent round trips <= 3"). Seen at a proxy that
holds one request until the others have arrived; what the probe then shows is checked against
the emulator."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import boto3

from console.demo import names as n
from probes.context import AwsContext
from probes.costs import CostsProbe
from probes.deployment import discover
from probes.targets import TargetHealthProbe

sys.path.insert(0, str(Path(__file__).parents[1] / "faults"))

from gate import GateProxy

TARGET_READS = {"elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeLoadBalancers", "cloudwatch:GetMetricData"}


async def _targets_twice(settings):
    async with AwsContext(settings) as ctx:
        deployment = await discover(ctx, n.STACK)
        probe = TargetHealthProbe(ctx, deployment.target_group_arns,
                                  deployment.load_balancer_arns)
        return deployment, await probe.run(), await probe.run()


def test_target_health_load_balancers_and_5xx_counts_go_with_the_groups(scenario):
    demo = scenario("p0-outage")  # no healthy target: the 5XX counts are read
    with GateProxy(demo.endpoint_url) as proxy:
        proxy.hold("elasticloadbalancing:DescribeTargetGroups", until=TARGET_READS)
        deployment, first, second = asyncio.run(_targets_twice(demo.settings(
            endpoint_url=proxy.url)))
    assert proxy.met == {"elasticloadbalancing:DescribeTargetGroups": True}
    assert first.ok and second.ok
    elb = boto3.client("elbv2", region_name=n.REGION, endpoint_url=demo.endpoint_url,
                       aws_access_key_id="x", aws_secret_access_key="x")
    held = elb.describe_target_health(TargetGroupArn=deployment.target_group_arns[0])
    states = sorted(d["TargetHealth"]["State"] for d in held["TargetHealthDescriptions"])
    assert sorted(t.state for t in second.data.targets) == states
    assert states and "healthy" not in states
    assert second.data.errors is not None  # read, in the same round, both times
    assert second.data.routing.reason.startswith("fail-open")


def test_a_healthy_service_is_not_asked_for_5xx_counts_after_the_first_look(scenario):
    demo = scenario("healthy")
    with GateProxy(demo.endpoint_url) as proxy:
        _, first, second = asyncio.run(_targets_twice(demo.settings(endpoint_url=proxy.url)))
    assert first.ok and second.ok and second.data.healthy_count > 0
    assert first.data.errors is None and second.data.errors is None
    per_look = [a for a in proxy.seen if a.startswith("elasticloadbalancing:Describe")]
    assert per_look.count("elasticloadbalancing:DescribeTargetGroups") == 2
    # At most the first look's speculative read: none once targets were seen healthy.
    assert proxy.seen.count("cloudwatch:GetMetricData") <= 1
    last_look = proxy.seen[len(proxy.seen) - proxy.seen[::-1].index(
        "elasticloadbalancing:DescribeTargetGroups") - 1:]
    assert "cloudwatch:GetMetricData" not in last_look


async def _costs(settings, account):
    async with AwsContext(settings) as ctx:
        return await CostsProbe(ctx, None, account=account).run()


def test_budgets_are_asked_with_the_costs_not_after_them(scenario):
    demo = scenario("cost-overrun")
    with GateProxy(demo.endpoint_url) as proxy:
        proxy.hold("ce:GetCostAndUsage", until={"budgets:DescribeBudgets"})
        result = asyncio.run(_costs(demo.settings(endpoint_url=proxy.url), n.ACCOUNT_ID))
    assert proxy.met == {"ce:GetCostAndUsage": True}
    assert result.ok
    budgets = boto3.client("budgets", region_name="us-east-1", endpoint_url=demo.endpoint_url,
                           aws_access_key_id="x", aws_secret_access_key="x")
    held = budgets.describe_budgets(AccountId=n.ACCOUNT_ID)["Budgets"]
    assert sorted(b.name for b in result.data.budgets) == sorted(b["BudgetName"] for b in held)
    assert held
