"""Log error-rate changes for the changes timeline, from a bounded read of the service's logs.

The running console counts error lines as its tail reads them; the one-shot `changes` command
was not watching, so it reads the window itself: FilterLogEvents over [since, until], newest
first in time slices (5 minutes, then 4x wider while a slice fits in one page), every page a
request from the shared budget (`probes.request_budget` paces FilterLogEvents), at most
`MAX_REQUESTS` in all. Error lines (ERROR and worse, HTTP 5xx: `probes.severity.is_error`, as
the tail counts them) are counted per minute by their own timestamps, and judged per 5-minute
bucket exactly as the console judges its tail (`change_convert.error_rate_entries`).

When the cap stops the read, what was counted is the newest part of the window, complete back
to `counted_from`; a slice read only in part is left out (its older pages came first, so its
counts would have a hole), and the note says how far back the count goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from probes.change_convert import ERROR_BUCKET, error_rate_entries
from probes.change_entry import ChangeEntry
from probes.severity import is_error

MAX_REQUESTS = 20  # up to 200,000 lines (10,000 a page)
PAGE_LIMIT = 10_000
FIRST_SLICE_MS = 5 * 60_000
MINUTE_MS = 60_000


@dataclass
class ErrorCount:
    """Error lines per minute (epoch ms of the minute's start) over [counted_from, until]."""

    per_minute: dict[int, int]
    counted_from_ms: int
    lines_read: int = 0
    requests: int = 0
    capped: bool = False


async def _read_slice(logs: Any, group: str, start: int, end: int,
                      allowed: int) -> tuple[dict[int, int], int, int, bool]:
    """(errors per minute, lines, requests, complete) for the inclusive window [start, end]."""
    request: dict[str, Any] = {"logGroupName": group, "startTime": start, "endTime": end,
                               "limit": PAGE_LIMIT}
    counts: dict[int, int] = {}
    seen: set[str] = set()
    lines = used = 0
    while used < allowed:
        page = await logs.filter_log_events(**request)
        used += 1
        for raw in page.get("events", ()):
            if raw.get("eventId") in seen:
                continue
            seen.add(raw.get("eventId"))
            lines += 1
            if is_error(raw.get("message", "")):
                minute = raw["timestamp"] - raw["timestamp"] % MINUTE_MS
                counts[minute] = counts.get(minute, 0) + 1
        token = page.get("nextToken")
        if not token or token == request.get("nextToken"):
            return counts, lines, used, True
        request["nextToken"] = token
    return counts, lines, used, False


async def count_errors(logs: Any, group: str, since_ms: int, until_ms: int,
                       max_requests: int = MAX_REQUESTS) -> ErrorCount:
    """Error lines per minute of `group`, newest slices first, within `max_requests`."""
    result = ErrorCount({}, until_ms + 1)
    end, width = until_ms, FIRST_SLICE_MS
    while end >= since_ms:
        start = max(since_ms, end - width + 1)
        counts, lines, used, complete = await _read_slice(
            logs, group, start, end, max_requests - result.requests)
        result.requests += used
        result.lines_read += lines
        if not complete:
            result.capped = True
            return result
        for minute, n in counts.items():
            result.per_minute[minute] = result.per_minute.get(minute, 0) + n
        result.counted_from_ms = start
        if result.requests >= max_requests and start > since_ms:
            result.capped = True
            return result
        width = width * 4 if used == 1 else width
        end = start - 1
    return result


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def change_entries(count: ErrorCount, groups: Sequence[str], until: datetime,
                   bucket: timedelta = ERROR_BUCKET) -> list[ChangeEntry]:
    """The error-rate changes in what was counted. Buckets start at the first whole bucket
    counted; a rise in that first bucket is not judged (the bucket before it was not read)."""
    size = int(bucket.total_seconds() * 1000)
    first = -(-count.counted_from_ms // size) * size  # the first bucket read whole
    buckets: dict[datetime, int] = {}
    for minute, n in count.per_minute.items():
        if minute >= first:
            at = datetime.fromtimestamp((minute - minute % size) / 1000, UTC)
            buckets[at] = buckets.get(at, 0) + n
    resource = ", ".join(groups)
    source = (f"FilterLogEvents on {resource}: {count.lines_read} lines read in "
              f"{count.requests} requests, error lines counted back to "
              f"{_when(max(first, count.counted_from_ms))}")
    found = []
    for entry in error_rate_entries(buckets, resource, until, bucket):
        start_ms = int(entry.at.timestamp() * 1000)
        if start_ms <= first and dict(entry.detail).get("before") == "0":
            continue
        minutes = ", ".join(
            f"{_when(m)[11:16]} {count.per_minute.get(m, 0)}"
            for m in range(start_ms, start_ms + size, MINUTE_MS))
        found.append(replace(entry, detail=(*entry.detail, ("per minute", minutes),
                                            ("source", source))))
    return found


async def read_log_errors(ctx: Any, groups: Sequence[str], since: datetime,
                          until: datetime) -> tuple[list[ChangeEntry], bool, str]:
    """(entries, complete, note) for the deployment's log groups; the request cap is shared
    evenly between the groups."""
    if not groups:
        return [], True, ""
    logs = await ctx.client("logs")
    since_ms, until_ms = int(since.timestamp() * 1000), int(until.timestamp() * 1000)
    each = max(2, MAX_REQUESTS // len(groups))
    merged = ErrorCount({}, since_ms)
    for group in groups:
        count = await count_errors(logs, group, since_ms, until_ms, each)
        for minute, n in count.per_minute.items():
            merged.per_minute[minute] = merged.per_minute.get(minute, 0) + n
        merged.counted_from_ms = max(merged.counted_from_ms, count.counted_from_ms)
        merged.lines_read += count.lines_read
        merged.requests += count.requests
        merged.capped = merged.capped or count.capped
    note = ""
    if merged.capped:
        note = (f"counted back to {_when(merged.counted_from_ms)} only: the read stopped at "
                f"{each} FilterLogEvents requests per log group ({merged.lines_read} lines); "
                "use a shorter --since for the rest")
    return change_entries(merged, groups, until), not merged.capped, note
