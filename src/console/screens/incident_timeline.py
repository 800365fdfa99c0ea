"""`T`: the incident's timeline, newest last, as it is on disk.

The screen reads the timeline file itself (not the recorder's memory), so it shows what a
post-incident report will show, entries written by another console included, and the lines
that could not be read. It re-reads the file when it grows. Enter opens an entry whole.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from console import clock
from console.incidents.describe import headline, person
from console.incidents.export import duration_text
from console.incidents.model import Entry, IncidentError, LoadedIncident
from console.incidents.recorder import IncidentRecorder
from console.panes.base import Detail
from console.sanitize import clean, clean_block
from console.screens.detail import DetailScreen
from console.styles import BAD, GOOD, MUTED, WARN
from console.widgets.keyed_table import KeyedTable, Row

KIND_STYLE = {"opened": "bold", "closed": "bold", "action": WARN, "check": "",
              "state-change": "", "note": "italic", "runbook": "", "severity": BAD}
COLUMNS = (("Time UTC", 8), ("Kind", 12), ("Who", 10), ("What", None))


def entry_row(entry: Entry) -> Row:
    """One table row; a failed check or action shows red, a passed check green."""
    style = KIND_STYLE.get(entry.kind, "")
    if entry.kind == "check":
        style = {True: GOOD, False: BAD}.get(entry.get("passed"), MUTED)
    if entry.kind == "action" and entry.get("error"):
        style = BAD
    cells = (Text(f"{entry.time:%H:%M:%S}"), Text(clean(entry.kind, limit=12), style=style),
             Text(clean(person(entry.who), limit=60), style=MUTED),
             Text(clean(headline(entry), limit=500), style=style))
    return Row(str(entry.line), cells)


def entry_detail(loaded: LoadedIncident, entry: Entry) -> Detail:
    """An entry whole: its time, who, and every field (JSON for structured ones)."""
    body = Text()
    body.append(f"{entry.time:%Y-%m-%d %H:%M:%S.%f}"[:-3] + " UTC\n", style="bold")
    body.append(f"who: {clean(entry.who or 'the probes (seen, not done, by this console)')}\n")
    for name, value in entry.fields.items():
        body.append(f"\n{clean(name, limit=60)}: ", style="bold")
        if isinstance(value, (dict, list)):
            text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
            body.append("\n" + clean_block(text, limit=50_000))
        else:
            body.append(clean_block("" if value is None else str(value), limit=20_000))
    body.append(f"\n\n{clean(loaded.incident.path.name)} line {entry.line}", style=MUTED)
    return Detail(title=f"{entry.kind} at {entry.time:%H:%M:%S} UTC", body=body)


class IncidentTimelineScreen(Screen[None]):
    """Every entry of one incident with its time, kind, who and what."""

    DEFAULT_CSS = """
    IncidentTimelineScreen #timeline-head { height: auto; max-height: 4; padding: 0 1;
                                            background: $panel; }
    IncidentTimelineScreen #timeline-problems { height: auto; max-height: 3; padding: 0 1;
                                                color: $error; display: none; }
    IncidentTimelineScreen.-problems #timeline-problems { display: block; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Back", id="incident.timeline.close"),
        Binding("n", "note", "Note", id="incident.timeline.note"),
        Binding("end,G", "newest", "Newest", id="incident.timeline.newest"),
    ]

    def __init__(self, recorder: IncidentRecorder, incident_id: str) -> None:
        super().__init__()
        self.recorder = recorder
        self.incident_id = incident_id
        self.loaded: LoadedIncident | None = None
        self._file_size = -1

    def compose(self) -> ComposeResult:
        yield Static("", id="timeline-head")
        yield Static("", id="timeline-problems")
        yield KeyedTable(COLUMNS, id="timeline-table")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.action_newest()
        self.query_one(KeyedTable).focus()
        self.set_interval(1.0, self.reload)

    def reload(self) -> None:
        """Read the file again if it changed size (new entries, another console's)."""
        path = self.recorder.directory / f"{self.incident_id}.jsonl"
        try:
            size = path.stat().st_size
            if size == self._file_size:
                self._show_head()
                return
            self.loaded = self.recorder.load(self.incident_id)
        except (OSError, IncidentError) as exc:
            self.query_one("#timeline-head", Static).update(
                Text(f"cannot read the timeline: {clean(str(exc))}", style=BAD))
            return
        self._file_size = size
        table = self.query_one(KeyedTable)
        at_end = table.cursor_row >= table.row_count - 1
        table.sync([entry_row(e) for e in self.loaded.entries])
        if at_end:
            self.action_newest()
        problems = self.loaded.problems
        self.set_class(bool(problems), "-problems")
        self.query_one("#timeline-problems", Static).update(Text(
            f"{len(problems)} unreadable line(s) skipped: "
            + "; ".join(clean(str(p), limit=120) for p in problems[:3])))
        self._show_head()

    def _show_head(self) -> None:
        if self.loaded is None:
            return
        incident = self.loaded.incident
        state = (f"open {duration_text(incident.duration_s(clock.now()))}" if incident.is_open
                 else f"closed after {duration_text(incident.duration_s(clock.now()))}")
        head = Text()
        head.append(f"{clean(incident.severity, limit=3)} ", style="bold")
        head.append(clean(incident.title, limit=200), style="bold")
        head.append(f"  {state} · {len(self.loaded.entries)} entries\n", style=MUTED)
        head.append(clean(incident.id), style=MUTED)
        self.query_one("#timeline-head", Static).update(head)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.loaded is None:
            return
        line = int(str(event.row_key.value))
        entry = next((e for e in self.loaded.entries if e.line == line), None)
        if entry is not None:
            self.app.push_screen(DetailScreen(entry_detail(self.loaded, entry)))

    def action_newest(self) -> None:
        table = self.query_one(KeyedTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1, animate=False)

    def action_note(self) -> None:
        flow = getattr(self.app, "incident_flow", None)
        if flow is not None:
            flow.add_note()

    def action_close(self) -> None:
        self.dismiss(None)
