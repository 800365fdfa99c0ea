"""The demo's month-to-date costs hold their promise on any day of the month."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from console.demo import billing
from console.demo import names as n
from probes.costs import month_to_date, parse_cost_and_usage

MOMENTS = [datetime(2026, 12, 1, 0, 10, tzinfo=UTC), datetime(2027, 2, 28, 23, 50, tzinfo=UTC),
           datetime(2026, 11, 28, 15, 0, tzinfo=UTC), datetime(2026, 10, 31, 9, 0, tzinfo=UTC)]


@pytest.mark.parametrize("now", MOMENTS, ids=lambda m: m.strftime("%b-%d-%H:%M"))
def test_modest_stays_under_budget_and_the_surge_exceeds_it(now):
    modest = billing.month_to_date(billing.MODEST, now, random.Random(1))
    surge = billing.month_to_date(billing.NAT_AND_TRANSFER_SURGE, now, random.Random(1))
    assert 0 < modest.actual < modest.forecast < n.BUDGET_LIMIT_USD
    assert surge.actual > n.BUDGET_LIMIT_USD and surge.forecast > surge.actual
    start, end = month_to_date(now.date())
    _, days, _, services = parse_cost_and_usage([surge.response], start, end)
    assert len(days) == now.day
    assert services[0].service == "EC2 - Other"
    assert abs(sum(s.amount for s in services) - surge.actual) < 0.05
