"""The Diagnostics screen (`d` on the dashboard): every troubleshooting-guide check, by severity.

The run happens in a worker on the app's asyncio loop (aiobotocore is async), so the screen
stays responsive and shows its progress; a re-run (`r`) keeps the previous findings on screen
until the new ones arrive. The first run reuses the dashboard panes' fresh snapshots; `r`
collects everything anew. Enter opens a finding's evidence, cause and fix; `a` starts the
finding's action and `b` its runbook through the app when the app offers them (issue 5), and
otherwise says which one to run. One finding's screen (Enter) is `console.screens.finding`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, ProgressBar, Static

from console.sanitize import clean
from console.screens.finding import (
    SEVERITY_LABEL,
    SEVERITY_STYLE,
    FindingScreen,
    applies,
    start_ref,
)
from console.styles import BAD, MUTED, WARN
from console.widgets.keyed_table import KeyedTable, Row
from probes.diagnostics.model import Finding, Severity
from probes.diagnostics.runner import Report, run_diagnostics
from probes.result import ProbeResult
from probes.suite import Connection

log = logging.getLogger(__name__)


def pane_snapshots(panes: Mapping[str, Any]) -> dict[str, ProbeResult[Any]]:
    """The dashboard's fresh snapshots, as results the runner can reuse (stale ones are not)."""
    found: dict[str, ProbeResult[Any]] = {}
    for name, pane in panes.items():
        if pane.data is not None and pane.last_good_at is not None and not pane.stale:
            found[name] = ProbeResult(name, pane.last_good_at, 0.0, data=pane.data)
    return found


class DiagnosticsScreen(Screen[None]):
    """Findings by severity, critical first; a worker runs the diagnostics."""

    DEFAULT_CSS = """
    DiagnosticsScreen #diagnostics-status { height: auto; max-height: 3; padding: 0 1; }
    DiagnosticsScreen #diagnostics-progress { height: 1; padding: 0 1; }
    DiagnosticsScreen #diagnostics-progress.-done { display: none; }
    DiagnosticsScreen KeyedTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="diagnostics.back"),
        Binding("r", "rerun", "Re-run", id="diagnostics.rerun"),
        Binding("a", "action", "Action", id="diagnostics.action"),
        Binding("b", "runbook", "Runbook", id="diagnostics.runbook"),
        # Listed in the footer only for a finding that has one; pressed anyway: said why not.
        Binding("a", "none_applies('action')", show=False, id="diagnostics.action"),
        Binding("b", "none_applies('runbook')", show=False, id="diagnostics.runbook"),
    ]

    def __init__(self, connection: Connection, panes: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.connection = connection
        self.snapshots = pane_snapshots(panes or {})
        self.report: Report | None = None
        self.findings: dict[str, Finding] = {}
        self.running = False
        self._runs = 0  # a cancelled run must not touch the state of the one replacing it

    def compose(self) -> ComposeResult:
        yield Static(Text("Starting diagnostics…", style=MUTED), id="diagnostics-status")
        yield ProgressBar(total=None, show_eta=False, id="diagnostics-progress")
        yield KeyedTable((("Severity", 9), ("Finding", None)), id="diagnostics-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(KeyedTable).focus()
        self.run_checks(self.snapshots)

    # ---------------------------------------------------------------- running
    @work(exclusive=True, group="diagnostics", exit_on_error=False)
    async def run_checks(self, snapshots: Mapping[str, ProbeResult[Any]]) -> None:
        """One run on the app's loop; the previous findings stay until this one ends."""
        ctx = self.connection.ctx
        if ctx is None:
            self._status(Text("No AWS connection: diagnostics cannot run.", style=BAD))
            return
        self._runs += 1
        run = self._runs
        self.running = True
        bar = self.query_one(ProgressBar)
        bar.remove_class("-done")
        bar.update(total=None, progress=0)
        self._status(Text("Running diagnostics…", style=WARN))
        try:
            report = await run_diagnostics(
                ctx, self.connection.deployment, self.connection.identity, results=snapshots,
                cost_cache_dir=self._cost_cache_dir(), on_progress=self._progress)
        except Exception as exc:  # shown, never raised into the UI
            log.exception("diagnostics failed")
            self._status(Text(f"Diagnostics failed: {clean(str(exc), limit=300)}", style=BAD))
            return
        finally:
            if run == self._runs:
                self.running = False
                bar.add_class("-done")
        self.show(report)

    def _cost_cache_dir(self) -> Path | None:
        probe = getattr(self.app, "probes", {}).get("costs")
        cache = getattr(probe, "cache", None)
        return getattr(cache, "directory", None)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)
        self._status(Text(f"Running diagnostics… {done}/{total} (last: {clean(label)})",
                          style=WARN))

    def _status(self, text: Text) -> None:
        self.query_one("#diagnostics-status", Static).update(text)

    def show(self, report: Report) -> None:
        """Put a report on screen: the rows, and a summary line."""
        self.report = report
        self.findings = {f.key: f for f in report.findings}
        rows = [Row(f.key, (Text(SEVERITY_LABEL[f.severity], style=SEVERITY_STYLE[f.severity]),
                            Text(clean(f.title, limit=300), no_wrap=True, overflow="ellipsis")))
                for f in report.findings]
        self.query_one(KeyedTable).sync(rows)
        self.refresh_bindings()
        counts = "  ".join(f"{report.count(s)} {s.value}" for s in
                           (Severity.CRITICAL, Severity.WARNING, Severity.UNAVAILABLE,
                            Severity.INFO))
        summary = Text()
        summary.append(f"{len(report.outcomes)} diagnostics in {report.elapsed_s:.1f} s: ",
                       style="bold")
        summary.append(counts, style=BAD if report.exit_code == 2 else
                       WARN if report.exit_code else "green")
        summary.append(f"  ·  as of {report.started_at:%H:%M:%S} UTC  ·  Enter: evidence and "
                       "fix", style=MUTED)
        self._status(summary)

    # ---------------------------------------------------------------- keys
    @property
    def selected(self) -> Finding | None:
        key = self.query_one(KeyedTable).cursor_key
        return self.findings.get(key) if key else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        finding = self.findings.get(str(event.row_key.value))
        if finding is not None:
            self.app.push_screen(FindingScreen(finding))

    def action_rerun(self) -> None:
        """Everything anew: fresh probe snapshots, every diagnostic."""
        self.run_checks({})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return applies(self.selected, action)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()  # the footer's a/b follow the highlighted finding

    def action_none_applies(self, kind: str) -> None:
        if self.selected is None:
            from console.navigation import refuse

            refuse(self.app, kind.capitalize(), "highlight a finding first")
            return
        start_ref(self, self.selected, kind)

    def action_action(self) -> None:
        start_ref(self, self.selected, "action")

    def action_runbook(self) -> None:
        start_ref(self, self.selected, "runbook")

    def action_back(self) -> None:
        self.app.pop_screen()
