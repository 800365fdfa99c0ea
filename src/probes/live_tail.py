"""Follow log groups by Live Tail where the account allows it, else by FilterLogEvents polling,
handing every event out exactly once across the switches.

`LiveTailFollower` has the interface of `probes.logs.LogFollower` (`poll()` returns the events
not returned before), and `mode` says which way it reads now: ``live tail`` or ``polling``
(`why_polling` gives AWS's reason). It polls with a `LogFollower` until a session starts:

* **polling → live**: the session is opened in the background while polling goes on. Live
  Tail sends what is ingested after the session started (at AWS time S), so polling goes on
  (*handover*) until a poll that began `SEARCH_LAG_MS` after S has read its windows: whatever
  was ingested before S is read by polling, the rest comes live. Events ingested long before
  S in a live update (moto's snapshot) are dropped: polling owns them.
* **live → polling** (AccessDenied, no live tail at the endpoint, LimitExceeded, the 3-hour
  SessionTimeoutException, SessionStreamingException, a closed stream): a new `LogFollower`
  re-reads by FilterLogEvents from the last live update less `overlap_ms`, so there is no gap.

Live events carry no eventId, so the two sources are de-duplicated by content (group, stream,
timestamp, message) with counts (`EmittedLedger`): an event one source handed out in the last
`overlap_ms` (+ margin) is not handed out again by the other; identical lines keep their
number. An update with `sessionMetadata.sampled` (over 500 events in a second) is shown as
possible loss (`loss_risk`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from probes.aio import cancel_and_wait
from probes.context import AwsContext
from probes.live_ledger import EmittedLedger
from probes.live_session import LiveEnd, LiveSession, end_for
from probes.log_clock import AwsClock
from probes.log_event import LogEvent
from probes.log_rescan import SEARCH_LAG_MS
from probes.logs import DEFAULT_OVERLAP_MS, LogFollower, now_ms

MAX_LIVE_GROUPS = 10  # StartLiveTail's limit on logGroupIdentifiers
INGESTED_BEFORE_MS = 5_000  # a live event ingested this long before the session is polling's
LEDGER_MARGIN_MS = 30_000
SAMPLED_SHOWN_MS = 60_000  # a sampled update is shown as possible loss for this long
LONG_SESSION_MS = 600_000  # a session live this long resets the retry backoff
MAX_RETRY_MS = 1_800_000


class LiveTailFollower:
    """A `LogFollower` that reads by Live Tail whenever it can (see the module's docstring)."""

    def __init__(self, ctx: AwsContext, groups: Sequence[str], *, start_ms: int,
                 filter_pattern: str | None = None, stream_names: Sequence[str] | None = None,
                 overlap_ms: int = DEFAULT_OVERLAP_MS, clock=now_ms, live: bool = True,
                 **follower_options: Any) -> None:
        self.ctx = ctx
        self.filter_pattern = filter_pattern or None
        self.stream_names = list(stream_names) if stream_names else None
        self.overlap_ms = overlap_ms
        self._clock = clock
        given: LogFollower | None = follower_options.pop("poller", None)
        self._options = dict(follower_options, filter_pattern=self.filter_pattern,
                             stream_names=self.stream_names, overlap_ms=overlap_ms, clock=clock)
        self.poller = given or LogFollower(ctx, groups, start_ms=start_ms, **self._options)
        self._source = 1  # the ledger's number for the current poller (sessions: negative)
        self._group_set = frozenset(self.poller.groups)
        self.live_clock = AwsClock(clock)
        self.ledger = EmittedLedger(overlap_ms + LEDGER_MARGIN_MS)
        self.session: LiveSession | None = None
        self._task: asyncio.Task[None] | None = None
        self.state = "polling"  # polling | starting | handover | live
        self.live = live
        self.why_polling = self._refusal(self.poller.groups, self.stream_names, live)
        self.retry_at: int | None = None if self.why_polling else 0  # local ms; None: never
        self._handover_from: int | None = None
        self._emitted_ms = start_ms - 1
        self._sampled_at: int | None = None
        self._last_live_at: int | None = None  # local ms of the newest live update drained
        self._floor_cap: int | None = None  # after a switch: keep the ledger until re-read
        self._live_since: int | None = None  # local ms the current live stretch began
        self._short_sessions = 0  # sessions in a row that ended within LONG_SESSION_MS
        self.switches = 0
        self.sampled_updates = 0

    @classmethod
    def around(cls, poller: LogFollower, *, live: bool = True) -> LiveTailFollower:
        """Live tail for what `poller` follows, with its options (it polls until a session
        starts, and its like re-reads after one ends)."""
        options = {name: getattr(poller, name) for name in (
            "sweep_interval_ms", "head_overlap_ms", "head_overlap_events", "page_limit",
            "events_per_poll", "max_unsealed_ids", "follow_streams", "spare_reads")}
        return cls(poller.ctx, poller.groups, start_ms=poller.start_ms,
                   filter_pattern=poller.filter_pattern, stream_names=poller.stream_names,
                   overlap_ms=poller.overlap_ms, clock=poller._clock, live=live,
                   poller=poller, **options)

    # ------------------------------------------------------------ what the views show
    @property
    def mode(self) -> str:
        return "live tail" if self.state == "live" else "polling"

    def mode_text(self, interval_s: float) -> str:
        """``live tail``, or ``polling every 2s`` with AWS's reason when it gave one."""
        if self.state == "live":
            return "live tail"
        text = f"polling every {interval_s:g}s"
        if self.state in ("starting", "handover"):
            return text + " (live tail starting)"
        return text + (f" (live tail: {self.why_polling})" if self.why_polling else "")

    @property
    def loss_risk(self) -> str:
        if self._sampled_at is not None and self._clock() - self._sampled_at < SAMPLED_SHOWN_MS:
            return ("live tail sampled: more than 500 events a second matched and AWS sent "
                    "500 (sessionMetadata.sampled)")
        return "" if self.state == "live" else self.poller.loss_risk

    @property
    def behind(self) -> bool:
        return self.state != "live" and self.poller.behind

    @property
    def group_errors(self) -> dict[str, Exception]:
        return {} if self.state == "live" else self.poller.group_errors

    @property
    def groups(self) -> list[str]:
        return self.poller.groups

    @property
    def cursors(self) -> list[Any]:
        return self.poller.cursors

    @cursors.setter
    def cursors(self, value: list[Any]) -> None:
        """New groups (rediscovery after a stack update): the session names the old ones, so
        it ends; polling takes over (after live tail, re-reading the overlap of the groups
        kept) and a session for the new groups is asked for at the next poll."""
        if self._task is not None:
            self._task.cancel()
        session, self.session, self._task = self.session, None, None
        now = self._clock()
        if self.state == "live" and session is not None:
            resume = (session.last_update_ms or self.live_clock.now()) - self.overlap_ms
            fresh = {c.group: c for c in LogFollower(
                self.ctx, [c.group for c in value], start_ms=resume, **self._options).cursors}
            known = {c.group for c in self.poller.cursors}
            value = [fresh[c.group] if c.group in known else c for c in value]
            self._source += 1
            self._floor_cap = min(now, self._last_live_at or now) - self.ledger.keep_ms
        self.poller.cursors = value
        self._group_set = frozenset(self.poller.groups)
        self.state = "polling"
        self.why_polling = self._refusal(self.poller.groups, self.stream_names, self.live)
        self.retry_at = None if self.why_polling else now

    def __getattr__(self, name: str) -> Any:  # the rest of LogFollower's interface
        if name == "poller":
            raise AttributeError(name)
        return getattr(self.poller, name)

    # ------------------------------------------------------------ reading
    async def poll(self) -> list[LogEvent]:
        now = self._clock()
        out: list[LogEvent] = []
        self._check_session(now, out)
        if self.state == "polling" and self.retry_at is not None and now >= self.retry_at \
                and not self.poller.behind:
            await self._open_session()
        if self.state != "live":
            began = self.poller.clock.now()
            events = await self.poller.poll()
            if self.retry_at is None and self.session is None and not len(self.ledger):
                out.extend(events)  # no live tail to de-duplicate against: no ledger
            else:
                out.extend(e for e in events if self.ledger.admit(self._source, e, now))
            if not self.poller.behind:
                self._floor_cap = None  # the re-read after a switch is done
                if self.state == "handover" and began >= (self._handover_from or 0):
                    self.state = "live"
                    self._live_since = now
                    self.switches += 1
        if self.session is not None:
            self._take_live(now, out)
        self.ledger.prune(self._ledger_floor(now))
        return self._order(out)

    def _take_live(self, now: int, out: list[LogEvent]) -> None:
        session = self.session
        assert session is not None
        if session.started and self.state == "starting":
            self.state = "handover"
            self._handover_from = session.start_ms + SEARCH_LAG_MS
        floor = (session.start_ms or 0) - INGESTED_BEFORE_MS
        ours = self._group_set
        for update in session.drain():
            self._last_live_at = now
            # Sampled: over 500 events matched in that second and the rest were not sent:
            # lost, unless polling reads them (during the handover, or the re-read after).
            if update.sampled and self.state == "live":
                self._sampled_at = now
                self.sampled_updates += 1
            for event in update.events:
                if (event.ingestion_time >= floor and event.group in ours
                        and self.ledger.admit(-session.number, event, now)):
                    out.append(event)

    def _check_session(self, now: int, out: list[LogEvent]) -> None:
        """A session that ended: what it sent last to `out`, then back to polling,
        re-reading from its last update."""
        session = self.session
        if session is None or session.ended is None:
            return
        end: LiveEnd = session.ended
        self._take_live(now, out)
        self.session = None
        self._task = None
        if self.state == "live":  # re-read the overlap by FilterLogEvents: no gap
            resume = (session.last_update_ms or self.live_clock.now()) - self.overlap_ms
            self.poller = LogFollower(self.ctx, self.poller.groups, start_ms=resume,
                                      **self._options)
            self._source += 1
            self._floor_cap = min(now, self._last_live_at or now) - self.ledger.keep_ms
            if self._sampled_at is not None and self._sampled_at >= (
                    (self._last_live_at or now) - self.overlap_ms):
                self._sampled_at = None  # the re-read covers the sampled seconds
            self.switches += 1
        # Sessions that keep ending soon (an emulator's snapshot, a flaky path) are asked for
        # less and less often: each costs a request and a session-minute.
        lasted = now - self._live_since if self._live_since is not None else 0
        self._short_sessions = 0 if lasted >= LONG_SESSION_MS else self._short_sessions + 1
        self._live_since = None
        self.state = "polling"
        self.why_polling = f"{end.code}: {end.reason}" if end.reason else end.code
        if end.retry_after_ms is None:
            self.retry_at = None
        else:
            backoff = end.retry_after_ms * 2 ** min(max(0, self._short_sessions - 1), 8)
            self.retry_at = now + min(backoff, max(end.retry_after_ms, MAX_RETRY_MS))

    async def _open_session(self) -> None:
        try:
            logs = await self.ctx.client("logs")
            request = await self._request(logs)
        except Exception as exc:  # noqa: BLE001 - cannot name the groups: say why, poll on
            end = end_for(exc, False)
            self.why_polling = f"{end.code}: {end.reason}"
            self.retry_at = (None if end.retry_after_ms is None
                             else self._clock() + end.retry_after_ms)
            return
        self.session = LiveSession(logs, request, self.live_clock)
        self.state = "starting"
        self._task = asyncio.create_task(self.session.run(), name="live-tail")

    async def _request(self, logs: Any) -> dict[str, Any]:
        """StartLiveTail names groups by ARN (without `:*`): read them once."""
        arns = []
        for group in self.poller.groups:
            page = await logs.describe_log_groups(logGroupNamePrefix=group, limit=50)
            found = [g for g in page.get("logGroups", ()) if g.get("logGroupName") == group]
            if not found:
                raise LookupError(f"log group {group} not found")
            arn = found[0].get("logGroupArn") or found[0]["arn"].removesuffix(":*")
            arns.append(arn)
        request: dict[str, Any] = {"logGroupIdentifiers": arns}
        if self.stream_names:
            request["logStreamNames"] = self.stream_names
        if self.filter_pattern:
            request["logEventFilterPattern"] = self.filter_pattern
        return request

    def _ledger_floor(self, now: int) -> int:
        """Forget what was handed out `keep_ms` ago; while live, counted from the newest
        update (a stalled session's events are re-read from there after the switch)."""
        floor = now - self.ledger.keep_ms
        if self.state == "live" and self._last_live_at is not None:
            floor = min(floor, self._last_live_at - self.ledger.keep_ms)
        if self._floor_cap is not None:
            floor = min(floor, self._floor_cap)
        return floor

    def _order(self, out: list[LogEvent]) -> list[LogEvent]:
        if not out:
            return out
        out.sort(key=lambda e: e.timestamp)
        newest = self._emitted_ms
        out = [replace(e, late=True) if not e.late and e.timestamp < newest else e
               for e in out]
        self._emitted_ms = max(newest, out[-1].timestamp)
        return out

    @staticmethod
    def _refusal(groups: Sequence[str], streams: Sequence[str] | None, live: bool) -> str:
        if not live:
            return "off"
        if len(groups) > MAX_LIVE_GROUPS:
            return f"more than {MAX_LIVE_GROUPS} log groups"
        if streams and len(groups) > 1:
            return "stream names with several log groups"
        return ""

    async def close(self) -> None:
        """End the session (it is billed per minute while open)."""
        task, self._task = self._task, None
        await cancel_and_wait(task)
        self.session = None


__all__ = ["LiveTailFollower"]
