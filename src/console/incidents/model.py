"""What an incident timeline holds, as plain frozen data: no I/O, no textual.

A timeline is a list of entries, one JSON object per line. Every entry has the same envelope
(`t`: UTC time, `kind`, `who`) and the fields of its kind at the top level, so `jq` and `grep`
read it without a schema. `Incident` is what the first (`opened`) and the later `severity` and
`closed` entries say about the incident as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

SEVERITIES = ("P0", "P1", "P2")
SEVERITY_MEANING = {
    "P0": "service down, data loss or security breach",
    "P1": "degraded performance",
    "P2": "cost or minor issue",
}
KINDS = ("opened", "check", "action", "note", "state-change", "runbook", "severity", "closed",
         "changes", "metrics")
ENVELOPE = ("t", "kind", "who")


class IncidentError(Exception):
    """An incident operation that cannot be done; the message says why and what to do."""


class IncidentAlreadyOpen(IncidentError):
    """`open()` while an incident of the same environment is still open."""

    def __init__(self, incident: Incident) -> None:
        super().__init__(f"incident {incident.id} ({incident.severity}: {incident.title}) is "
                         "still open: resume it or close it first")
        self.incident = incident


class UnknownIncident(IncidentError):
    """No timeline has that id (or the id is not one the store could have made)."""


class TimelineWriteError(IncidentError):
    """The timeline could not be written (disk full, permissions): the entry is NOT recorded."""


_SEVERITY_PREFIX = re.compile(r"^\s*\[?(?:P[0-2])\]?\s*[:\-–—]?\s+", re.IGNORECASE)


def plain_title(title: str) -> str:
    """The title without a leading severity (``P0 Service Down`` -> ``Service Down``): the
    severity is a field of its own, shown next to the title, and can change later."""
    stripped = _SEVERITY_PREFIX.sub("", title, count=1)
    return stripped if stripped.strip() else title


def check_severity(severity: str) -> str:
    """``p0`` -> ``P0``; anything but P0, P1, P2 is an `IncidentError`."""
    value = severity.strip().upper()
    if value not in SEVERITIES:
        raise IncidentError(f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}")
    return value


@dataclass(frozen=True)
class Entry:
    """One timeline line as read back. `fields` holds the kind's own fields."""

    line: int  # 1-based line number in the file
    time: datetime  # UTC
    kind: str
    who: str | None
    fields: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        """A field of the entry; the envelope (``kind``, ``who``, ``t``, ``line``) too, so an
        entry reads like the JSON line it came from."""
        if name in self.fields:
            return self.fields[name]
        envelope = {"kind": self.kind, "who": self.who, "line": self.line,
                     "t": self.time.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
        return envelope.get(name, default)


@dataclass(frozen=True)
class LineProblem:
    """A line that could not be read (a crash mid-write, an editor accident): skipped."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Incident:
    """The incident as a whole, as its entries so far describe it."""

    id: str
    severity: str
    title: str
    opened_at: datetime | None
    opened_by: str | None
    path: Path
    environment: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    summary: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def duration_s(self, now: datetime) -> float | None:
        """Open to close (or to `now` while open); None when the open time is unknown."""
        if self.opened_at is None:
            return None
        return ((self.closed_at or now) - self.opened_at).total_seconds()

    @classmethod
    def from_entries(cls, incident_id: str, path: Path,
                     entries: Sequence[Entry]) -> Incident:
        """Fold the entries: `opened` gives the start, `severity` the current severity,
        `closed` the end. A timeline whose `opened` line is unreadable still has an id."""
        opened = next((e for e in entries if e.kind == "opened"), None)
        severity = str(opened.get("severity", "?")) if opened else "?"
        for entry in entries:
            if entry.kind == "severity":
                severity = str(entry.get("after", severity))
        closed = next((e for e in reversed(entries) if e.kind == "closed"), None)
        return cls(
            id=incident_id,
            severity=severity,
            title=(plain_title(str(opened.get("title", ""))) if opened
                   else "(the opening line is unreadable)"),
            opened_at=opened.time if opened else (entries[0].time if entries else None),
            opened_by=opened.who if opened else None,
            path=path,
            environment=opened.get("environment") if opened else None,
            closed_at=closed.time if closed else None,
            closed_by=closed.who if closed else None,
            summary=str(closed.get("summary", "")) if closed else "",
        )


@dataclass(frozen=True)
class LoadedIncident:
    """A whole timeline read back: what could be read, and what could not (never raises)."""

    incident: Incident
    entries: tuple[Entry, ...]
    problems: tuple[LineProblem, ...]

    def of_kind(self, *kinds: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind in kinds)

    @property
    def opened_entry(self) -> Entry | None:
        return next((e for e in self.entries if e.kind == "opened"), None)


@dataclass(frozen=True)
class IncidentSummary:
    """One row of `incident list`."""

    incident: Incident
    entries: int
    problems: int

    @property
    def id(self) -> str:
        return self.incident.id
