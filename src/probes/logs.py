"""Follow CloudWatch log groups: every event exactly once, in bounded memory.

FilterLogEvents is the only API that reads a whole group interleaved across streams, and it
does not return events in arrival order: an event can be ingested after events with later
timestamps (the awslogs driver flushes each stream every few seconds). Tailers that restart from
the newest timestamp seen lose those late events (aws-cli #6788); tailers that re-read a whole
window every poll repeat work or events.

`LogFollower` reads each group in two passes:

* the **head** read, every poll: from just before the newest timestamp seen to now. It shows new
  events within one poll interval.
* the **sweep**, every `sweep_interval_ms`: it re-reads, once, the timestamps that have become
  `overlap_ms` old, and emits any event the head did not see. Then those timestamps are
  *sealed*: their event ids are forgotten.

So an event is shown exactly once if it arrives less than `overlap_ms` after its own timestamp,
each event is read about twice in all (head + sweep), and the dedupe set holds only the ids of
events not yet sealed (about `overlap_ms + sweep_interval_ms` worth).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from probes.context import AwsContext
from probes.result import Probe

DEFAULT_OVERLAP_MS = 30_000
DEFAULT_SWEEP_INTERVAL_MS = 5_000
DEFAULT_HEAD_OVERLAP_MS = 2_000
# Above this many events a poll, the head read stops re-reading its overlap (it would multiply
# the work at high rates); the sweep still catches late events.
HEAD_OVERLAP_EVENT_BUDGET = 2_000
FUTURE_SKEW_MS = 1_000


@dataclass(frozen=True, slots=True)
class LogEvent:
    group: str
    stream: str
    timestamp: int  # ms since the epoch, the producer's clock
    ingestion_time: int  # ms, CloudWatch's clock
    event_id: str
    message: str


@dataclass
class FollowStats:
    polls: int = 0
    api_calls: int = 0
    events_read: int = 0  # including re-reads
    events_emitted: int = 0
    late_events: int = 0  # emitted by a sweep: would be lost by a naive tailer
    forced_seals: int = 0  # the dedupe set hit its cap: the guarantee shrank


@dataclass
class _GroupCursor:
    group: str
    head_ms: int  # newest timestamp seen
    sealed_ms: int  # timestamps below are final; their ids are forgotten
    last_sweep_wall_ms: int
    seen: dict[str, int] = field(default_factory=dict)  # eventId -> timestamp (unsealed)
    last_head_events: int = 0


def now_ms() -> int:
    return int(time.time() * 1000)


class LogFollower:
    """The tail engine. `poll()` returns the events not returned before, oldest first."""

    def __init__(self, ctx: AwsContext, groups: Sequence[str], *, start_ms: int,
                 filter_pattern: str | None = None,
                 stream_names: Sequence[str] | None = None,
                 overlap_ms: int = DEFAULT_OVERLAP_MS,
                 sweep_interval_ms: int = DEFAULT_SWEEP_INTERVAL_MS,
                 head_overlap_ms: int = DEFAULT_HEAD_OVERLAP_MS,
                 page_limit: int | None = None,
                 max_unsealed_ids: int = 1_000_000,
                 clock=now_ms):
        self.ctx = ctx
        self.filter_pattern = filter_pattern or None
        self.stream_names = list(stream_names) if stream_names else None
        self.overlap_ms = overlap_ms
        self.sweep_interval_ms = sweep_interval_ms
        self.head_overlap_ms = head_overlap_ms
        self.page_limit = page_limit
        self.max_unsealed_ids = max_unsealed_ids
        self._clock = clock
        wall = clock()
        self.cursors = [
            _GroupCursor(group=g, head_ms=start_ms, sealed_ms=start_ms, last_sweep_wall_ms=wall)
            for g in dict.fromkeys(groups)
        ]
        self.stats = FollowStats()
        # Events already recorded as seen but not yet handed out: a poll that fails half-way
        # (throttled on the second group, say) must not lose what the first group returned.
        self._pending: list[LogEvent] = []

    @property
    def groups(self) -> list[str]:
        return [c.group for c in self.cursors]

    @property
    def unsealed_ids(self) -> int:
        return sum(len(c.seen) for c in self.cursors)

    async def poll(self) -> list[LogEvent]:
        """New events of every group, merged in timestamp order."""
        self.stats.polls += 1
        logs = await self.ctx.client("logs")
        for cursor in self.cursors:
            await self._poll_group(logs, cursor)
        merged, self._pending = self._pending, []
        merged.sort(key=lambda e: e.timestamp)  # stable: keeps each stream's own order
        self.stats.events_emitted += len(merged)
        return merged

    async def _poll_group(self, logs, cursor: _GroupCursor) -> None:
        wall = self._clock()
        head_overlap = self.head_overlap_ms
        if cursor.last_head_events > HEAD_OVERLAP_EVENT_BUDGET:
            head_overlap = 0
        head_start = max(cursor.sealed_ms, cursor.head_ms - head_overlap)
        cursor.last_head_events = await self._read(logs, cursor, head_start,
                                                   wall + FUTURE_SKEW_MS)
        if wall - cursor.last_sweep_wall_ms >= self.sweep_interval_ms:
            seal_to = wall - self.overlap_ms
            if seal_to > cursor.sealed_ms:
                self.stats.late_events += await self._read(logs, cursor, cursor.sealed_ms,
                                                           seal_to - 1)
                self._seal(cursor, seal_to)
            cursor.last_sweep_wall_ms = wall
        if len(cursor.seen) > self.max_unsealed_ids:
            self._force_seal(cursor)

    async def _read(self, logs, cursor: _GroupCursor, start_ms: int, end_ms: int) -> int:
        """Queue the events in [start_ms, end_ms] not seen before; pages through nextToken.
        Returns how many were new."""
        if end_ms < start_ms:
            return 0
        request: dict = {
            "logGroupName": cursor.group,
            "startTime": start_ms,
            "endTime": end_ms,
            "interleaved": True,
        }
        if self.filter_pattern:
            request["filterPattern"] = self.filter_pattern
        if self.stream_names:
            request["logStreamNames"] = self.stream_names
        if self.page_limit:
            request["limit"] = self.page_limit
        new = 0
        seen = cursor.seen
        pending = self._pending
        while True:
            page = await logs.filter_log_events(**request)
            self.stats.api_calls += 1
            events = page.get("events", [])
            self.stats.events_read += len(events)
            for raw in events:
                event_id = raw["eventId"]
                ts = raw["timestamp"]
                if event_id in seen or ts < cursor.sealed_ms:
                    continue
                seen[event_id] = ts
                if ts > cursor.head_ms:
                    cursor.head_ms = ts
                pending.append(LogEvent(cursor.group, raw.get("logStreamName", ""), ts,
                                        raw.get("ingestionTime", ts), event_id,
                                        raw.get("message", "")))
                new += 1
            token = page.get("nextToken")
            if not token or token == request.get("nextToken"):
                return new
            request["nextToken"] = token

    @staticmethod
    def _seal(cursor: _GroupCursor, seal_to: int) -> None:
        cursor.sealed_ms = seal_to
        cursor.seen = {eid: ts for eid, ts in cursor.seen.items() if ts >= seal_to}

    def _force_seal(self, cursor: _GroupCursor) -> None:
        """Keep memory bounded when a burst outruns the dedupe cap: seal the older half."""
        stamps = sorted(cursor.seen.values())
        self._seal(cursor, stamps[len(stamps) // 2])
        self.stats.forced_seals += 1


@dataclass(frozen=True)
class LogBatch:
    """What one poll of the log probe brought: new events only."""

    groups: tuple[str, ...]
    events: tuple[LogEvent, ...]


class LogsProbe(Probe[LogBatch]):
    """The dashboard's view of the service's logs: a `LogFollower` polled on an interval."""

    name = "logs"
    interval_s = 2.0

    def __init__(self, ctx: AwsContext, groups: Sequence[str], *, since_ms: int | None = None,
                 interval_s: float | None = None, **follower_options):
        super().__init__(ctx, interval_s=interval_s)
        start = since_ms if since_ms is not None else now_ms() - 5 * 60_000
        self.follower = LogFollower(ctx, groups, start_ms=start, **follower_options)

    async def collect(self) -> LogBatch:
        events = await self.follower.poll()
        return LogBatch(tuple(self.follower.groups), tuple(events))
