"""A pane's freshness label: never lies about how old its data is."""

from datetime import UTC, datetime, timedelta

from console.freshness import Freshness, judge_freshness
from probes.errors import ErrorKind, ProbeError

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
DENIED = ProbeError(ErrorKind.ACCESS_DENIED, "not authorized", "grant it",
                    "ecs:DescribeServices")


def judge(age_s, error=None, collecting=False, interval=10):
    good = None if age_s is None else NOW - timedelta(seconds=age_s)
    return judge_freshness(last_good_at=good, last_error=error, collecting=collecting,
                           interval_s=interval, now=NOW)


def test_fresh_data_says_so_with_a_coarse_age():
    assert judge(3).label == "fresh · <10s ago"
    assert judge(27).label == "fresh · 20s ago"
    assert judge(27, collecting=True).state is Freshness.REFRESHING


def test_a_failed_probe_is_stale_with_its_error_and_age():
    view = judge(125, error=DENIED)
    assert view.state is Freshness.STALE
    assert view.label == "STALE · 2m ago · access denied: ecs:DescribeServices"
    assert judge(None, error=DENIED).label == ("STALE · no data · access denied: "
                                               "ecs:DescribeServices")


def test_data_older_than_three_intervals_is_stale_even_without_an_error():
    assert judge(45, interval=10).state is Freshness.STALE  # a hung endpoint, no error yet
    assert judge(45, interval=10, collecting=True).label == ("STALE · 40s ago · waiting for "
                                                             "AWS")
    assert judge(None).state is Freshness.WAITING

