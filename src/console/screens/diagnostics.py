"""The Diagnostics screen (`d` on the dashboard): every troubleshooting-guide check, by severity.

The run happens in a worker on the app's asyncio loop (aiobotocore is async), so the screen
stays responsive and shows its progress; a re-run (`r`) keeps the previous findings on screen
until the new ones arrive. The first run reuses the dashboard panes' fresh snapshots; `r`
collects everything anew. Enter opens a finding's evidence, cause and fix; `a` starts the
finding's action and `b` its runbook through the app when the app offers them (issue 5), and
otherwise says which one to run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, OptionList, ProgressBar, Static

from console.sanitize import clean, literal
from console.styles import BAD, MUTED, WARN
from console.widgets.keyed_table import KeyedTable, Row
from probes.diagnostics.model import Finding, Severity
from probes.diagnostics.runner import Report, run_diagnostics
from probes.result import ProbeResult
from probes.suite import Connection

log = logging.getLogger(__name__)
SEVERITY_STYLE = {Severity.CRITICAL: BAD, Severity.WARNING: WARN,
                  Severity.UNAVAILABLE: "bold magenta", Severity.INFO: "", Severity.MANUAL: MUTED}
SEVERITY_LABEL = {Severity.CRITICAL: "CRITICAL", Severity.WARNING: "WARNING",
                  Severity.UNAVAILABLE: "NOT RUN", Severity.INFO: "info",
                  Severity.MANUAL: "manual"}


def pane_snapshots(panes: Mapping[str, Any]) -> dict[str, ProbeResult[Any]]:
    """The dashboard's fresh snapshots, as results the runner can reuse (stale ones are not)."""
    found: dict[str, ProbeResult[Any]] = {}
    for name, pane in panes.items():
        if pane.data is not None and pane.last_good_at is not None and not pane.stale:
            found[name] = ProbeResult(name, pane.last_good_at, 0.0, data=pane.data)
    return found


def finding_body(finding: Finding) -> Group:
    """Evidence, cause, fix and where to go next, every string sanitised."""
    head = Text()
    head.append(SEVERITY_LABEL[finding.severity], style=SEVERITY_STYLE[finding.severity])
    head.append(f"  {clean(finding.key, limit=200)}", style=MUTED)
    evidence = Table.grid(padding=(0, 1))
    evidence.add_column(style="bold", max_width=30)
    evidence.add_column(overflow="fold")
    for label, value in finding.evidence:
        evidence.add_row(Text(clean(label, limit=120)), Text(clean(value, limit=2000)))
    parts: list[Any] = [head, Text(""), Text("Evidence", style="bold underline"), evidence]
    for title, value in (("Cause", finding.cause), ("Fix", finding.fix),
                         ("Guide entry", finding.guide)):
        if value:
            parts += [Text(""), Text(title, style="bold underline"),
                      Text(clean(value, limit=2000))]
    nexts = [f"a  action {a}" for a in finding.actions] + [f"b  runbook {r}"
                                                            for r in finding.runbooks]
    if nexts:
        parts += [Text(""), Text("Next", style="bold underline"),
                  *(Text(clean(n, limit=200)) for n in nexts)]
    return Group(*parts)


def start_ref(screen: Screen, finding: Finding, kind: str) -> None:
    """Start the finding's action (`kind` "action") or runbook ("runbook"), asking which one
    when there are several."""
    from console.navigation import refuse

    choices = finding.actions if kind == "action" else finding.runbooks
    if not choices:
        refuse(screen.app, kind.capitalize(), f"no {kind} applies to this finding")
        return
    if len(choices) == 1:
        _start(screen, finding, kind, choices[0])
        return

    def chosen(choice: str | None) -> None:
        if choice:
            _start(screen, finding, kind, choice)

    screen.app.push_screen(ChoiceScreen(f"Which {kind}?", choices), chosen)


def _start(screen: Screen, finding: Finding, kind: str, ident: str) -> None:
    app = screen.app
    method = getattr(app, f"start_{kind}", None)
    if method is None:
        screen.notify(f"Run the {kind} '{ident}' (this build has no {kind}s yet).",
                      title=f"{kind.capitalize()} {ident}", timeout=6)
        return
    try:
        if kind == "action":
            method(ident, **dict(finding.action_args))
        else:
            method(ident)
    except Exception as exc:  # an action that cannot start must not take the screen down
        log.exception("could not start %s %s", kind, ident)
        screen.notify(f"Could not start {kind} {ident}: {exc}", severity="error")


def applies(finding: Finding | None, action: str) -> bool:
    """Whether the footer offers `a` (action) / `b` (runbook) for this finding."""
    if action == "action":
        return finding is not None and bool(finding.actions)
    if action == "runbook":
        return finding is not None and bool(finding.runbooks)
    return True


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one id among a few; Esc picks none."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > OptionList { width: 50; height: auto; max-height: 12;
                                border: round $accent; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="diagnostics.choice.cancel")]

    def __init__(self, title: str, choices: tuple[str, ...]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        options = OptionList(*self.choices)
        options.border_title = literal(self.title_text)
        yield options

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class FindingScreen(ModalScreen[None]):
    """One finding whole: evidence, cause, fix, and the keys that start what applies."""

    DEFAULT_CSS = """
    FindingScreen { align: center middle; }
    FindingScreen > #finding-box { width: 95%; max-width: 140; height: 90%;
        border: round $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="diagnostics.finding.close"),
        Binding("a", "action", "Start action", id="diagnostics.finding.action"),
        Binding("b", "runbook", "Open runbook", id="diagnostics.finding.runbook"),
        # The footer lists a/b only when the finding has one; pressed anyway, these say so.
        Binding("a", "none_applies('action')", show=False, id="diagnostics.finding.action"),
        Binding("b", "none_applies('runbook')", show=False, id="diagnostics.finding.runbook"),
    ]

    def __init__(self, finding: Finding) -> None:
        super().__init__()
        self.finding = finding

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="finding-box") as box:
            box.border_title = literal(self.finding.title, limit=120)
            yield Static(finding_body(self.finding), id="finding-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#finding-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return applies(self.finding, action)

    def action_none_applies(self, kind: str) -> None:
        start_ref(self, self.finding, kind)

    def action_action(self) -> None:
        start_ref(self, self.finding, "action")

    def action_runbook(self) -> None:
        start_ref(self, self.finding, "runbook")


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
