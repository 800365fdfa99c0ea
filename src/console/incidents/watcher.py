"""`IncidentWatcher`: turns the stream of probe results into state-change entries.

It remembers the last good snapshot of every probe all the time, not only during an incident,
so that the first refresh after an incident is opened is already compared with what the
operator saw when they opened it. A failed collection changes nothing: the previous snapshot
stays the reference, and the next good one is compared with it.
"""

from __future__ import annotations

from typing import Any

from console.incidents.model import Entry
from console.incidents.recorder import IncidentRecorder
from probes.changes import DIFFERS, StateChange, changes_between
from probes.result import ProbeResult


class IncidentWatcher:
    """Feed it every `ProbeResult` (`observe`); it records what changed while an incident is
    open. Raises `TimelineWriteError` when the timeline cannot be written."""

    def __init__(self, recorder: IncidentRecorder) -> None:
        self.recorder = recorder
        self.previous: dict[str, Any] = {}

    def observe(self, result: ProbeResult[Any]) -> list[Entry]:
        changes = self.changes(result)
        if not changes or self.recorder.current() is None:
            return []
        return self.recorder.record_state_changes(changes)

    def changes(self, result: ProbeResult[Any]) -> list[StateChange]:
        """What `result` changed since the probe's previous good snapshot (and remember it)."""
        if result.probe not in DIFFERS or not result.ok or result.data is None:
            return []
        before = self.previous.get(result.probe)
        self.previous[result.probe] = result.data
        return changes_between(result.probe, before, result.data)
