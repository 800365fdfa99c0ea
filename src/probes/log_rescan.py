"""The late re-read: events CloudWatch ingests after their timestamps were sealed.

Sealing forgets the ids of old timestamps (memory stays bounded), so the engine can no longer
tell a re-read event from a new one by id. It can by ingestion time: each sealed span records
the AWS time its sealing read began (`SealedSpan.cutoff`, less the search lag). An event of
the span ingested up to the cutoff was read then and emitted; one ingested later is new, unless
it was read anyway (ids read past a cutoff are kept in `GroupCursor.late_ids`). So every
`RESCAN_INTERVAL_MS` the spans sealed in the last `RESCAN_DEPTH_MS` are read again, bounded to
about `RESCAN_PAGES` pages of known events, and what is new is emitted, marked late.

FilterLogEvents selects by event timestamp, not by ingestion time, so this re-reads whole spans:
it runs rarely, and on a busy group only over its most recent sealed spans.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from probes.log_cursor import RESCAN_DEPTH_MS, GroupCursor
from probes.log_event import LogEvent
from probes.log_sources import filter_page
from probes.log_window import FollowStats

RESCAN_INTERVAL_MS = 20_000
RESCAN_PAGES = 2
SEARCH_LAG_MS = 5_000  # an ingested event may take this long to become searchable


def rescan_due(c: GroupCursor, wall: int) -> bool:
    return bool(c.spans) and wall - c.rescanned_ms >= RESCAN_INTERVAL_MS


def rescan_window(c: GroupCursor, wall: int, page_limit: int) -> tuple[int, int]:
    """[start, end] to re-read: back from the sealed edge over about `RESCAN_PAGES` pages of
    known events, at most `RESCAN_DEPTH_MS`."""
    floor = max(c.spans[0].start, wall - RESCAN_DEPTH_MS)
    start, known = c.sealed_ms, 0
    for span in reversed(c.spans):
        if span.end <= floor or (known and known + span.count > page_limit * RESCAN_PAGES):
            break
        start, known = max(floor, span.start), known + span.count
    return start, c.sealed_ms - 1


async def rescan(logs: Any, c: GroupCursor, request: dict[str, Any] | None, wall: int,
                 out: list[LogEvent], observe: Callable[[dict, list], None],
                 stats: FollowStats) -> None:
    """Read `request`'s window (inside the sealed spans; None: nothing to read) and append to
    `out` the events ingested after their span's cutoff that were not read before."""
    c.rescanned_ms = wall
    if request is None:
        return
    starts = [s.start for s in c.spans]
    calls = new = 0
    while calls < RESCAN_PAGES * 2:
        page = await filter_page(logs, request, c.missing_streams)
        calls += 1
        if page is None:
            break
        events = page.get("events", ())
        observe(page, events)
        for raw in events:
            ts, event_id = raw["timestamp"], raw["eventId"]
            index = bisect_right(starts, ts) - 1
            if index < 0 or ts >= c.spans[index].end or ts >= c.sealed_ms:
                continue
            ingested = raw.get("ingestionTime", ts)
            if ingested <= c.spans[index].cutoff or event_id in c.late_ids:
                continue
            c.late_ids[event_id] = ts
            if ingested - ts > c.max_delay_ms or c.max_delay_at <= wall - RESCAN_DEPTH_MS:
                c.max_delay_ms, c.max_delay_at = ingested - ts, wall
            out.append(LogEvent(c.group, raw.get("logStreamName", ""), ts, ingested, event_id,
                                raw.get("message", "")))
            new += 1
        token = page.get("nextToken")
        if not token or token == request.get("nextToken"):
            break
        request["nextToken"] = token
    stats.api_calls += calls
    stats.rescued_events += new
    stats.by_kind["rescan_calls"] = stats.by_kind.get("rescan_calls", 0) + calls


def capture(c: GroupCursor, events: Any, cutoff: int, below: int) -> None:
    """Remember the ids of events a sealing read saw that were ingested after its cutoff (of
    those with timestamps below `below`: the part it may seal)."""
    for raw in events:
        if raw.get("ingestionTime", 0) > cutoff and raw["timestamp"] < below:
            c.late_ids[raw["eventId"]] = raw["timestamp"]


def loss_risk(cursors: Sequence[GroupCursor], overlap_ms: int, forced_seals: int,
              wall: int) -> str:
    """Why an event may be missed now, from evidence: events seen arriving close to or past
    the window lately (their later peers may arrive after the re-read too), or the memory
    cap forcing seals. Empty when nothing says so."""
    if forced_seals:
        return "memory cap reached: some recent events were sealed unread"
    delay = max((c.max_delay_ms for c in cursors if c.max_delay_at > wall - RESCAN_DEPTH_MS),
                default=0)
    if delay > max(overlap_ms // 2, overlap_ms - 2 * SEARCH_LAG_MS):
        return (f"events arrive up to {delay // 1000} s late (window {overlap_ms // 1000} s):"
                " later ones may be missed")
    return ""
