"""The changes timeline: one time-ordered list of what changed in the deployment.

It merges what AWS recorded (stack events, ECS deployments and service events, stopped tasks
with their reasons, task-definition revisions, alarm state history) with what the console saw
itself (alarm and target transitions between two polls, the log tail's error rate, its own
actions). `ChangeTimeline.refresh(since)` reads the AWS sources concurrently; a source that
fails (access denied, throttled...) is reported by name and action, the others still count.
Entries are kept (deduplicated, bounded) between refreshes, so a long-running console reads
stack events incrementally and `entries_between(start, end)` answers from memory: that is the
function the Metrics & Changes screen calls.

`before_break()` answers "what changed before this broke": the changes in the 30 minutes
before the first bad moment, most suspicious first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from probes import change_convert as convert
from probes import change_sources as sources
from probes.change_entry import KINDS, ChangeEntry
from probes.change_log_errors import read_log_errors
from probes.change_signals import read_target_health
from probes.changes import changes_between
from probes.context import AwsContext
from probes.deployment import Deployment
from probes.ecs import EcsProbe
from probes.errors import ProbeError, classify
from probes.result import ProbeResult, utcnow

SOURCES = ("stack", "ecs", "task-definitions", "alarm-history", "target-health", "log-errors")
BEFORE_BREAK = timedelta(minutes=30)
MAX_ENTRIES = 20_000
# The IAM action each source needs first: named when a failure carries no action of its own.
SOURCE_ACTIONS = {"stack": "cloudformation:DescribeStackEvents",
                  "ecs": "ecs:DescribeServices",
                  "task-definitions": "ecs:ListTaskDefinitions",
                  "alarm-history": "cloudwatch:DescribeAlarmHistory",
                  "target-health": "cloudwatch:GetMetricData",
                  "log-errors": "logs:FilterLogEvents"}


@dataclass(frozen=True)
class SourceFailure:
    source: str  # one of SOURCES
    error: ProbeError


@dataclass(frozen=True)
class ChangesResult:
    since: datetime
    until: datetime
    entries: tuple[ChangeEntry, ...]  # oldest first
    failures: tuple[SourceFailure, ...] = ()
    truncated: tuple[str, ...] = ()  # sources that stopped at their page limit
    notes: tuple[tuple[str, str], ...] = ()  # (source, why it is partial or was not read)

    @property
    def complete(self) -> bool:
        return not self.failures and not self.truncated


def _key(entry: ChangeEntry) -> tuple[Any, ...]:
    return (entry.at, entry.kind, entry.resource, entry.summary)


def _order(entry: ChangeEntry) -> tuple[Any, ...]:
    return (entry.at, KINDS.index(entry.kind) if entry.kind in KINDS else len(KINDS),
            entry.resource, entry.summary)


@dataclass
class ChangeTimeline:
    """What changed, for one deployment; keeps what it learned between refreshes."""

    ctx: AwsContext
    deployment: Deployment
    clock: Callable[[], datetime] = utcnow
    max_entries: int = MAX_ENTRIES
    # The one-shot `changes` command was not watching: it also reads target health from
    # CloudWatch's host counts and the log error rate from the logs (`read_signals`).
    read_signals: bool = False
    metric_overrides: dict[str, Any] | None = None
    _notes: dict[str, str] = field(default_factory=dict)
    _entries: dict[tuple[Any, ...], ChangeEntry] = field(default_factory=dict)
    _stack_ids: set[str] = field(default_factory=set)
    _stack_read_back_to: datetime | None = None
    _previous: dict[str, Any] = field(default_factory=dict)

    # -- AWS's records ----------------------------------------------------------------------
    async def refresh(self, since: datetime, until: datetime | None = None) -> ChangesResult:
        """Read every AWS source for [since, until] (until: now), merge, and return the
        timeline for that range with the sources that failed."""
        until = until or self.clock()
        readers: dict[str, Callable[[], Awaitable[tuple[list[ChangeEntry], bool]]]] = {
            "stack": lambda: self._read_stack(since),
            "ecs": lambda: self._read_ecs(since),
            "task-definitions": lambda: self._read_task_definitions(since),
            "alarm-history": lambda: self._read_alarm_history(since, until),
        }
        if self.read_signals:
            readers["target-health"] = lambda: self._read_target_health(since, until)
            readers["log-errors"] = lambda: self._read_log_errors(since, until)
        self._notes.clear()
        answers = await asyncio.gather(*(self._guarded(name, read)
                                         for name, read in readers.items()))
        failures, truncated = [], []
        for name, (entries, complete, error) in zip(readers, answers, strict=True):
            if error is not None:
                failures.append(SourceFailure(name, error))
            elif not complete:
                truncated.append(name)
            self.add(entries)
        return ChangesResult(since, until, self.entries_between(since, until), tuple(failures),
                             tuple(truncated), tuple(self._notes.items()))

    async def _guarded(self, name: str, read) -> tuple[list[ChangeEntry], bool,
                                                        ProbeError | None]:
        try:
            entries, complete = await read()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - classified, reported by source
            return [], False, classify(exc, action=SOURCE_ACTIONS[name],
                                       profile=self.ctx.settings.profile,
                                       endpoint=self.ctx.settings.endpoint_url)
        return entries, complete, None

    async def _read_stack(self, since: datetime) -> tuple[list[ChangeEntry], bool]:
        incremental = self._stack_read_back_to is not None and since >= self._stack_read_back_to
        cfn = await self.ctx.client("cloudformation")
        events, complete = await sources.read_stack_events(
            cfn, self.deployment.stack, since, self._stack_ids if incremental else ())
        if len(self._stack_ids) > MAX_ENTRIES:  # read back in full once, then incrementally
            self._stack_ids.clear()
            self._stack_read_back_to = None
        self._stack_ids.update(e.event_id for e in events)
        if complete and (self._stack_read_back_to is None or since < self._stack_read_back_to):
            self._stack_read_back_to = since
        return [sources.stack_entry(e, self.deployment.stack) for e in events], complete

    async def _read_ecs(self, since: datetime) -> tuple[list[ChangeEntry], bool]:
        snapshot = await EcsProbe(self.ctx, self.deployment.cluster,
                                  self.deployment.service).collect()
        return convert.service_entries(snapshot, since), True

    async def _read_task_definitions(self, since: datetime) -> tuple[list[ChangeEntry], bool]:
        if not self.deployment.task_definition:
            return [], True
        ecs = await self.ctx.client("ecs")
        family = sources.family_of(self.deployment.task_definition)
        return await sources.read_task_definitions(ecs, family, since), True

    async def _read_alarm_history(self, since: datetime,
                                  until: datetime) -> tuple[list[ChangeEntry], bool]:
        cloudwatch = await self.ctx.client("cloudwatch")
        wanted = sources.alarm_filter(self.deployment.alarm_names, self.deployment.alarm_prefix)
        return await sources.read_alarm_history(cloudwatch, since, until, wanted)

    async def _read_target_health(self, since: datetime,
                                  until: datetime) -> tuple[list[ChangeEntry], bool]:
        entries, note = await read_target_health(self.ctx, self.deployment,
                                                 self.metric_overrides, since, until)
        if note:
            self._notes["target-health"] = note
        return entries, True

    async def _read_log_errors(self, since: datetime,
                               until: datetime) -> tuple[list[ChangeEntry], bool]:
        entries, complete, note = await read_log_errors(self.ctx, self.deployment.log_groups,
                                                        since, until)
        if note:
            self._notes["log-errors"] = note
        return entries, complete

    # -- what the console sees itself -------------------------------------------------------
    def observe(self, result: ProbeResult[Any]) -> list[ChangeEntry]:
        """Feed every probe result: alarm and target transitions between two polls, and the
        log tail's error rate, become entries at the poll's time. Returns what was added."""
        if not result.ok or result.data is None:
            return []
        previous = self._previous.get(result.probe)
        self._previous[result.probe] = result.data
        added: list[ChangeEntry] = []
        if result.probe == "logs":
            added = self._observe_log_errors(result.data.events, result.fetched_at)
        elif result.probe in ("alarms", "targets"):
            added = convert.observed_entries(
                changes_between(result.probe, previous, result.data), result.fetched_at)
        return self.add(added)

    def _observe_log_errors(self, events, now: datetime) -> list[ChangeEntry]:
        counts = self._previous.setdefault("log-error-counts", {})
        seen = self._previous.setdefault("log-event-ids", set())
        fresh = [e for e in events if e.event_id not in seen]
        seen.update(e.event_id for e in fresh)
        for at, n in convert.error_counts(fresh).items():
            counts[at] = counts.get(at, 0) + n
        horizon = now - 2 * convert.ERROR_BUCKET * 12  # two hours of buckets are enough
        for at in [a for a in counts if a < horizon]:
            del counts[at]
        if len(seen) > 100_000:
            seen.clear()
        resource = ", ".join(self.deployment.log_groups)
        return convert.error_rate_entries(counts, resource, now)

    def record_action(self, at: datetime, title: str, call: str, outcome: str) -> ChangeEntry:
        """The console's own action (what it called, how it ended) on the timeline."""
        entry = convert.action_entry(at, title, call, outcome)
        self.add([entry])
        return entry

    # -- the list -----------------------------------------------------------------------------
    def add(self, entries: Iterable[ChangeEntry]) -> list[ChangeEntry]:
        added = []
        for entry in entries:
            if entry.at.tzinfo is not UTC:  # botocore may give tzlocal(): keep one zone
                entry = replace(entry, at=entry.at.astimezone(UTC))
            key = _key(entry)
            if key not in self._entries:
                self._entries[key] = entry
                added.append(entry)
        if len(self._entries) > self.max_entries:
            keep = sorted(self._entries.values(), key=_order)[-self.max_entries:]
            self._entries = {_key(e): e for e in keep}
        return added

    def entries_between(self, start: datetime, end: datetime) -> tuple[ChangeEntry, ...]:
        """Every entry known with start <= at <= end, oldest first. An alarm transition the
        console observed is left out when DescribeAlarmHistory has the same one (AWS's time
        is the exact one; the console saw it at its next poll)."""
        found = [e for e in self._entries.values() if start <= e.at <= end]
        recorded = [e for e in found if e.kind == "alarm" and not _observed(e)]
        return tuple(sorted((e for e in found if not (
            e.kind == "alarm" and _observed(e) and any(_same_transition(h, e)
                                                        for h in recorded))), key=_order))


OBSERVED_LAG = timedelta(minutes=10)  # an observed transition is at most this late


def _observed(entry: ChangeEntry) -> bool:
    return dict(entry.detail).get("source") == "observed by the console"


def _same_transition(recorded: ChangeEntry, observed: ChangeEntry) -> bool:
    a, b = dict(recorded.detail), dict(observed.detail)
    return (recorded.resource == observed.resource and a.get("to") == b.get("to")
            and recorded.at <= observed.at <= recorded.at + OBSERVED_LAG)


def suspicion(entry: ChangeEntry) -> int:
    """Lower is more suspicious: the order of KINDS (a deployment first)."""
    return KINDS.index(entry.kind) if entry.kind in KINDS else len(KINDS)


def before_break(entries: Iterable[ChangeEntry], broke_at: datetime,
                 window: timedelta = BEFORE_BREAK) -> list[ChangeEntry]:
    """The changes in the `window` before `broke_at` (not the break itself), most suspicious
    first (a deployment or task definition, a stack update, a config change...), then the
    closest to the break first."""
    found = [e for e in entries if broke_at - window <= e.at < broke_at]
    return sorted(found, key=lambda e: (suspicion(e), broke_at - e.at, e.resource))


def first_bad_moment(firing: Iterable[tuple[str, datetime | None]] = (),
                     verdict_bad_since: datetime | None = None
                     ) -> tuple[datetime | None, str]:
    """When it broke, and on what evidence: the earliest of the moment the console saw the
    verdict turn bad and each firing alarm's transition into ALARM (AWS's timestamp)."""
    candidates = [(since, f"alarm {name} went to ALARM") for name, since in firing
                  if since is not None]
    if verdict_bad_since is not None:
        candidates.append((verdict_bad_since, "the verdict turned bad"))
    if not candidates:
        return None, ""
    return min(candidates, key=lambda c: c[0])
