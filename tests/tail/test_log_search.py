"""The diagnostics' log search reads the newest events first, and never calls a search cut
short "silent". On the emulator (a busy group: FilterLogEvents returns the oldest first), and
from AWS's documented shapes (empty pages that still carry a nextToken)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.tail.conftest import now_ms

from probes.diagnostics.log_search import MAX_CALLS, search_group
from probes.diagnostics.logs import LogSetup, evaluate_logs


async def test_the_newest_line_is_the_newest_of_the_window_not_of_the_oldest_page(
        log_groups, aws):
    group = log_groups.create(["ecs/app/t1"])
    end = now_ms() - 2_000
    log_groups.put(group, "ecs/app/t1",
                   [(end - (199 - i) * 9_000, f"line {i}") for i in range(200)])  # 30 min
    logs = await aws.client("logs")
    found = await search_group(logs, group, "", datetime.now(UTC), timedelta(minutes=30))
    assert found.newest == "line 199"
    assert found.describe() == "50+ in the last 30 min"


def count_filter_requests(client) -> list[dict]:
    """The FilterLogEvents requests `client` sends from now on (their parameters)."""
    sent: list[dict] = []

    def record(params=None, **_):
        sent.append(dict(params or {}))

    client.meta.events.register("before-parameter-build.logs.FilterLogEvents", record)
    return sent


def busy_history(log_groups, failures: int) -> tuple[str, int]:
    """6 h of a busy group: 6,000 lines over three streams, `failures` of them "backup failed"
    spread over the hours (the newest says which attempt it was). Returns the group and the
    newest failure's timestamp."""
    group = log_groups.create(["ecs/app/a", "ecs/app/b", "ecs/app/backup"])
    end = now_ms() - 5_000
    span = 6 * 3600_000 - 60_000
    for stream in ("ecs/app/a", "ecs/app/b"):
        log_groups.put(group, stream, [(end - span + i * (span // 3_000), f"GET /draw 200 {i}")
                                       for i in range(3_000)])
    step = span // failures
    stamps = [end - span + 30_000 + i * step for i in range(failures)]
    log_groups.put(group, "ecs/app/backup", [
        (ts, f"ERROR backup failed: attempt {i}: unable to open database file")
        for i, ts in enumerate(stamps)])
    return group, stamps[-1]


async def test_a_busy_group_with_few_failures_is_answered_in_one_request(log_groups, aws):
    group, newest_at = busy_history(log_groups, failures=30)
    logs = await aws.client("logs")
    sent = count_filter_requests(logs)
    found = await search_group(logs, group, "backup failed", datetime.now(UTC),
                               timedelta(hours=6))
    assert (found.count, found.capped) == (30, False)
    assert found.describe() == "30 in the last 360 min"
    assert found.newest == "ERROR backup failed: attempt 29: unable to open database file"
    assert found.newest_at == datetime.fromtimestamp(newest_at / 1000, UTC)
    assert len(sent) == 1  # the whole window fitted one page


@pytest.mark.parametrize("failures", [51, 400])
async def test_a_busy_group_with_many_failures_still_finds_the_newest(log_groups, aws,
                                                                      failures):
    group, newest_at = busy_history(log_groups, failures=failures)
    logs = await aws.client("logs")
    sent = count_filter_requests(logs)
    found = await search_group(logs, group, "backup failed", datetime.now(UTC),
                               timedelta(hours=6))
    assert found.describe() == "50+ in the last 360 min"
    assert found.newest == (f"ERROR backup failed: attempt {failures - 1}: unable to open "
                            "database file")
    assert found.newest_at == datetime.fromtimestamp(newest_at / 1000, UTC)
    assert 2 <= len(sent) <= 1 + MAX_CALLS  # the whole window, then walking back from now


class EmptyPages:
    """FilterLogEvents as AWS may answer it: `empty` empty pages, each with a nextToken,
    before the page holding `events` (then no token)."""

    def __init__(self, empty: int, events: list[dict]) -> None:
        self.empty, self.events, self.requests = empty, events, []

    async def filter_log_events(self, **request):
        self.requests.append(request)
        if len(self.requests) <= self.empty:
            return {"events": [], "nextToken": f"token-{len(self.requests)}",
                    "searchedLogStreams": []}
        window = [e for e in self.events
                  if request["startTime"] <= e["timestamp"] <= request["endTime"]]
        return {"events": window, "searchedLogStreams": []}


async def test_a_search_of_empty_pages_cut_short_is_unknown_not_silent():
    logs = EmptyPages(empty=1_000, events=[])
    found = await search_group(logs, "/ecs/app", "", datetime.now(UTC), timedelta(minutes=30))
    # The whole window (a token left: not every match), then MAX_CALLS walking back.
    assert len(logs.requests) == 1 + MAX_CALLS and found.unknown
    assert found.describe() == "unknown for the last 30 min (the search was cut short)"
    setup = LogSetup("arn:aws:ecs:eu-west-1:1:task-definition/app:3", "eu-west-1", (),
                     frozenset(), running_tasks=2,
                     recent_events=None if found.unknown else found.count)
    assert not [f for f in evaluate_logs(setup) if f.id == "logs.silent"]


async def test_empty_pages_before_the_events_are_followed():
    now = datetime.now(UTC)
    stamp = int(now.timestamp() * 1000) - 10_000
    logs = EmptyPages(empty=3, events=[{"timestamp": stamp, "message": "hello",
                                        "eventId": "1", "logStreamName": "s",
                                        "ingestionTime": stamp}])
    found = await search_group(logs, "/ecs/app", "", now, timedelta(minutes=30))
    assert (found.count, found.newest, found.unknown) == (1, "hello", False)
    # The whole window's first page is empty with a token: AWS stopped early, so the search
    # walks back from now, following the empty pages' tokens there.
    assert "nextToken" not in logs.requests[1] and logs.requests[2]["nextToken"] == "token-2"
