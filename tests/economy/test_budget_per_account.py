"""One request budget per account (issue 12): budgets start keyed by profile and endpoint, but
AWS's quotas are the account's. Once STS names the account, two profiles for it share one set of
buckets: their requests together keep to the account's share, and the header says so once.
What AWS receives is counted by the fault proxy; time is a fake clock (the budget sleeps it)."""

from __future__ import annotations

import dataclasses

import pytest
from tests.economy.test_request_budget import FakeTime, filter_calls

from console.demo import names
from probes.context import AwsContext
from probes.identity import IdentityProbe
from probes.request_budget import holding_back_note


async def test_two_profiles_of_one_account_share_its_budget_once_sts_names_it(faulty):
    _, proxy, settings = faulty
    other = dataclasses.replace(settings, static_credentials=("AKIDSECONDPROFILE", "x"))
    async with AwsContext(settings) as first, AwsContext(other) as second:
        assert first.budget is not second.budget  # keyed by profile until STS answers
        fake = FakeTime()
        for ctx in (first, second):
            ctx.budget.clock, ctx.budget.sleep = fake.clock, fake.sleep
        identities = [await IdentityProbe(ctx).run() for ctx in (first, second)]
        assert {i.data.account for i in identities} == {"123456789012"}  # one account
        clients = [await ctx.client("logs") for ctx in (first, second)]
        before, started = filter_calls(proxy), fake.now
        for n in range(40):  # the two profiles take turns
            await clients[n % 2].filter_log_events(logGroupName=names.LOG_GROUP, limit=1)
        sent, elapsed = filter_calls(proxy) - before, fake.now - started
        note = holding_back_note()
    assert sent == 40
    # Together at the account's 2/s after one burst of 5 (apart: 4/s, 7.5 s).
    assert elapsed == pytest.approx((40 - 5) / 2.0)
    assert note == "holding back: FilterLogEvents paced at 2/s"  # once, for the account


async def test_what_one_profile_learnt_of_a_throttle_slows_the_other(faulty):
    _, proxy, settings = faulty
    other = dataclasses.replace(settings, static_credentials=("AKIDSECONDPROFILE", "x"))
    async with AwsContext(settings) as first, AwsContext(other) as second:
        fake = FakeTime()
        for ctx in (first, second):
            ctx.budget.clock, ctx.budget.sleep = fake.clock, fake.sleep
        # Throttled through the first profile before anyone knew the account...
        first.budget.bucket("DescribeTasks", settings.region).throttled(
            "ThrottlingException: Rate exceeded")
        for ctx in (first, second):
            assert (await IdentityProbe(ctx).run()).ok
        # ...the second profile's requests are paced at the halved rate too (4/s -> 2/s,
        # no burst left): 10 ListTasks take 5 s, where its own fresh bucket sent them at once.
        ecs = await second.client("ecs")
        before, started = proxy.seen.count("ecs:ListTasks"), fake.now
        for _ in range(10):
            await ecs.list_tasks(cluster=names.CLUSTER)
        sent, elapsed = proxy.seen.count("ecs:ListTasks") - before, fake.now - started
        status = second.budget.status()
    assert sent == 10
    assert elapsed == pytest.approx(10 / 2.0)
    assert status == ("holding back: DescribeTasks slowed to 2/s: AWS said "
                      "ThrottlingException: Rate exceeded")
