"""Older events on demand: the view's "load older" (scroll back past the top).

Reads whole time windows backwards from a boundary, so that what it returns and what the
follower (which starts at that boundary) returns never overlap and leave no gap: every event
older than the boundary is read at most once, exactly as the windows partition time.

Every window is a request from the shared budget (`probes.request_budget`), so reading back
over a quiet group must not take one request a day: an empty window makes the next one 16x
wider (up to a week), a sparse one 4x, and nothing is read below the groups' history floor
(their creation less 14 days, `probes.log_floor`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from probes.context import AwsContext
from probes.log_event import LogEvent
from probes.log_floor import history_floor_ms

FIRST_SPAN_MS = 1_000
MAX_SPAN_MS = 7 * 24 * 3_600_000
MAX_LOOKBACK_MS = 30 * 24 * 3_600_000


async def read_before(ctx: AwsContext, groups: Sequence[str], before_ms: int, *,
                      want: int = 500, stream_names: Sequence[str] | None = None,
                      filter_pattern: str | None = None, page_limit: int = 5_000,
                      floor_ms: int | None = None) -> tuple[list[LogEvent], int]:
    """At least `want` events older than `before_ms` (fewer when history runs out), oldest
    first, and the new boundary: every event in [boundary, before_ms) was returned."""
    logs = await ctx.client("logs")
    if floor_ms is None:
        known = await history_floor_ms(ctx, groups)
        floor_ms = max(before_ms - MAX_LOOKBACK_MS, known if known is not None else 0)
    floor = floor_ms
    span, end = FIRST_SPAN_MS, before_ms - 1
    found: list[LogEvent] = []
    while len(found) < want and end >= floor:
        start = max(floor, end - span + 1)
        window: list[LogEvent] = []
        for group in groups:
            window.extend(await _read_window(logs, group, start, end, stream_names,
                                             filter_pattern, page_limit))
        found = window + found
        end = start - 1
        if not window:
            span = min(MAX_SPAN_MS, span * 16)
        elif len(window) < want // 4:
            span = min(MAX_SPAN_MS, span * 4)
    found.sort(key=lambda e: e.timestamp)
    return found, end + 1


async def _read_window(logs: Any, group: str, start: int, end: int,
                       stream_names: Sequence[str] | None, filter_pattern: str | None,
                       page_limit: int) -> list[LogEvent]:
    request: dict[str, Any] = {"logGroupName": group, "startTime": start, "endTime": end,
                               "limit": page_limit}
    if stream_names:
        request["logStreamNames"] = list(stream_names)
    if filter_pattern:
        request["filterPattern"] = filter_pattern
    seen: set[str] = set()
    out: list[LogEvent] = []
    while True:
        page = await logs.filter_log_events(**request)
        for raw in page.get("events", ()):
            if raw["eventId"] not in seen:
                seen.add(raw["eventId"])
                out.append(LogEvent(group, raw.get("logStreamName", ""), raw["timestamp"],
                                    raw.get("ingestionTime", raw["timestamp"]),
                                    raw["eventId"], raw.get("message", "")))
        token = page.get("nextToken")
        if not token or token == request.get("nextToken"):
            return out
        request["nextToken"] = token
