"""The core of `incident-console tail`: follow a `TailTarget` and write each event once.

Kept apart from the command module (which only parses flags) so that tests and the benchmark
can run it in-process. Output is sanitised whatever stdout is (a terminal, a pipe, a file):
control characters never reach it raw, and `--json` is ASCII-only JSON.
"""

from __future__ import annotations

import asyncio
import gc
import io
import os
import select
import stat
import sys
import time
from collections import deque
from dataclasses import dataclass
from typing import TextIO

from console.sanitize import clean
from console.tail.filters import ContextSelector, LineFilter
from console.tail.format import TTY_LINE_LIMIT, group_labels, json_line, plain_line
from console.tail.progress import HistoryProgress
from probes.context import AwsContext
from probes.errors import EnvironmentUnusable, ErrorKind, classify
from probes.live_tail import LiveTailFollower
from probes.log_event import LogEvent
from probes.log_floor import MAX_EVENT_AGE_MS, history_floor_ms
from probes.log_pace import SpareReads
from probes.log_sources import TailTarget
from probes.logs import DEFAULT_OVERLAP_MS, LogFollower
from probes.scheduler import backoff_delay

DEFAULT_INTERVAL_S = 1.0
# Full pages (FilterLogEvents' most): in a burst, half the requests of 5,000-event pages.
TAIL_PAGE_LIMIT = 10_000
# While following, FilterLogEvents keep to this share of the request budget's rate (1.5/s of
# 2/s in most regions, less after a throttle), over the last `PACE_POLLS` polls: when polls
# need more requests than that allows (in a burst, the sweep's pages and lagging streams
# beside the head's), every interval stretches a little, evenly (one long wait after each
# costly poll delayed the events that arrived during it: median 1.25 s against 0.8 s).
FOLLOW_SHARE, PACE_POLLS = 0.75, 8
# The reads that can wait (lagging streams not seen to flush, the sweep of an empty span, the
# late re-read) are sent while all the follower's requests keep under this share
# (`probes.log_pace`): in a burst they fit beside the head's one request a poll, and the
# interval need not stretch for them.
SPARE_SHARE = 0.7
MAX_BACKOFF_S = 60.0
FATAL_KINDS = (ErrorKind.CREDENTIALS, ErrorKind.NOT_FOUND, ErrorKind.ACCESS_DENIED)


@dataclass(frozen=True)
class TailOptions:
    since_ms: int
    follow: bool = False
    filter_pattern: str | None = None  # CloudWatch's, server side
    as_json: bool = False
    grep: str = ""  # ours, client side: substring or /regex/
    invert: bool = False
    context: int = 0
    interval_s: float = DEFAULT_INTERVAL_S
    overlap_ms: int = DEFAULT_OVERLAP_MS
    live_tail: bool = True  # with follow: StartLiveTail where the account allows it


class TailWriter:
    """Formats batches of events and writes each batch with one write and one flush."""

    def __init__(self, out: TextIO, target: TailTarget, options: TailOptions) -> None:
        self.out = out
        self.as_json = options.as_json
        labels = group_labels(target.groups)
        self.labels = labels if len(target.groups) > 1 else {}
        self.limit = TTY_LINE_LIMIT if _is_tty(out) else None
        flt = LineFilter(options.grep, invert=options.invert)
        self.selector: ContextSelector[LogEvent] | None = ContextSelector(
            lambda e: flt.wanted(e.message), options.context) if flt.active else None
        self.written = 0

    def write(self, events: list[LogEvent]) -> None:
        if not events:
            return
        rows = self.selector.feed(events) if self.selector else [(e, False) for e in events]
        lines = [self._line(event) for event, _ in rows]
        if lines:
            self.out.write("\n".join(lines) + "\n")
            self.out.flush()
            self.written += sum(1 for event, _ in rows if event is not None)

    def _line(self, event: LogEvent | None) -> str:
        if event is None:
            return "--"
        if self.as_json:
            return json_line(event)
        return plain_line(event, self.labels.get(event.group), limit=self.limit)


def reader_gone(out: TextIO) -> bool:
    """Whether `out` is a pipe whose reader has left (`tail --follow | head`): like GNU
    tail, notice it while waiting, not only at the next write (which may never come)."""
    try:
        fd = out.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return False
        poller = select.poll()
        poller.register(fd, 0)
        return any(ev & (select.POLLERR | select.POLLHUP) for _, ev in poller.poll(0))
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        return False


def _is_tty(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


async def run_tail(ctx: AwsContext, target: TailTarget, options: TailOptions, *,
                   out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Read from `options.since_ms`; without `follow` stop once caught up (exit 0), with it
    go on until cancelled. A failure that retrying cannot fix ends in `EnvironmentUnusable`;
    others are reported on `err` and retried with backoff."""
    out = out or sys.stdout
    err = err or sys.stderr
    since_ms = options.since_ms
    if since_ms < time.time() * 1000 - MAX_EVENT_AGE_MS:
        # `--since 1970-01-01`: nothing is older than the groups' creation less 14 days.
        floor = await history_floor_ms(ctx, target.groups)
        since_ms = max(since_ms, floor) if floor is not None else since_ms
    bucket = ctx.budget.bucket("FilterLogEvents", ctx.region_for("logs"))
    spare = SpareReads(lambda: bucket.rate * SPARE_SHARE,
                       clock=lambda: int(time.monotonic() * 1000))
    follower = LogFollower(ctx, target.groups, start_ms=since_ms,
                           filter_pattern=options.filter_pattern,
                           stream_names=target.stream_names or None,
                           overlap_ms=options.overlap_ms, page_limit=TAIL_PAGE_LIMIT,
                           spare_reads=spare if options.follow else None)
    if options.follow:  # live tail where the account allows it; says why not on stderr
        follower = LiveTailFollower.around(follower, live=options.live_tail)
    writer = TailWriter(out, target, options)
    progress = HistoryProgress(err, follower, bucket.rate)
    failures = 0
    reported: set[str] = set()
    frozen = False
    started, calls = time.monotonic(), follower.stats.api_calls  # since the last wait
    recent: deque[int] = deque(maxlen=PACE_POLLS)  # requests of the last polls
    while True:
        try:
            events = await follower.poll()
        except Exception as exc:  # every failure is classified (below)
            error = classify(exc, action="logs:FilterLogEvents",
                             profile=ctx.settings.profile, endpoint=ctx.settings.endpoint_url)
            if not options.follow or error.kind in FATAL_KINDS or not error.retryable:
                raise EnvironmentUnusable(error) from exc
            failures += 1
            delay = backoff_delay(options.interval_s, failures, MAX_BACKOFF_S)
            err.write(f"incident-console tail: {clean(error.summary(), limit=300)} "
                      f"(retrying in {delay:.0f}s)\n")
            err.flush()
            await asyncio.sleep(delay)
            continue
        failures = 0
        _report_reading(follower, options, err, reported)
        _report_group_errors(follower, ctx, err, reported)
        _report_loss_risk(follower, err, reported)
        writer.write(events)
        progress.update()
        if not frozen:
            # Everything alive now (clients, models, imports) lives as long as the process:
            # keep it out of the collector's full passes (they stalled the loop ~100 ms).
            gc.collect()
            gc.freeze()
            frozen = True
        if follower.behind:
            await asyncio.sleep(0)
            continue
        progress.done()
        if not options.follow:
            return 0
        if reader_gone(out):
            raise BrokenPipeError("the reader of stdout has gone")
        recent.append(follower.stats.api_calls - calls)
        interval = poll_interval(options, sum(recent) / len(recent), bucket.rate)
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
        started, calls = time.monotonic(), follower.stats.api_calls


def poll_interval(options: TailOptions, requests: float, rate_per_s: float) -> float:
    """Seconds from the start of a follow poll (with the catching-up polls right after it)
    to the start of the next, when polls send `requests` FilterLogEvents each (on average):
    `interval_s`, or longer when that would go over `FOLLOW_SHARE` of the budget's rate."""
    return max(options.interval_s, requests / (rate_per_s * FOLLOW_SHARE))


def _report_loss_risk(follower: LogFollower, err: TextIO, reported: set[str]) -> None:
    """Once, and again only after it cleared: the engine's evidence that an event may have
    been missed (events arriving later than the overlap window), on stderr so the output
    stays clean."""
    risk = follower.loss_risk
    if not risk:
        reported.discard("loss")
    elif "loss" not in reported:
        reported.add("loss")
        err.write(f"incident-console tail: loss possible: {clean(risk, limit=300)} "
                  "(a longer --overlap or logs_overlap_s keeps later events)\n")
        err.flush()


def _report_group_errors(follower: LogFollower, ctx: AwsContext, err: TextIO,
                         reported: set[str]) -> None:
    """One line per group that fails while others work (the others go on)."""
    for group, exc in follower.group_errors.items():
        error = classify(exc, action="logs:FilterLogEvents", profile=ctx.settings.profile,
                         endpoint=ctx.settings.endpoint_url)
        line = f"{group}: {error.summary()}"
        if line not in reported:
            reported.add(line)
            err.write(f"incident-console tail: {clean(line, limit=400)}\n")
            err.flush()


def _report_reading(follower: LogFollower | LiveTailFollower, options: TailOptions,
                    err: TextIO, reported: set[str]) -> None:
    """With --follow, how events are read, each time it changes: ``live tail`` or ``polling
    every 1s`` (with AWS's reason when live tail is refused or ended)."""
    if not isinstance(follower, LiveTailFollower) or follower.state in ("starting", "handover"):
        return
    line = follower.mode_text(options.interval_s)
    if f"reading:{line}" in reported:
        return
    reported.difference_update({r for r in reported if r.startswith("reading:")})
    reported.add(f"reading:{line}")
    err.write(f"incident-console tail: {clean(line, limit=300)}\n")
    err.flush()
