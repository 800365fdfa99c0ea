"""How the tail engine reads one window: FilterLogEvents pages through nextToken, a window whose
first page comes back full is cut narrower, and every event not seen before is recorded.

Kept apart from `probes.logs` (which decides which windows to read, and when) so that each
stays small.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from probes import log_rescan as late
from probes import log_window as window
from probes.log_cursor import NEVER, GroupCursor
from probes.log_event import LogEvent
from probes.log_sources import filter_page

MAX_NARROWINGS = 3


async def read_window(logs: Any, c: GroupCursor, request: dict[str, Any], wall: int,
                      out: list[LogEvent], observe: Callable[[dict, list], None],
                      stats: window.FollowStats, *, page_limit: int, min_end: int,
                      cutoff: int | None = None, capture_below: int = NEVER,
                      ) -> tuple[int, int, int]:
    """Record the events of `request`'s window (inclusive, as the API's bounds are) not seen
    before into `out`, paging through nextToken. A first page that is full makes the window
    narrower (bounded windows), never below `min_end`. Returns the end actually read, the
    number of events read and how many of them were new. `cutoff`: the window may be sealed by
    this read (`probes.log_rescan.capture`)."""
    start, end = request["startTime"], request["endTime"]
    read = new = narrowings = 0
    first = True
    while True:
        page = await filter_page(logs, request, c.missing_streams)
        stats.api_calls += 1
        if page is None:
            break
        events = page.get("events", ())
        observe(page, events)
        read += len(events)
        new += c.record(events, out, wall)
        if cutoff is not None:
            late.capture(c, events, cutoff, capture_below)
        token = page.get("nextToken")
        if (first and token and end > min_end and narrowings < MAX_NARROWINGS
                and len(events) >= page_limit
                and window.covered_ms(events, start) < (end - start) // 4):
            # The window holds several pages: cut it rather than page through it.
            end = max(min_end, window.narrower_end(events, start, end))
            request["endTime"] = end
            narrowings += 1
            stats.narrowed_windows += 1
            continue
        first = False
        if not token or token == request.get("nextToken"):
            break
        request["nextToken"] = token
    return end, read, new
