"""`IncidentRecorder`: the one object the app, the actions and the runbooks record through.

It knows which incident this console is recording into (`current()`), writes every entry at
once (see `store`: one write and an fsync per entry), and reads timelines back for the
timeline view, `incident list` and `incident export`.

Record calls made while no incident is open write nothing and return None: an action run
outside an incident is not part of any timeline, and callers need not check first.
Incidents are per environment: opening one refuses while another of the same environment is
open (on disk, by this console or another), while the demo and production never share one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from console import clock
from console.config import data_dir
from console.incidents import store
from console.incidents.model import (
    Entry,
    Incident,
    IncidentAlreadyOpen,
    IncidentError,
    IncidentSummary,
    LoadedIncident,
    TimelineWriteError,
    UnknownIncident,
    check_severity,
    plain_title,
)
from console.incidents.scrub import scrub, scrub_text
from probes.changes import StateChange

log = logging.getLogger(__name__)
Listener = Callable[[Incident | None, Entry], None]
TITLE_LIMIT = 200


class IncidentRecorder:
    """Opens, records into, closes and reads incident timelines.

    `directory` defaults to ``data_dir()/incidents`` read at each call (so a test or a user
    setting INCIDENT_CONSOLE_DATA_DIR later is honoured); `environment` scopes "the open
    incident"; `context` (region, account, stack...) is written into each opening entry.
    """

    def __init__(self, directory: Path | None = None, *, environment: str | None = None,
                 context: Mapping[str, Any] | None = None,
                 now: Callable[[], datetime] = clock.now) -> None:
        self._directory = directory
        self.environment = environment
        self.context = dict(context or {})
        self._now = now
        self._current: Incident | None = None
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []

    @property
    def directory(self) -> Path:
        return self._directory if self._directory is not None else data_dir() / "incidents"

    # ---------------------------------------------------------------- listeners
    def add_listener(self, listener: Listener) -> None:
        """`listener(incident, entry)` after every entry written, on the writer's thread.
        `incident` is None after the closing entry."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    # ---------------------------------------------------------------- lifecycle
    def current(self) -> Incident | None:
        """The incident this console records into, or None."""
        return self._current

    def find_open(self) -> Incident | None:
        """The newest incident of this environment still open on disk, whoever opened it."""
        for path in reversed(store.timeline_files(self.directory)):
            try:
                opened, closed = store.peek(path)
            except OSError:
                continue
            if closed or opened is None:
                continue
            if self.environment is None or opened.get("environment") == self.environment:
                return Incident.from_entries(path.stem, path, [opened])
        return None

    def open(self, severity: str, title: str, who: str) -> Incident:
        """Open an incident and record into it. Refuses (`IncidentAlreadyOpen`) while one of
        this environment is open; the operator resumes or closes that one first."""
        severity = check_severity(severity)
        title = plain_title(" ".join(title.split()))[:TITLE_LIMIT]
        if not title:
            raise IncidentError("an incident needs a title (what is wrong, in a few words)")
        with self._lock:
            if self._current is not None:
                raise IncidentAlreadyOpen(self._current)
            try:
                with store.directory_lock(self.directory):
                    already = self.find_open()
                    if already is not None:
                        raise IncidentAlreadyOpen(already)
                    return self._create(severity, title, who)
            except OSError as exc:
                raise TimelineWriteError(f"cannot open an incident in {self.directory}: "
                                         f"{exc.strerror or exc}") from exc

    def _create(self, severity: str, title: str, who: str) -> Incident:
        """A new timeline whose first line is the `opened` entry (or no file at all)."""
        now = self._now()
        new_id, path = store.create_timeline(self.directory,
                                             store.incident_id(now, severity, title))
        self._current = Incident(new_id, severity, title, now, who, path,
                                 environment=self.environment)
        try:
            entry = self._append("opened", who, {
                "incident": new_id, "severity": severity, "title": title,
                "environment": self.environment, **self.context}, now=now)
        except TimelineWriteError:
            self._current = None
            path.unlink(missing_ok=True)
            raise
        self._current = replace(self._current, opened_at=entry.time,
                                title=str(entry.get("title", title)))
        self._notify(self._current, entry)
        return self._current

    def resume(self, incident_id: str, who: str) -> Incident:
        """Record into an incident that is open on disk (after a restart, or opened by
        another console), noting the gap during which no console was watching."""
        loaded = self.load(incident_id)
        if not loaded.incident.is_open:
            raise IncidentError(f"incident {incident_id} is closed; it cannot be resumed")
        with self._lock:
            if self._current is not None and self._current.id != incident_id:
                raise IncidentAlreadyOpen(self._current)
            previous, self._current = self._current, loaded.incident
            last = loaded.entries[-1].time if loaded.entries else None
            gap = f" (last entry at {store.format_time(last)})" if last else ""
            try:
                self._append("note", who, {"text": f"Resumed in a console{gap}: state "
                                                   "changes in between were not watched.",
                                           "auto": True})
            except TimelineWriteError:
                self._current = previous
                raise
            return loaded.incident

    def set_severity(self, severity: str, who: str, reason: str = "") -> Entry | None:
        severity = check_severity(severity)
        with self._lock:
            incident = self._current
            if incident is None or incident.severity == severity:
                return None
            self._current = replace(incident, severity=severity)
            return self._append("severity", who, {"before": incident.severity,
                                                  "after": severity, "reason": reason})

    def close(self, summary: str, who: str) -> Incident:
        """Record the closing summary and stop recording. Closing is final."""
        with self._lock:
            incident = self._current
            if incident is None:
                raise IncidentError("no incident is open in this console")
            entry = self._append("closed", who, {"summary": summary.strip()})
            closed = replace(incident, closed_at=entry.time, closed_by=entry.who,
                              summary=str(entry.get("summary", "")))
            self._current = None
            self._notify(None, entry)
            return closed

    # ---------------------------------------------------------------- entries
    def note(self, text: str, who: str) -> Entry | None:
        return self._record("note", who, {"text": text.strip()})

    def record_check(self, name: str, passed: bool | None, evidence: dict | list,
                     who: str) -> Entry | None:
        """A check's outcome: True passed, False failed, None could not tell."""
        return self._record("check", who, {"name": name, "passed": passed,
                                           "evidence": evidence})

    def record_action(self, action_id: str, title: str, who: str, params: dict,
                      calls: list[dict], result: str, request_ids: list[str],
                      error: str | None = None) -> Entry | None:
        return self._record("action", who, {
            "action_id": action_id, "title": title, "params": params, "calls": calls,
            "result": result, "request_ids": list(request_ids), "error": error})

    def record_runbook(self, runbook_id: str, step_id: str, event: str, detail: str,
                       who: str) -> Entry | None:
        """A runbook's progress: `event` is e.g. started, passed, failed, skipped, done."""
        return self._record("runbook", who, {"runbook_id": runbook_id, "step_id": step_id,
                                             "event": event, "detail": detail})

    def record_state_change(self, source: str, subject: str, before: str, after: str,
                            detail: str = "") -> Entry | None:
        """A change the probes saw (no one did it in this console, so no `who`)."""
        return self._record("state-change", None, {
            "source": source, "subject": subject, "before": before, "after": after,
            "detail": detail})

    def record_state_changes(self, changes: Sequence[StateChange]) -> list[Entry]:
        """Several changes from one probe result in one write (one fsync)."""
        with self._lock:
            if self._current is None or not changes:
                return []
            return self._append_many([("state-change", None, {
                "source": c.source, "subject": c.subject, "before": c.before,
                "after": c.after, "detail": c.detail}) for c in changes])

    def record_evidence(self, kind: str, fields: dict[str, Any]) -> Entry | None:
        """A snapshot the console took itself (``changes``, ``metrics``), no `who`."""
        return self._record(kind, None, fields)

    # ---------------------------------------------------------------- reading
    def load(self, incident_id: str) -> LoadedIncident:
        """The whole timeline; unreadable lines are reported in `problems`, never raised."""
        path = self._path_of(incident_id)
        try:
            entries, problems = store.read_timeline(path)
        except FileNotFoundError:
            raise UnknownIncident(self._unknown(incident_id)) from None
        except OSError as exc:
            raise IncidentError(f"cannot read {path}: {exc.strerror or exc}") from exc
        return LoadedIncident(Incident.from_entries(path.stem, path, entries), tuple(entries),
                              tuple(problems))

    def list(self) -> list[IncidentSummary]:
        """Every incident in the directory, newest first."""
        found: list[IncidentSummary] = []
        for path in reversed(store.timeline_files(self.directory)):
            try:
                loaded = self.load(path.stem)
            except IncidentError as exc:
                log.warning("skipping %s: %s", path, exc)
                continue
            found.append(IncidentSummary(loaded.incident, len(loaded.entries),
                                         len(loaded.problems)))
        return found

    def resolve_id(self, text: str) -> str:
        """An exact id, or a prefix matching exactly one incident (``2026-11-28-0314``)."""
        if store.is_valid_id(text) and store.timeline_path(self.directory, text).exists():
            return text
        matches = [p.stem for p in store.timeline_files(self.directory)
                   if p.stem.startswith(text)] if store.is_valid_id(text) else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UnknownIncident(f"{text!r} matches {len(matches)} incidents: "
                                  f"{', '.join(matches[:5])}")
        raise UnknownIncident(self._unknown(text))

    def _path_of(self, incident_id: str) -> Path:
        if not store.is_valid_id(incident_id):
            raise UnknownIncident(self._unknown(incident_id))
        return store.timeline_path(self.directory, incident_id)

    def _unknown(self, incident_id: str) -> str:
        return (f"no incident {scrub_text(incident_id)[:120]!r} in {self.directory} "
                "(`incident-console incident list` shows them)")

    # ---------------------------------------------------------------- writing
    def _record(self, kind: str, who: str | None, fields: dict[str, Any]) -> Entry | None:
        with self._lock:
            if self._current is None:
                return None
            return self._append(kind, who, fields)

    def _append(self, kind: str, who: str | None, fields: dict[str, Any],
                now: datetime | None = None) -> Entry:
        return self._append_many([(kind, who, fields)], now)[0]

    def _append_many(self, items: list[tuple[str, str | None, dict[str, Any]]],
                     now: datetime | None = None) -> list[Entry]:
        incident = self._current
        assert incident is not None, "callers hold the lock and checked current()"
        now = now or self._now()
        records = [{"t": store.format_time(now), "kind": kind,
                    "who": scrub_text(who) if who else None, **scrub(fields)}
                   for kind, who, fields in items]
        store.append_records(incident.path, records)
        entries = [store.parse_line(0, store.encode(r), last=False) for r in records]
        written = [e for e in entries if isinstance(e, Entry)]
        for entry in written:
            if entry.kind not in ("opened", "closed"):  # notified once the state is final
                self._notify(self._current, entry)
        return written

    def _notify(self, incident: Incident | None, entry: Entry) -> None:
        for listener in list(self._listeners):
            try:
                listener(incident, entry)
            except Exception:  # a listener's bug must not lose the next entry
                log.exception("incident listener failed")
