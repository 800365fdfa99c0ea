"""The pure parts of issue 11 points 1, 2 and 4: short names, middle cuts, column widths and
the one time convention."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console import clock
from console.demo.billing import HEALTHY_DAILY
from console.names import STACK_ITSELF, middle_cut, service_short_name, without_prefix
from console.widgets.keyed_table import LAST_MIN, plan_widths

NOW = datetime(2026, 11, 28, 20, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("name", "short"), [
    ("children-drawing-prod-ecs-cpu-high", "ecs-cpu-high"),
    ("children-drawing-prod_alerts", "alerts"),
    ("/ecs/children-drawing-prod", "/ecs/children-drawing-prod"),  # not a prefix there
    ("children-drawing-production-drawings-1234", "children-drawing-production-drawings-1234"),
    ("children-drawing-prod", STACK_ITSELF),
    ("Children-Drawing-Prod-Service", "Service"),
    ("Service", "Service"),
])
def test_the_stack_prefix_is_left_out_only_where_it_is_one(name, short):
    assert without_prefix(name, "children-drawing-prod") == short


def test_every_service_the_demo_bills_has_a_distinct_short_name():
    shorts = [service_short_name(s) for s in HEALTHY_DAILY]
    assert len(set(shorts)) == len(shorts)
    assert service_short_name("Amazon Elastic Container Service") == "ECS"
    assert service_short_name("Amazon Elastic Load Balancing") == "ELB"
    assert service_short_name("EC2 - Other") == "EC2-Other"
    assert service_short_name("Amazon EC2 Container Registry (ECR)") == "ECR"
    assert service_short_name("Amazon Bedrock (BR)") == "BR"  # unknown: its acronym
    assert service_short_name("AWS Step Functions") == "Step Functions"  # vendor word dropped


@given(st.text(min_size=0, max_size=80), st.integers(min_value=0, max_value=100))
def test_a_middle_cut_fits_and_keeps_the_tail(text, width):
    cut = middle_cut(text, width)
    assert len(cut) <= max(width, 0)
    if len(text) <= width:
        assert cut == text
    elif width >= 4:
        head, tail = cut.split("…", 1) if cut.count("…") == 1 else (cut[:0], cut)
        assert text.endswith(tail) and text.startswith(head)
        assert len(tail) >= len(head)


def test_widths_follow_content_and_the_last_column_takes_the_rest():
    assert plan_widths([6, 10, 4, 30], 60) == [6, 10, 4, 40]
    squeezed = plan_widths([6, 40, 4, 30], 50)
    assert squeezed[0] == 6 and squeezed[2] == 4 and squeezed[1] < 40
    assert squeezed[3] == LAST_MIN
    kept = plan_widths([16, 40, 30], 40, keep=frozenset({0}))
    assert kept[0] == 16  # a time is never cut


def test_times_today_without_date_other_days_with_it():
    assert clock.when(NOW - timedelta(minutes=15), NOW) == "19:45"
    assert clock.when(NOW - timedelta(days=9), NOW) == "2026-11-19 20:00"
    assert clock.when(None, NOW) == "-"


@pytest.mark.parametrize(("seconds", "shown"), [
    (-360, "0s"), (0, "0s"), (42, "42s"), (109, "1m49s"), (600, "10m"), (3900, "1h05m"),
    (49 * 3600, "2d1h"),
])
def test_durations_are_compact_and_never_negative(seconds, shown):
    assert clock.duration(seconds) == shown


def test_ages_of_future_moments_are_zero_and_details_are_iso_8601():
    assert clock.age(NOW + timedelta(minutes=6), NOW) == "0s"  # clock skew: never -6m
    moment = datetime(2026, 11, 28, 19, 51, 15, 397000, tzinfo=UTC)
    assert clock.iso(moment, NOW) == "2026-11-28T19:51:15Z (8m44s ago)"
