"""The diagnostics' log search reads the newest events first, and never calls a search cut
short "silent". On the emulator (a busy group: FilterLogEvents returns the oldest first), and
from AWS's documented shapes (empty pages that still carry a nextToken)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    assert len(logs.requests) == MAX_CALLS and found.unknown
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
    assert logs.requests[1]["nextToken"] == "token-1"
