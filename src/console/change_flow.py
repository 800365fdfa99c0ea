"""The app's changes timeline (issue 13): fed by every probe result, read from AWS on demand
(at most once a `REFRESH_S`), and the source of "what changed before this broke".

`entries_between(start, end)` is what the Metrics & Changes screen calls to mark changes on
its time axis (it answers from memory, never waits on AWS); `refresh()` brings AWS's records
up to date. The first bad moment is the earliest of when the console saw the verdict turn bad
and each firing alarm's transition into ALARM (AWS's timestamp).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from probes.alarms import AlarmsSnapshot
from probes.change_entry import ChangeEntry
from probes.change_signals import host_count_entries
from probes.change_timeline import (
    BEFORE_BREAK,
    ChangesResult,
    ChangeTimeline,
    before_break,
    first_bad_moment,
)
from probes.metric_series import MetricsSnapshot
from probes.metric_signals import target_group_dimension
from probes.result import ProbeResult, utcnow
from probes.verdict import Level, Verdict

log = logging.getLogger(__name__)
WINDOW = timedelta(hours=3)
REFRESH_S = 60.0
_BAD = (Level.DOWN, Level.DEGRADED)


class ChangeFlow:
    """What changed, for the running app; UI-free, so the screens and tests share it."""

    def __init__(self, ctx: Any, deployment: Any, clock: Callable[[], datetime] = utcnow):
        self.timeline = ChangeTimeline(ctx, deployment, clock=clock)
        self.clock = clock
        self.last: ChangesResult | None = None
        self._refreshed_at: datetime | None = None
        self.verdict_bad_since: datetime | None = None
        self.firing: dict[str, datetime | None] = {}
        self.metrics: MetricsSnapshot | None = None
        arns = getattr(deployment, "target_group_arns", ()) or ()
        self._target_group = target_group_dimension(arns[0]) if arns else "target group"

    # -- feeding ---------------------------------------------------------------------------
    def observe(self, result: ProbeResult[Any], verdict: Verdict | None = None) -> None:
        self.timeline.observe(result)
        if result.ok and isinstance(result.data, MetricsSnapshot):  # the metrics probe's
            self.metrics = result.data
            # CloudWatch's host counts hold target transitions from before the console started
            # (or while it was not polling): from the probe's answer, no request of our own.
            self.timeline.add(host_count_entries(result.data, self._target_group))
        if result.probe == "alarms" and result.ok and isinstance(result.data, AlarmsSnapshot):
            self.firing = {a.name: a.since for a in result.data.firing}
        if verdict is not None:
            if verdict.level in _BAD and self.verdict_bad_since is None:
                self.verdict_bad_since = result.fetched_at
            elif verdict.level is Level.OK:
                self.verdict_bad_since = None

    def record_action(self, title: str, call: str, outcome: str) -> ChangeEntry:
        return self.timeline.record_action(self.clock(), title, call, outcome)

    async def refresh(self, *, force: bool = False) -> ChangesResult:
        """AWS's records for the last WINDOW (cached for REFRESH_S unless `force`)."""
        now = self.clock()
        fresh = (self._refreshed_at is not None
                 and (now - self._refreshed_at).total_seconds() < REFRESH_S)
        if self.last is not None and fresh and not force:
            return self.last
        self.last = await self.timeline.refresh(now - WINDOW, now)
        self._refreshed_at = now
        return self.last

    async def snapshot_into(self, recorder: Any) -> None:
        """Opening an incident: the changes list (with what changed before it broke) and the
        latest metrics go into its timeline, as evidence for the report."""
        from console.incidents import evidence

        result = await self.refresh(force=True)
        broke_at, basis, suspects = self.before_break()
        failures = self.failure_lines()
        recorder.record_evidence("changes", evidence.changes_fields(
            result.entries, since=result.since, until=result.until, failures=failures,
            broke_at=broke_at, basis=basis, suspects=suspects))
        if self.metrics is not None:
            recorder.record_evidence("metrics", evidence.metrics_fields(self.metrics))

    # -- reading -----------------------------------------------------------------------------
    def entries_between(self, start: datetime, end: datetime) -> tuple[ChangeEntry, ...]:
        """For the Metrics & Changes screen: every change known in [start, end], oldest
        first, from memory."""
        return self.timeline.entries_between(start, end)

    def before_break(self) -> tuple[datetime | None, str, list[ChangeEntry]]:
        """(when it broke, on what evidence, the changes of the 30 min before: most
        suspicious first)."""
        broke_at, basis = first_bad_moment(self.firing.items(), self.verdict_bad_since)
        if broke_at is None:
            return None, "", []
        window = self.timeline.entries_between(broke_at - BEFORE_BREAK, broke_at)
        return broke_at, basis, before_break(window, broke_at)

    def failure_lines(self) -> list[str]:
        """The sources the last refresh could not read, one line each."""
        if self.last is None:
            return ["AWS's records not read yet"]
        return [f"{f.source}: {f.error.summary()}" for f in self.last.failures] + [
            f"{s}: stopped at the page limit" for s in self.last.truncated]
