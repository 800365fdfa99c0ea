"""Count recent log events matching a pattern, as the guide's `filter-log-events` steps do.

One bounded search: a time window and a small page limit, at most `MAX_CALLS` requests.
FilterLogEvents is limited to ~10 calls/s per account and region (shared with everyone during an
outage), so diagnostics ask "is there any, and what does the newest say", never "fetch them all".

The first request asks for the whole window: when AWS answers it in one page (no nextToken),
that page is every match, so its count is exact and its newest event is the newest line; most
searches ("any backup failure in 6 h?") end there, in one request. Otherwise (more than a page,
or AWS stopped scanning early and left a token) the search starts again from now, because
FilterLogEvents returns the *oldest* events first and may return empty pages that still carry a
nextToken: it walks back in windows (1 min, then 4x wider each time), and the first window that
holds events gives the newest line (a window with more than a page is narrowed towards now
first). A read cut short before it covered the window, with nothing found, is `unknown`: not
evidence that the group was silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from probes.diagnostics.inputs import DiagnosticInputs

PAGE_LIMIT = 50
MAX_CALLS = 8  # walking back, after the one whole-window request
FIRST_SPAN_MS = 60_000
MIN_SPAN_MS = 1_000


@dataclass(frozen=True)
class LogMatches:
    group: str
    pattern: str
    since: datetime
    count: int
    capped: bool  # more matched than were counted, or the window was not read to its end
    newest: str = ""
    newest_at: datetime | None = None

    window: timedelta = timedelta(hours=1)

    @property
    def unknown(self) -> bool:
        """Nothing found, but the read stopped before it covered the window."""
        return self.count == 0 and self.capped

    def describe(self) -> str:
        """``12 in the last 60 min`` / ``50+ in ...`` / ``unknown for ...``."""
        minutes = int(self.window.total_seconds() // 60)
        if self.unknown:
            return f"unknown for the last {minutes} min (the search was cut short)"
        return f"{self.count}{'+' if self.capped else ''} in the last {minutes} min"


async def search(inputs: DiagnosticInputs, group: str, pattern: str,
                 window: timedelta) -> LogMatches:
    """Events of `group` matching `pattern` within `window` before now (newest kept)."""
    logs = await inputs.ctx.client("logs")
    return await search_group(logs, group, pattern, inputs.now, window)


async def search_group(logs: Any, group: str, pattern: str, now: datetime,
                       window: timedelta) -> LogMatches:
    """`search` with a logs client: the whole window in one request when it fits one page,
    else newest first, in windows walking back from `now`."""
    since = now - window
    floor, end = int(since.timestamp() * 1000), int(now.timestamp() * 1000)
    whole = await logs.filter_log_events(**_request(group, pattern, floor, end))
    if not whole.get("nextToken"):  # one page: every match of the window
        events = list(whole.get("events", ()))
        newest = max(events, key=lambda e: e.get("timestamp", 0)) if events else None
        return _matches(group, pattern, since, window, len(events), False, newest)
    span, calls, count, capped = FIRST_SPAN_MS, 0, 0, False
    newest: dict[str, Any] | None = None
    while end >= floor:
        if calls >= MAX_CALLS:
            capped = True
            break
        start = max(floor, end - span + 1)
        request = _request(group, pattern, start, end)
        events, more, used = await _first_page(logs, request, MAX_CALLS - calls)
        calls += used
        if events and more and newest is None and span > MIN_SPAN_MS:
            span = max(MIN_SPAN_MS, span // 8)  # a busy window: look nearer to now first
            continue
        if events and newest is None:
            newest = max(events, key=lambda e: e.get("timestamp", 0))
        count += len(events)
        if more or count >= PAGE_LIMIT:
            count, capped = min(count, PAGE_LIMIT), True  # shown as "50+"
            break
        end, span = start - 1, span * 4
    return _matches(group, pattern, since, window, count, capped, newest)


def _request(group: str, pattern: str, start: int, end: int) -> dict[str, Any]:
    request: dict[str, Any] = {"logGroupName": group, "startTime": start, "endTime": end,
                               "limit": PAGE_LIMIT}
    if pattern:  # no pattern: every event counts
        request["filterPattern"] = pattern
    return request


def _matches(group: str, pattern: str, since: datetime, window: timedelta, count: int,
             capped: bool, newest: dict[str, Any] | None) -> LogMatches:
    stamp = newest.get("timestamp", 0) if newest else 0
    return LogMatches(group, pattern, since, count, capped,
                      newest.get("message", "") if newest else "", _when(stamp), window)


async def _first_page(logs: Any, request: dict[str, Any], budget: int
                      ) -> tuple[list[dict[str, Any]], bool, int]:
    """The first non-empty page of a window (empty pages with a token are skipped, within
    `budget` calls): (events, whether more remain, calls made)."""
    used = 0
    while True:
        page = await logs.filter_log_events(**request)
        used += 1
        events, token = list(page.get("events", ())), page.get("nextToken")
        if events or not token or used >= budget:
            return events, bool(token), used
        request["nextToken"] = token


def _when(ms: int) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, UTC) if ms else None
