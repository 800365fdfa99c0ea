"""The app's side of the incident timeline: keys, dialogs, header, and probe changes.

`ConsoleApp` owns one `IncidentFlow` (and exposes its recorder as `app.incidents`, which the
actions and runbooks record through). The flow:

* opens, notes, shows and closes incidents from keys and the command palette;
* keeps the header's incident segment in step with the recorder, whoever wrote last
  (a runbook opening an incident shows in the header as a key press does);
* hands every probe result to an `IncidentWatcher`, which records state changes while an
  incident is open;
* at start-up offers to resume an incident left open (a dropped SSH session, a crash).

A timeline that cannot be written is said once, loudly, per distinct error; the console keeps
running (the probes and actions matter more than the record during an outage).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.css.query import NoMatches

from console import clock
from console.incidents import (
    Entry,
    Incident,
    IncidentError,
    IncidentRecorder,
    IncidentWatcher,
)
from console.screens.incident_dialogs import (
    IncidentOpenScreen,
    IncidentResumeScreen,
    IncidentTextScreen,
    SeverityScreen,
)
from console.screens.incident_timeline import IncidentTimelineScreen
from console.widgets.incident_badge import IncidentBadge
from console.widgets.status_header import StatusHeader
from probes.result import ProbeResult

if TYPE_CHECKING:
    from console.app import ConsoleApp

log = logging.getLogger(__name__)


def recorder_for(app: ConsoleApp) -> IncidentRecorder:
    """A recorder scoped to the app's environment, with where-and-who context for reports."""
    import getpass

    identity = app.connection.identity
    try:
        local_user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in a container
        local_user = ""
    return IncidentRecorder(environment=app.env.name, context={
        "account": identity.account if identity else "", "region": app.env.aws.region,
        "stack": app.env.stack, "endpoint_url": app.env.aws.endpoint_url,
        "local_user": local_user})


class IncidentFlow:
    """Incident keys and dialogs for one app; `recorder` is what everything records into."""

    def __init__(self, app: ConsoleApp, recorder: IncidentRecorder) -> None:
        self.app = app
        self.recorder = recorder
        self.watcher = IncidentWatcher(recorder)
        self._reported: set[str] = set()
        recorder.add_listener(self._on_entry)

    @property
    def who(self) -> str:
        """The STS caller ARN: who did it, as AWS will remember it (CloudTrail)."""
        identity = self.app.connection.identity
        return identity.arn if identity is not None and identity.arn else "unknown"

    # ---------------------------------------------------------------- probe results
    def observe(self, result: ProbeResult[Any]) -> None:
        """Record what `result` changed (only while an incident is open)."""
        self._guard(lambda: self.watcher.observe(result), once=True)

    # ---------------------------------------------------------------- keys & palette
    def open_incident(self, severity: str | None = None, title: str = "") -> None:
        """`i`: the open dialog; or, when one is open, say so and show its timeline key."""
        current = self.recorder.current()
        if current is not None:
            self.app.notify(f"{current.severity} incident already open: {current.title} "
                            "(n: note, T: timeline, palette: Close incident)", timeout=5)
            return
        if not self.offer_resume():
            self.app.push_screen(IncidentOpenScreen(severity, title), self._opened)

    def ensure_incident(self, severity: str, title: str) -> Incident | None:
        """For runbooks: the open incident, else a new one of `severity`. When one is open on
        disk but not resumed, offers to resume it and returns None; errors are told."""
        current = self.recorder.current()
        if current is not None:
            return current
        if self.offer_resume():
            return None
        incident = self._guard(lambda: self.recorder.open(severity, title, self.who))
        self._snapshot_evidence(incident)
        return incident

    def add_note(self) -> None:
        """`n`: one line into the timeline (what you did by hand, what you saw)."""
        if self._needs_incident():
            return
        self.app.push_screen(IncidentTextScreen(
            "Note", "What did you do or see? (it goes into the timeline with your ARN)",
            placeholder="e.g. restarted the DB proxy by hand"), self._noted)

    def show_timeline(self) -> None:
        """`T`: the open incident's timeline, or this environment's latest one when none is
        open (never another environment's: the demo's scenarios and prod share a directory)."""
        current = self.recorder.current()
        incident_id = current.id if current else None
        if incident_id is None:
            latest = self._latest_of_this_environment()
            if latest is None:
                where = self.recorder.environment or "this environment"
                self.app.notify(f"No incident yet in {where}: press i to open one", timeout=4)
                return
            incident_id = latest.id
        self.app.push_screen(IncidentTimelineScreen(self.recorder, incident_id))

    def _latest_of_this_environment(self) -> Incident | None:
        environment = self.recorder.environment
        summaries = self._guard(self.recorder.list) or []
        return next((s.incident for s in summaries
                     if environment is None or s.incident.environment == environment), None)

    def close_incident(self) -> None:
        if self._needs_incident():
            return
        self.app.push_screen(IncidentTextScreen(
            "Close the incident", "Summary: what happened, what fixed it, what is left?",
            placeholder="e.g. bad deploy; rolled back to :41; follow-up: memory limit"),
            self._closed)

    def change_severity(self) -> None:
        current = self.recorder.current()
        if current is None:
            self._needs_incident()
            return
        self.app.push_screen(SeverityScreen(current.severity), self._severity_chosen)

    def start(self) -> None:
        """When the app is up: show the incident in the header and offer to resume one."""
        self.app.call_after_refresh(self.update_header)
        self.offer_resume()

    def offer_resume(self) -> bool:
        """An incident of this environment left open (a dropped session, a crash, another
        console)? Ask what to do with it; True when asked."""
        waiting = self._find_open() if self.recorder.current() is None else None
        if waiting is None:
            return False
        self.app.push_screen(IncidentResumeScreen(waiting, clock.now()),
                             lambda answer: self._resume_answer(waiting, answer))
        return True

    def palette_commands(self) -> Iterator[SystemCommand]:
        current = self.recorder.current()
        if current is None:
            yield SystemCommand("Open incident", "Start recording an incident (key i)",
                                self.open_incident)
        else:
            yield SystemCommand("Close incident", f"Close {current.severity}: {current.title} "
                                "with a summary", self.close_incident)
            yield SystemCommand("Add note to the incident", "Key n", self.add_note)
            yield SystemCommand("Change incident severity", "P0, P1 or P2",
                                self.change_severity)
        yield SystemCommand("Incident timeline", "Key T", self.show_timeline)

    # ---------------------------------------------------------------- dialog answers
    def _opened(self, answer: tuple[str, str] | None) -> None:
        if answer is None:
            return
        incident = self._guard(lambda: self.recorder.open(answer[0], answer[1], self.who))
        self._snapshot_evidence(incident)
        if incident is not None:
            self.app.notify(f"{incident.severity} incident open: recording to "
                            f"{incident.path}", timeout=6)

    def _snapshot_evidence(self, incident: Incident | None) -> None:
        """Issue 13: the changes list and the metrics go into the new incident's timeline."""
        changes = getattr(self.app, "changes", None)
        if incident is not None and changes is not None:
            self.app.run_worker(changes.snapshot_into(self.recorder), group="evidence")

    def _noted(self, text: str | None) -> None:
        if text and self._guard(lambda: self.recorder.note(text, self.who)) is not None:
            self.app.notify("Note recorded", timeout=2)

    def _closed(self, summary: str | None) -> None:
        if summary is None:
            return
        closed = self._guard(lambda: self.recorder.close(summary, self.who))
        if closed is not None:
            self.app.notify(f"Incident closed. Report: incident-console incident export "
                            f"{closed.id}", timeout=10)

    def _severity_chosen(self, severity: str | None) -> None:
        if severity is not None:
            self._guard(lambda: self.recorder.set_severity(severity, self.who))

    def _resume_answer(self, incident: Incident, answer: str | None) -> None:
        if answer in ("resume", "close"):
            resumed = self._guard(lambda: self.recorder.resume(incident.id, self.who))
            if resumed is not None and answer == "close":
                self.close_incident()
            elif resumed is not None:
                self.app.notify(f"Resumed {resumed.severity}: recording again", timeout=4)
        else:
            self.app.notify(f"Incident {incident.id} is still open; i offers it again",
                            timeout=5)

    # ---------------------------------------------------------------- header & errors
    def _on_entry(self, incident: Incident | None, entry: Entry) -> None:
        """Recorder listener (any thread): keep the header in step. Textual offers no public
        "am I on the app's thread?", and `call_from_thread` refuses to run on it."""
        if getattr(self.app, "_thread_id", None) == threading.get_ident():
            self.update_header()
        else:
            self.app.call_from_thread(self.update_header)

    def update_header(self) -> None:
        current = self.recorder.current()
        badge = (IncidentBadge(current.severity, current.title, current.opened_at)
                 if current else None)
        with contextlib.suppress(NoMatches):  # not composed yet: `start()` asks again
            self.app.dashboard.query_one(StatusHeader).incident = badge

    def _needs_incident(self) -> bool:
        if self.recorder.current() is None:
            self.app.notify("No incident open: press i to open one", timeout=4)
            return True
        return False

    def _find_open(self) -> Incident | None:
        return self._guard(self.recorder.find_open)

    def _guard(self, call: Callable[[], Any], once: bool = False) -> Any:
        """Run a recorder call; an incident error is told to the operator instead of crashing
        the console (`once`: a failure repeated at every probe result is told once)."""
        try:
            return call()
        except (IncidentError, OSError) as exc:
            message = str(exc)
            log.warning("incident timeline: %s", message)
            if not (once and message in self._reported):
                self._reported.add(message)
                self.app.notify(f"Incident timeline: {message}", severity="error", timeout=10)
            return None
