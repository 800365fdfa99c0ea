"""What the tail engine knows of one log group: how far it has read, what it has sealed, which
events it has seen, and how fresh each stream is.

Kept apart from `probes.logs` (which decides what to read) so that each stays small; the hot
loop of the engine, `GroupCursor.record`, is here: it runs once per event read.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from typing import Any

from probes.log_dedupe import SeenIds
from probes.log_event import LogEvent

FIRST_SPAN_MS = 300_000  # sparse groups: one request; a full first page narrows it
MAX_SPAN_MS = 6 * 3_600_000
WINDOW_PAGES = 3  # a window paged through with nextToken stays cheap on moto up to a few pages
MAX_STREAM_CALLS = 3  # lagging-stream requests per group and poll
MAX_STREAMS_PER_CALL = 100  # FilterLogEvents' limit on logStreamNames
FRESH_MS = 500  # a stream this close to the head is read by the head window itself
BAND_SPAN_MS = 5_000  # lagging streams whose newest events lie this close share a request
RESCAN_DEPTH_MS = 5 * 60_000  # sealed spans kept for the late re-read (`probes.log_rescan`)
NEVER = 1 << 62  # the cutoff of a span sealed without reading it: nothing is re-emitted there


class SealedSpan:
    """Timestamps [start, end) sealed by a read that began at AWS time `cutoff` (less the search
    lag): every event of the span ingested up to `cutoff` was read then; one ingested after it
    may be new (the late re-read emits it unless its id is in `GroupCursor.late_ids`)."""

    __slots__ = ("count", "cutoff", "end", "start")

    def __init__(self, start: int, end: int, cutoff: int, count: int) -> None:
        self.start, self.end, self.cutoff, self.count = start, end, cutoff, count


class StreamMark:
    """A stream's newest timestamp seen, when (our clock) it last brought a new event, and
    when a lagging-stream request last read it."""

    __slots__ = ("active_ms", "checked_ms", "head_ms")

    def __init__(self, head_ms: int, active_ms: int) -> None:
        self.head_ms = head_ms
        self.active_ms = active_ms
        self.checked_ms = 0


class NewestStamps:
    """The `size` newest timestamps seen (a min-heap): its smallest is where a re-read of
    about `size` events below the head must begin, exactly, whatever the bursts."""

    __slots__ = ("_heap", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self._heap: list[int] = []

    def push(self, timestamp: int) -> None:
        heap = self._heap
        if len(heap) < self.size:
            heapq.heappush(heap, timestamp)
        elif timestamp > heap[0]:
            heapq.heapreplace(heap, timestamp)

    def floor(self, count: int) -> int | None:
        """The `count`-th newest timestamp held (None until any was seen)."""
        heap = self._heap
        if not heap or count <= 0:
            return None
        if count >= len(heap):
            return heap[0]
        return heapq.nlargest(count, heap)[-1]


class GroupCursor:
    """The follower's state for one group."""

    def __init__(self, group: str, start_ms: int, newest: int = 1_000) -> None:
        self.group = group
        self.sealed_ms = start_ms  # timestamps below are final: never emitted again
        self.next_ms = start_ms  # the head has read every timestamp below this
        self.head_ms = start_ms - 1  # newest timestamp seen
        self.span_ms = FIRST_SPAN_MS  # width of the next forward window
        self.seen = SeenIds()
        self.newest = NewestStamps(newest)
        self.streams: dict[str, StreamMark] = {}
        self.new_streams: list[str] = []  # streams first seen since the last poll
        self.unread_gaps: dict[str, int] = {}  # a flushed stream -> its newest before, unread
        self.head_new = 0  # new events the last head read found
        self.caught_up = False
        self.primed = False  # the head was already following (young) at the last poll
        self.error: Exception | None = None
        self.spans: list[SealedSpan] = []  # the recently sealed spans, oldest first
        self.late_ids: dict[str, int] = {}  # id -> timestamp of events read after a cutoff
        self.rescanned_ms = 0  # AWS time of the last late re-read
        self.max_delay_ms = 0  # largest ingestionTime - timestamp seen
        self.max_delay_at = 0  # (AWS time) when it was seen
        # (AWS time) of the first read: events ingested before it were there to be read, so
        # how late they were says nothing about what a follower may miss.
        self.following_since = 0
        self.missing_streams: set[str] = set()  # named streams the group does not have (yet)
        self.missing_checked_ms = 0
        self.covered_cutoff: int | None = None  # this poll's head read from the sealed edge
        self.covered_below = 0  # ... and may seal up to here without a sweep

    def record(self, events: Iterable[dict[str, Any]], out: list[LogEvent], wall: int) -> int:
        """Append the events not seen before (and not sealed) to `out`; returns how many."""
        sealed = self.sealed_ms
        seen_add = self.seen.add
        marks = self.streams
        push = self.newest.push
        head = self.head_ms
        group = self.group
        new = 0
        delay = self.max_delay_ms if self.max_delay_at > wall - RESCAN_DEPTH_MS else 0
        if not self.following_since:
            self.following_since = wall
        since = self.following_since
        for raw in events:
            ts = raw["timestamp"]
            if ts < sealed:
                continue
            event_id = raw["eventId"]
            if not seen_add(ts, event_id):
                continue
            ingested = raw.get("ingestionTime", ts)
            if ingested - ts > delay and ingested > since:
                delay = self.max_delay_ms = ingested - ts
                self.max_delay_at = wall
            stream = raw.get("logStreamName", "")
            mark = marks.get(stream)
            if mark is None:
                marks[stream] = StreamMark(ts, wall)
                self.new_streams.append(stream)
            else:
                if ts > mark.head_ms:
                    mark.head_ms = ts
                mark.active_ms = wall
            if ts > head:
                head = ts
            push(ts)
            out.append(LogEvent(group, stream, ts, ingested, event_id, raw.get("message", "")))
            new += 1
        self.head_ms = head
        return new

    def head_window_start(self, *, budget: int, max_overlap_ms: int,
                          fresh_since_ms: int) -> int:
        """Where this poll's head window begins. Low enough to re-read about `budget` events
        below the newest one (late arrivals next to the head; none when the group is quiet),
        and to start each *fresh* stream (newest event within `FRESH_MS` of the head, new
        events since `fresh_since_ms`) at its own newest event, so that the rest of a
        millisecond it was writing is not missed; at most `max_overlap_ms` below the head.
        Streams below that are read by lagging-stream requests."""
        head = self.head_ms
        start = head + 1
        floor = self.newest.floor(budget)
        if floor is not None and floor < head:
            start = floor
        fresh = [m.head_ms for m in self.streams.values()
                 if m.head_ms >= head - FRESH_MS and m.active_ms >= fresh_since_ms]
        if fresh:
            start = min(start, *fresh)
        start = max(start, head - max_overlap_ms)
        return max(self.sealed_ms, min(self.next_ms, start))

    def recent_span(self, page_limit: int, default_ms: int) -> int:
        """A forward window expected to hold about `WINDOW_PAGES` pages, from the density of the
        last two seconds of known events (robust to one burst); `default_ms` if none."""
        known = self.seen.count_between(self.head_ms - 2_000, self.head_ms)
        if known == 0:
            return default_ms
        return max(1, min(MAX_SPAN_MS, 2_000 * page_limit * WINDOW_PAGES // known))

    def recheck_missing(self, wall: int, after_ms: int) -> None:
        """Forget the streams found missing `after_ms` ago, so that they are asked for again."""
        if not self.missing_streams:
            self.missing_checked_ms = 0
        elif not self.missing_checked_ms:
            self.missing_checked_ms = wall
        elif wall - self.missing_checked_ms >= after_ms:
            self.missing_streams.clear()
            self.missing_checked_ms = 0

    def seal(self, below_ms: int, cutoff: int = NEVER) -> None:
        """Timestamps below `below_ms` are final: forget their ids and quiet streams. `cutoff`:
        what the read that sealed them saw (see `SealedSpan`); NEVER when none did."""
        if below_ms <= self.sealed_ms:
            return
        count = self.seen.count_between(self.sealed_ms, below_ms - 1)
        self.spans.append(SealedSpan(self.sealed_ms, below_ms, cutoff, count))
        floor = below_ms - RESCAN_DEPTH_MS
        if self.spans[0].end <= floor:
            self.spans = [s for s in self.spans if s.end > floor]
            self.late_ids = {i: t for i, t in self.late_ids.items() if t >= floor}
        self.sealed_ms = below_ms
        self.seen.seal_below(below_ms)
        for name in [n for n, m in self.streams.items() if m.head_ms < below_ms]:
            del self.streams[name]


def next_span(span_ms: int, width_ms: int, read: int, page_limit: int) -> int:
    """The next forward window: about 4/5 of a page at the density just seen; it grows at
    most 4x a step (a burst after a quiet spell still starts narrow)."""
    if read == 0:
        return min(MAX_SPAN_MS, span_ms * 4)
    wanted = width_ms * (page_limit * 4 // 5) // read
    return max(1, min(MAX_SPAN_MS, span_ms * 4, wanted))


def stream_bands(streams: Mapping[str, StreamMark], *, floor_ms: int, below_ms: int,
                 active_since_ms: int, checked_before_ms: int = NEVER,
                 ) -> list[tuple[int, list[str]]]:
    """Requests for the lagging, recently active streams: each starts at its oldest member's
    newest timestamp and re-reads its other members' events above that, so only streams whose
    newest events lie within `BAND_SPAN_MS` share one. At most `MAX_STREAM_CALLS` requests,
    the streams read longest ago first; the others wait for the next poll."""
    lagging = sorted((m.head_ms, name) for name, m in streams.items()
                     if floor_ms <= m.head_ms < below_ms and m.active_ms >= active_since_ms
                     and m.checked_ms <= checked_before_ms)
    bands: list[tuple[int, list[str]]] = []
    for head, name in lagging:
        if bands and head - bands[-1][0] <= BAND_SPAN_MS and (
                len(bands[-1][1]) < MAX_STREAMS_PER_CALL):
            bands[-1][1].append(name)
        else:
            bands.append((head, [name]))
    if len(bands) > MAX_STREAM_CALLS:
        bands.sort(key=lambda band: min(streams[n].checked_ms for n in band[1]))
        del bands[MAX_STREAM_CALLS:]
    return bands
