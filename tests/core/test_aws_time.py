"""Timestamps in AWS's answers are read as the same instants botocore reads, in UTC (the zone
the console shows), whatever the machine's zone."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, timedelta

import pytest
from botocore.utils import parse_timestamp as botocore_parse_timestamp

from console.demo import names as n
from probes.aws_time import parse_aws_timestamp
from probes.context import AwsContext

VALUES = [1_700_000_000, 1_700_000_000.123, "1700000000", "2024-01-02T03:04:05Z",
          "2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05.123456+02:00",
          "2024-01-02T03:04:05", "Wed, 01 Jan 2024 00:00:00 GMT",
          "2024-01-02T03:04:05.123456789Z", 0, -5]


@pytest.mark.parametrize("value", VALUES)
def test_the_same_instant_as_botocore_reads(value):
    ours, theirs = parse_aws_timestamp(value), botocore_parse_timestamp(value)
    assert ours == theirs
    if theirs.tzinfo is not None:
        assert ours.utcoffset() == timedelta(0)
    else:  # a zoneless text stays zoneless, as botocore leaves it
        assert ours.tzinfo is None


def test_answers_carry_utc_times_on_a_machine_in_another_zone(scenario, monkeypatch):
    demo = scenario("healthy")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        async def read():
            async with AwsContext(demo.settings()) as ctx:
                cfn = await ctx.client("cloudformation")
                ecs = await ctx.client("ecs")
                stack = (await cfn.describe_stacks(StackName=n.STACK))["Stacks"][0]
                arns = (await ecs.list_tasks(cluster=n.CLUSTER))["taskArns"]
                tasks = (await ecs.describe_tasks(cluster=n.CLUSTER, tasks=arns))["tasks"]
                return stack["CreationTime"], [t["createdAt"] for t in tasks]

        created, tasks_created = asyncio.run(read())
    finally:
        monkeypatch.undo()
        time.tzset()
    assert created.tzinfo is UTC and tasks_created
    assert all(t.tzinfo is UTC for t in tasks_created)
