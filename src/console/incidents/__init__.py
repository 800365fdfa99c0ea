"""Incident timelines: an append-only JSONL record per incident, and reports from it.

UI-free (no textual, no rich): `incident-console incident list/export` imports this package
without loading the app. The app's side is in `console.screens.incident_*`.

    recorder = IncidentRecorder(environment="prod")
    recorder.open("P0", "ALB 503s", who=identity.arn)
    recorder.record_action("force-new-deployment", "Force a new deployment", who, params={...},
                           calls=[...], result="deployment started", request_ids=["..."])
    recorder.close("bad deploy rolled back", who)
"""

from console.incidents.model import (
    KINDS,
    SEVERITIES,
    Entry,
    Incident,
    IncidentAlreadyOpen,
    IncidentError,
    IncidentSummary,
    LineProblem,
    LoadedIncident,
    TimelineWriteError,
    UnknownIncident,
)
from console.incidents.recorder import IncidentRecorder
from console.incidents.watcher import IncidentWatcher

__all__ = [
    "KINDS", "SEVERITIES", "Entry", "Incident", "IncidentAlreadyOpen", "IncidentError",
    "IncidentRecorder", "IncidentSummary", "IncidentWatcher", "LineProblem", "LoadedIncident",
    "TimelineWriteError", "UnknownIncident",
]
