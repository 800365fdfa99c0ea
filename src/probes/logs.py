"""Follow CloudWatch log groups: every event exactly once, soon after ingestion, in bounded memory.

FilterLogEvents reads a whole group interleaved across streams, but events do not arrive in
timestamp order (each stream is flushed every few seconds): restarting from the newest timestamp
seen loses them (aws-cli #6788). `LogFollower` reads each group with these requests, each over a
*bounded* time window of about one page (cheap on AWS, fast on moto):

* **head**: every poll, from the newest timestamp seen (less a re-read overlap that shrinks as
  the rate grows, ≤ `head_overlap_ms`) to now. New events show within one poll.
* **lagging streams**: a stream whose newest event was older than the head window and which
  the head now sees flush (a stream flushed every 5 s) is read from its old newest timestamp
  at once, grouped into at most `MAX_STREAM_CALLS` requests with `logStreamNames`: its batch
  shows within one poll without re-reading the busy streams. Those not seen to flush are read
  every `STREAM_RECHECK_MS` while they wrote recently (a batch of old events only).
* **sweep**: once timestamps are `overlap_ms` old (AWS's time, `probes.log_clock`: never the
  local clock alone, which sealed events early when it ran fast) they are read once more, then
  *sealed*: their ids are forgotten. The head also looks back over the whole `overlap_ms`
  (60 s) while that costs at most about a page, so a late event shows at the next poll.
* **late re-read** (`probes.log_rescan`): now and then the recently sealed spans are read again
  and what CloudWatch ingested after their sealing read is emitted, marked late.

No event is emitted twice (ids are kept for unsealed timestamps; in a sealed span only what was
ingested after its sealing read is new); every event visible within `overlap_ms` of its
timestamp is emitted, a later one if the late re-read finds it. `loss_risk` says from evidence
when one may be missed. Each batch is in timestamp order; an event older than one already
emitted is marked `late`. Memory: ids of ~`overlap_ms + sweep_interval_ms` of events (8 bytes
each, `probes.log_dedupe`), capped by `max_unsealed_ids`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from probes import log_rescan as late
from probes import log_window as window
from probes.context import AwsContext
from probes.log_clock import AwsClock
from probes.log_cursor import (
    MAX_STREAM_CALLS,
    MAX_STREAMS_PER_CALL,
    NEVER,
    GroupCursor,
    StreamMark,
    next_span,
    stream_bands,
)
from probes.log_event import LogEvent
from probes.log_pace import SpareReads
from probes.log_page_parse import parse_events_directly
from probes.log_read import read_window

DEFAULT_OVERLAP_MS = 60_000
DEFAULT_SWEEP_INTERVAL_MS = 5_000
DEFAULT_HEAD_OVERLAP_MS = 10_000
# The head re-reads at most about this many events a poll (its overlap shrinks as rates grow).
HEAD_OVERLAP_EVENT_BUDGET = 2_500
# ~30 ms of parsing on the event loop per page (10,000 costs ~60 ms: emulator-notes).
DEFAULT_PAGE_LIMIT = 5_000
DEFAULT_EVENTS_PER_POLL = 25_000
DEFAULT_MAX_UNSEALED_IDS = 2_000_000
FUTURE_SKEW_MS, HEAD_CALLS_PER_POLL = 1_000, 8  # windows a poll: then `tail` shows progress
STREAM_RECHECK_MS = 10_000  # a lagging stream not seen to flush is read this often
IDLE_STREAM_MS = 12_000  # a stream silent this long is left to the head and the sweep
FRESH_ACTIVE_MS = 2_000  # a stream that wrote this recently may still be mid-millisecond
MISSING_RECHECK_MS = 30_000  # a named stream found missing is tried again after this
EMPTY_SWEEP_INTERVALS = 3  # a span that held nothing is swept this late without spare reads

__all__ = ["MAX_STREAM_CALLS", "LogEvent", "LogFollower", "now_ms"]


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
                 head_overlap_events: int = HEAD_OVERLAP_EVENT_BUDGET,
                 page_limit: int | None = DEFAULT_PAGE_LIMIT,
                 events_per_poll: int = DEFAULT_EVENTS_PER_POLL,
                 max_unsealed_ids: int = DEFAULT_MAX_UNSEALED_IDS,
                 follow_streams: bool = True,
                 one_shot: bool = False,
                 spare_reads: SpareReads | None = None,
                 clock=now_ms):
        if not groups:
            raise ValueError("no log group to follow")
        self.ctx = ctx
        self.filter_pattern = filter_pattern or None
        self.stream_names = list(stream_names) if stream_names else None
        self.overlap_ms = overlap_ms
        self.sweep_interval_ms = sweep_interval_ms
        self.head_overlap_ms = head_overlap_ms
        self.head_overlap_events = head_overlap_events
        self.page_limit = min(10_000, page_limit or 10_000)
        self.events_per_poll = events_per_poll
        self.max_unsealed_ids = max_unsealed_ids
        self.follow_streams = follow_streams
        self.one_shot = one_shot  # polled once (status): no sweep, no late re-read
        # Paces the reads that can wait (lagging streams not seen to flush, the sweep of a span
        # that held nothing, the late re-read); None: never.
        self.spare_reads = spare_reads
        self._clock = clock
        self.clock = AwsClock(clock)  # AWS's time, from its answers
        self.start_ms = start_ms
        self.cursors = [GroupCursor(g, start_ms, head_overlap_events)
                        for g in dict.fromkeys(groups)]
        self.stats = window.FollowStats()
        # Events recorded as seen but not handed out yet: a poll that fails half-way keeps
        # them, and with several groups an event waits until every group has read its time.
        self._pending: list[LogEvent] = []
        self._emitted_ms = start_ms - 1

    # ---------------------------------------------------------------- state
    @property
    def groups(self) -> list[str]:
        return [c.group for c in self.cursors]

    @property
    def unsealed_ids(self) -> int:
        return sum(len(c.seen) for c in self.cursors)

    @property
    def behind(self) -> bool:
        """More is readable right now: poll again without waiting."""
        return any(c.error is None and not c.caught_up for c in self.cursors)

    @property
    def group_errors(self) -> dict[str, Exception]:
        return {c.group: c.error for c in self.cursors if c.error is not None}

    @property
    def loss_risk(self) -> str:
        """Why an event may be missed now (empty when nothing says so): shown by the views."""
        return late.loss_risk(self.cursors, self.overlap_ms, self.stats.forced_seals,
                         self.clock.now())

    def lag_ms(self, wall: int | None = None) -> int:
        """How far the slowest healthy group's head is behind the clock."""
        wall = self.clock.now() if wall is None else wall
        heads = [c.next_ms for c in self.cursors if c.error is None] or [
            c.next_ms for c in self.cursors]
        return max(0, wall - min(heads))

    # ---------------------------------------------------------------- polling
    async def poll(self) -> list[LogEvent]:
        """New events of every group, merged in timestamp order. Raises only when every group
        failed (what was read before the failure is kept for the next poll). Groups are read
        concurrently (against AWS each request mostly waits on the network)."""
        self.stats.polls += 1
        logs = await self.ctx.client("logs")
        parse_events_directly(logs)
        budget = max(self.page_limit, self.events_per_poll // len(self.cursors))
        outcomes = await asyncio.gather(
            *(self._poll_group(logs, c, budget) for c in self.cursors), return_exceptions=True)
        errors: list[BaseException] = []
        for cursor, outcome in zip(self.cursors, outcomes, strict=True):
            if isinstance(outcome, asyncio.CancelledError):
                raise outcome
            if isinstance(outcome, Exception):  # classified by the caller; others go on
                cursor.error = outcome
                errors.append(outcome)
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                cursor.error = None
        if errors and len(errors) == len(self.cursors):
            raise errors[0]
        return self._release()

    async def _poll_group(self, logs: Any, c: GroupCursor, budget: int) -> None:
        # Until AWS answers (and sets the clock), a slow local clock must not stop the read.
        wall = self.clock.now() if self.clock.calibrated else max(self._clock(), c.next_ms)
        c.recheck_missing(wall, MISSING_RECHECK_MS)  # a sidecar may have started logging
        await self._follow(logs, c, wall, budget)
        # After the head, never beside it: all the head read is then visible to the sweep.
        if self.clock.calibrated and not self.one_shot:  # an unconfirmed clock lost events
            wall = self.clock.now()
            await self._sweep(logs, c, wall, budget)
            if late.rescan_due(c, wall) and self._spare():
                request = self._request(c, *late.rescan_window(c, wall, self.page_limit))
                await late.rescan(logs, c, request, wall, self._pending, self.clock.observe,
                                  self.stats)
        c.primed = c.next_ms > wall - self.overlap_ms  # following now, not loading history
        c.seen.freeze_below(c.head_ms - self.head_overlap_ms - 2_000)
        while len(c.seen) > self.max_unsealed_ids:
            oldest = c.seen.oldest_ms()
            if oldest is None or oldest + 1_000 <= c.sealed_ms:
                break
            c.seal(oldest + 1_000)  # drop the oldest second of ids: memory wins
            self.stats.forced_seals += 1

    async def _follow(self, logs: Any, c: GroupCursor, wall: int, budget: int) -> None:
        """The head window, then the lagging streams below it."""
        first_start = c.head_window_start(
            budget=min(self.head_overlap_events, c.head_new),
            max_overlap_ms=self.head_overlap_ms, fresh_since_ms=wall - FRESH_ACTIVE_MS)
        if c.primed:
            # Look back over the overlap window while it holds at most about a page of known
            # events: late arrivals show at the next poll, for one extra page at most. In a
            # burst (a tenth of a page a poll), less: a quarter of a page, beside what the
            # last poll brought (a lagging stream's batch is read when the head sees it
            # flush, below; a smaller page answers sooner, and a batch flushed into it does
            # not spill it onto a second page).
            floor = max(c.sealed_ms, wall - self.overlap_ms - self.sweep_interval_ms)
            known = max(0, self.page_limit * 9 // 10 - c.head_new * 5 // 4)
            if c.head_new >= max(1, self.page_limit // 10):
                known = min(known, self.page_limit // 4)
            lookback = max(floor, c.seen.start_for(c.head_ms, floor, known))
            first_start = min(first_start, max(c.sealed_ms, min(c.next_ms, lookback)))
        primed = c.primed and self.follow_streams
        # Lagging streams are chosen before the head read moves their marks.
        bands = stream_bands(c.streams, floor_ms=c.sealed_ms, below_ms=first_start,
                             active_since_ms=wall - IDLE_STREAM_MS,
                             checked_before_ms=wall - STREAM_RECHECK_MS) if primed else []
        lagging = {n: m.head_ms for n, m in c.streams.items()
                   if m.head_ms < first_start} if primed else {}
        c.new_streams.clear()
        before = self.stats.by_kind.get("head", 0)
        # A head read from the sealed edge is the sweep's read too (see `_sweep`).
        c.covered_cutoff = None
        covers = c.primed and first_start <= c.sealed_ms and self.clock.calibrated
        cutoff = self._cutoff() if covers else None
        c.covered_below = wall - self.overlap_ms
        await self._advance_head(logs, c, wall, budget, first_start, cutoff)
        c.covered_cutoff = cutoff
        c.head_new = self.stats.by_kind.get("head", 0) - before
        banded = {name for _, names in bands for name in names}
        # A lagging stream the head just saw flush (its newest event moved) may have begun its
        # batch below the head window, and its mark no longer says so: its gap is read now,
        # whatever the pace (one request for streams whose batches began close together;
        # more than `MAX_STREAM_CALLS` such requests wait for the next poll).
        gaps = {name: old for name, old in lagging.items()
                if name not in banded and (mark := c.streams.get(name)) is not None
                and mark.head_ms > old}
        for name, old in c.unread_gaps.items():  # put off at an earlier poll
            if name not in banded and old >= c.sealed_ms:
                gaps[name] = min(old, gaps.get(name, old))
        c.unread_gaps = gaps
        due = stream_bands({name: StreamMark(old, wall) for name, old in gaps.items()},
                           floor_ms=c.sealed_ms, below_ms=first_start,
                           active_since_ms=wall) if gaps else []
        banded.update(gaps)
        new = [name for name in dict.fromkeys(c.new_streams) if name not in banded]
        if primed and new:
            # A stream seen for the first time (a new task) may have flushed a batch that
            # began below the head window: look back along it alone (whatever the pace).
            bands.insert(0, (first_start - self.head_overlap_ms, new[:MAX_STREAMS_PER_CALL]))
        for n, (band_start, names) in enumerate(due + bands):
            if n >= len(due) + (primed and bool(new)) and not self._spare():
                break  # these streams stay lagging (or their gaps unread): a later poll
            for name in names:
                c.unread_gaps.pop(name, None)
            # Each stream from its own newest event up to where the head window began.
            await self._read(logs, c, max(c.sealed_ms, band_start), first_start - 1, wall,
                             "stream", streams=names)
            for name in names:
                mark = c.streams.get(name)
                if mark is not None:
                    mark.checked_ms = wall

    async def _advance_head(self, logs: Any, c: GroupCursor, wall: int, budget: int,
                            first_start: int, cover_cutoff: int | None) -> None:
        """Read forward from the head to now, a window of about a page at a time."""
        target = wall + FUTURE_SKEW_MS
        read_total, calls_before = 0, self.stats.api_calls
        c.caught_up = False
        start: int | None = first_start
        while read_total < budget and self.stats.api_calls - calls_before < HEAD_CALLS_PER_POLL:
            history = c.next_ms + c.span_ms <= wall - self.overlap_ms
            if history:  # already older than the overlap: read once, seal at once
                start, end = c.next_ms, c.next_ms + c.span_ms - 1
            else:  # the first window of a poll re-reads a little below the newest event
                start = c.next_ms if start is None else start
                span = c.recent_span(self.page_limit, c.span_ms)
                end = min(target, max(start, c.next_ms) + span - 1)
                if target - end <= FUTURE_SKEW_MS + span // 4:
                    end = target  # the rest is a sliver (a second of future): same request
            if end < start:
                c.caught_up = True
                return
            # Following windows are a second or two wide: page through them. Only a
            # history window may be wide enough to be worth cutting.
            sealing = history and start <= c.sealed_ms
            cutoff = self._cutoff() if sealing and self.clock.calibrated else NEVER
            end, read = await self._read(logs, c, start, end, wall, "head",
                                         min_end=max(start, c.next_ms) if history else end,
                                         cutoff=cutoff if sealing else cover_cutoff,
                                         capture_below=NEVER if sealing else c.covered_below)
            read_total += read
            # Density over the part of the window that can hold events (not the future).
            c.span_ms = next_span(c.span_ms, max(1, min(end, wall) - start + 1), read,
                                  self.page_limit)
            c.next_ms = max(c.next_ms, end + 1)
            if sealing:
                c.seal(end + 1, cutoff)
            start = None
            if end >= target:
                c.caught_up = True
                return

    async def _sweep(self, logs: Any, c: GroupCursor, wall: int, budget: int) -> None:
        """Re-read, once, what has become `overlap_ms` old, then seal it."""
        seal_to = min(wall - self.overlap_ms, c.next_ms)
        if seal_to <= c.sealed_ms:
            return
        if c.covered_cutoff is not None:  # this poll's head read it all: no second read
            c.seal(min(seal_to, c.covered_below), c.covered_cutoff)
            return
        known = c.seen.count_between(c.sealed_ms, seal_to - 1)
        if seal_to - c.sealed_ms < self.sweep_interval_ms and known < self.page_limit // 2:
            return
        if (not known and seal_to - c.sealed_ms < EMPTY_SWEEP_INTERVALS * self.sweep_interval_ms
                and not self._spare()):
            return  # held nothing when the head read it: may wait for a spare read
        read_total = 0
        while c.sealed_ms < seal_to and read_total < budget:
            start = c.sealed_ms
            end = c.seen.end_for(start, seal_to - 1, self.page_limit * 4 // 5)
            cutoff = self._cutoff()
            end, read = await self._read(logs, c, start, end, wall, "sweep", cutoff=cutoff)
            read_total += read
            c.seal(end + 1, cutoff)

    def _spare(self) -> bool:
        """Whether a read that can wait may be sent now (see `probes.log_pace`)."""
        return self.spare_reads is None or self.spare_reads.allows(self.stats.api_calls)

    def _cutoff(self) -> int:  # a read starting now sees what was ingested up to this
        return self.clock.now() - late.SEARCH_LAG_MS

    def _request(self, c: GroupCursor, start: int, end: int,
                 streams: Sequence[str] | None = None) -> dict[str, Any] | None:
        """None when every stream the follower was given is missing from the group."""
        if not streams and self.stream_names and c.missing_streams:
            streams = [n for n in self.stream_names if n not in c.missing_streams]
            if not streams:
                return None
        return window.filter_request(c.group, start, end, self.page_limit, self.filter_pattern,
                              streams or self.stream_names)

    async def _read(self, logs: Any, c: GroupCursor, start: int, end: int, wall: int,
                    kind: str, streams: Sequence[str] | None = None,
                    min_end: int | None = None, cutoff: int | None = None,
                    capture_below: int = NEVER) -> tuple[int, int]:
        """Record the events of [start, end] not seen before (`probes.log_read`): the end
        actually read (a full first page cuts the window, never below `min_end`) and the
        number of events read."""
        request = self._request(c, start, end, streams)
        read = new = 0
        if request is not None:
            end, read, new = await read_window(
                logs, c, request, wall, self._pending, self.clock.observe, self.stats,
                page_limit=self.page_limit, min_end=start if min_end is None else min_end,
                cutoff=cutoff, capture_below=capture_below)
        self.stats.count_read(kind, new, read)
        return end, read

    # ---------------------------------------------------------------- output
    def _release(self) -> list[LogEvent]:
        """Hand out the pending events every healthy group has read past, oldest first."""
        marks = [c.next_ms for c in self.cursors if c.error is None]
        ready, self._pending, self._emitted_ms = window.release(
            self._pending, marks, 4 * self.events_per_poll, self._emitted_ms, self.stats)
        return ready


def __getattr__(name: str) -> Any:
    """`LogBatch` and `LogsProbe` live in `probes.logs_probe`; imported from here they still
    work (loaded on first use: that module imports this one)."""
    if name in ("LogBatch", "LogsProbe"):
        from probes import logs_probe

        return getattr(logs_probe, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
