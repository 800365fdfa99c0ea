"""What the running console recorded, for the one-shot `changes` command: its own actions and
the alarm and target transitions it observed, read from the open incident's record on disk.

The app keeps those in memory (the Metrics & Changes screen shows them); a `changes` command run
beside it (another shell, the same environment) was not there to see them, but while an incident
is open the app writes each one into the incident's timeline (`console.incidents`). So the
command reads that record: every `action` entry (the exact calls and how they ended) and every
`state-change` of the alarms and targets, at the moment the console recorded it. An observed
alarm transition that DescribeAlarmHistory also lists is shown once, at AWS's time (see
`probes.change_timeline.entries_between`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from console.incidents import IncidentRecorder
from console.incidents.model import Entry, IncidentError
from probes.change_convert import action_entry, observed_entries
from probes.change_entry import ChangeEntry
from probes.changes import StateChange

OBSERVED_SOURCES = ("alarms", "targets")


def _calls(fields: Mapping[str, Any]) -> str:
    calls = fields.get("calls") or []
    return "; ".join(str(c.get("cli") or f"{c.get('service')} {c.get('operation')}")
                     for c in calls if isinstance(c, dict))


def entries_of(incident_id: str, recorded: list[Entry]) -> list[ChangeEntry]:
    """The record's actions and observed alarm/target transitions as timeline entries."""
    where = ("incident", incident_id)
    found: list[ChangeEntry] = []
    for entry in recorded:
        fields = entry.fields
        if entry.kind == "action":
            title = str(fields.get("title") or fields.get("action_id") or "action")
            outcome = str(fields.get("result") or "")
            made = action_entry(entry.time, title, _calls(fields), outcome)
            extra = (("by", entry.who or ""), ("error", str(fields.get("error") or "")),
                     ("request ids", ", ".join(map(str, fields.get("request_ids") or []))),
                     ("source", f"incident {incident_id} record"), where)
            own = tuple(kv for kv in made.detail if kv[0] != "source")
            found.append(replace(made, detail=(*own, *extra)))
        elif entry.kind == "state-change" and fields.get("source") in OBSERVED_SOURCES:
            change = StateChange(str(fields["source"]), str(fields.get("subject", "")),
                                 str(fields.get("before", "")), str(fields.get("after", "")),
                                 str(fields.get("detail", "")))
            found += [replace(e, detail=(*e.detail, where))
                      for e in observed_entries([change], entry.time)]
    return found


def open_incident_entries(environment: str) -> tuple[list[ChangeEntry], str]:
    """(entries, note) from the open incident of `environment`, if one is open on disk. The
    note names the incident read, or says why its record could not be read."""
    recorder = IncidentRecorder(environment=environment)
    try:
        incident = recorder.find_open()
        if incident is None:
            return [], ""
        loaded = recorder.load(incident.id)
    except (IncidentError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return [], (f"the open incident's record in {recorder.directory} could not be read "
                    f"({reason}): the console's actions and observations are not listed")
    entries = entries_of(incident.id, list(loaded.entries))
    skipped = f"; {len(loaded.problems)} unreadable lines skipped" if loaded.problems else ""
    return entries, (f"{len(entries)} entries from the open incident {incident.id} "
                     f"(the console's actions and observed transitions){skipped}")
