"""The request budget (issue 12 point 1), against the emulator behind the fault proxy: what AWS
receives is counted by the proxy, time is a fake clock (the budget's sleeps advance it), never
the wall clock."""

from __future__ import annotations

import asyncio

import pytest
from botocore.exceptions import ClientError

from console.demo import names
from probes.context import AwsContext
from probes.request_budget import (
    RECOVER_S,
    RequestBudget,
    budget_for,
    family_of,
    holding_back_note,
    limit_for,
)


class FakeTime:
    """A clock that moves only when the budget sleeps."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def fake_budget(ctx: AwsContext) -> FakeTime:
    fake = FakeTime()
    ctx.budget = RequestBudget(clock=fake.clock, sleep=fake.sleep)
    return fake


def filter_calls(proxy) -> int:
    return proxy.seen.count("logs:FilterLogEvents")


async def test_filter_log_events_is_paced_at_the_budget_rate(faulty):
    _, proxy, settings = faulty
    limit = limit_for("FilterLogEvents", settings.region)
    assert (limit.rate_per_s, limit.burst) == (2.0, 5.0)  # 1/5 of eu-west-1's 10/s
    async with AwsContext(settings) as ctx:
        fake = fake_budget(ctx)
        logs = await ctx.client("logs")
        group = names.LOG_GROUP
        before = filter_calls(proxy)
        started = fake.now
        for _ in range(45):
            await logs.filter_log_events(logGroupName=group, limit=1)
        sent = filter_calls(proxy) - before
        elapsed = fake.now - started
    assert sent == 45
    # The burst of 5 goes at once; the other 40 at 2/s: 20 s of (fake) time.
    assert elapsed == pytest.approx(20.0)
    assert sent / elapsed <= 2.0 + 5.0 / elapsed + 1e-9
    assert len(fake.slept) == 40


async def test_every_context_of_a_process_shares_one_budget(faulty):
    _, _, settings = faulty
    async with AwsContext(settings) as first, AwsContext(settings) as second:
        assert first.budget is second.budget  # the dashboard, the log view and tail
        other = AwsContext(settings.__class__(region="eu-west-1", endpoint_url="http://x:1",
                                              static_credentials=("other", "x")))
        assert other.budget is not first.budget  # another account has its own


def test_families_and_their_share_of_each_quota():
    assert family_of("logs", "FilterLogEvents") == "FilterLogEvents"
    assert family_of("ecs", "ListTasks") == family_of("ecs", "DescribeTasks") == "DescribeTasks"
    assert family_of("cloudwatch", "GetMetricData") == "GetMetricData"
    assert family_of("ce", "GetCostAndUsage") == "CostExplorer"
    assert family_of("ecs", "DescribeServices") is None
    assert limit_for("FilterLogEvents", "us-east-1").rate_per_s == 5.0  # 1/5 of 25/s
    assert limit_for("FilterLogEvents", "eu-central-1").rate_per_s == 1.0  # 1/5 of 5/s
    assert limit_for("DescribeTasks", "eu-west-1").rate_per_s == 4.0  # 1/5 of 20/s
    assert limit_for("CostExplorer", "us-east-1").burst == 20


async def test_throttling_from_aws_backs_the_bucket_off_and_the_note_says_so(faulty):
    _, proxy, settings = faulty
    async with AwsContext(settings) as ctx:
        fake = fake_budget(ctx)
        ecs = await ctx.client("ecs")
        cluster = names.CLUSTER
        await ecs.list_tasks(cluster=cluster)
        assert ctx.budget.status() == ""
        proxy.fail("ecs:ListTasks", "throttled")
        with pytest.raises(ClientError):
            await ecs.list_tasks(cluster=cluster)
        bucket = ctx.budget.bucket("DescribeTasks", settings.region)
        assert bucket.rate == 2.0  # halved from 4/s
        assert ctx.budget.status() == (
            "holding back: DescribeTasks slowed to 2/s: AWS said ThrottlingException: "
            "Rate exceeded")
        with pytest.raises(ClientError):
            await ecs.list_tasks(cluster=cluster)
        assert bucket.rate == 1.0  # and again
        proxy.clear()
        # No saved-up burst after a throttle: the next request waits for its token.
        await ecs.list_tasks(cluster=cluster)
        assert fake.slept and fake.slept[-1] > 0
        fake.now += RECOVER_S
        assert bucket.rate == 2.0  # recovering: doubles every RECOVER_S
        fake.now += RECOVER_S
        assert bucket.rate == 4.0 and ctx.budget.status() == ""


async def test_a_retry_attempt_takes_a_token_too(faulty):
    _, proxy, settings = faulty
    from dataclasses import replace

    async with AwsContext(replace(settings, max_attempts=3)) as ctx:
        fake_budget(ctx)
        logs = await ctx.client("logs")
        group = names.LOG_GROUP
        proxy.fail("logs:FilterLogEvents", "throttled")
        with pytest.raises(ClientError):
            await logs.filter_log_events(logGroupName=group, limit=1)
        bucket = ctx.budget.bucket("FilterLogEvents", settings.region)
    assert proxy.injected.count("logs:FilterLogEvents") == 3
    assert bucket.requests == 3 and bucket.throttles == 3


def test_the_process_note_names_each_held_back_family():
    fake = FakeTime()
    budget = budget_for("note-test", None, None)
    budget.clock = fake.clock
    bucket = budget.bucket("FilterLogEvents", "eu-west-1")
    bucket._clock = fake.clock
    bucket.updated = fake.now
    for _ in range(8):
        bucket.reserve()
    assert "FilterLogEvents paced at 2/s" in holding_back_note()
    fake.now += 11  # a wait older than the note's 10 s is no longer news
    assert "FilterLogEvents" not in holding_back_note()
