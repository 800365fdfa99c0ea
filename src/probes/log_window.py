"""The tail engine's counters, the shape of its requests, how it cuts a window whose first page
came back full, and which read events it hands out (kept apart from `probes.logs` so that each
stays small)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any


@dataclass
class FollowStats:
    polls: int = 0
    api_calls: int = 0
    events_read: int = 0  # including re-reads
    events_emitted: int = 0
    late_events: int = 0  # emitted after a newer event: a naive tailer would have lost them
    swept_events: int = 0  # found only by the sweep
    stream_events: int = 0  # found by a lagging-stream read
    narrowed_windows: int = 0  # a window held more than a page and was cut
    forced_seals: int = 0  # the dedupe cap was hit: the guarantee shrank
    rescued_events: int = 0  # found by the late re-read, after their timestamps were sealed
    by_kind: dict[str, int] = field(default_factory=dict)

    def count_read(self, kind: str, new: int, read: int) -> None:
        """One window of `kind` (head, stream, sweep) read: `read` events, `new` of them new."""
        self.events_read += read
        for key, value in ((kind, new), (kind + "_read", read), (kind + "_calls", 1)):
            self.by_kind[key] = self.by_kind.get(key, 0) + value
        if kind == "sweep":
            self.swept_events += new
        elif kind == "stream":
            self.stream_events += new


def covered_ms(events: Sequence[dict], start: int) -> int:
    """How many ms above `start` a page's newest event lies."""
    return max(e["timestamp"] for e in events) - start


def narrower_end(events: Sequence[dict], start: int, end: int) -> int:
    """Where to cut a window whose first page came back full: just below the newest timestamp
    the page holds (interleaved pages usually run in time order), else the middle."""
    newest = max(e["timestamp"] for e in events)
    if start < newest <= end:
        return newest - 1
    return start + (end - start) // 2


def filter_request(group: str, start: int, end: int, limit: int, pattern: str | None,
                   streams: Sequence[str] | None) -> dict[str, Any]:
    """FilterLogEvents' arguments for the inclusive window [start, end]."""
    request: dict[str, Any] = {"logGroupName": group, "startTime": start, "endTime": end,
                               "limit": limit}
    if pattern:
        request["filterPattern"] = pattern
    if streams:
        request["logStreamNames"] = list(streams)
    return request


def split_ready(pending: list, marks: Sequence[int], most: int) -> tuple[list, list]:
    """(ready, still pending): the events below every healthy group's head mark (`marks`;
    all when none is healthy or more than `most` wait)."""
    if not marks or len(pending) > most:
        return pending, []
    watermark = min(marks)
    ready = [e for e in pending if e.timestamp < watermark]
    if len(ready) == len(pending):
        return ready, []
    return ready, [e for e in pending if e.timestamp >= watermark]


def release(pending: list, marks: Sequence[int], most: int, emitted_ms: int,
            stats: FollowStats) -> tuple[list, list, int]:
    """(ready, still pending, newest timestamp handed out): the pending events below every
    healthy group's head mark, oldest first (stable: each stream keeps its own order); those
    older than one already handed out are marked late."""
    if not pending:
        return [], pending, emitted_ms
    ready, pending = split_ready(pending, marks, most)
    if not ready:
        return [], pending, emitted_ms
    ready.sort(key=attrgetter("timestamp"))
    if ready[0].timestamp < emitted_ms:
        late = sum(1 for e in ready if e.timestamp < emitted_ms)
        stats.late_events += late
        ready[:late] = [replace(e, late=True) for e in ready[:late]]
    stats.events_emitted += len(ready)
    return ready, pending, max(emitted_ms, ready[-1].timestamp)
