"""The Textual app: owns the probe scheduler and routes its results to the dashboard.

Data flows one way: a probe (in an asyncio task on this app's loop) returns a frozen
`ProbeResult`; the scheduler's listener posts it as a `ProbeUpdated` message; the dashboard hands
it to the pane for that probe. Widgets never hold an AWS client.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from console.action_flow import ActionFlow
from console.change_flow import ChangeFlow  # what changed (issue 13)
from console.config import Environment, cache_dir
from console.discovery_flow import discovery_for
from console.incident_flow import IncidentFlow, recorder_for  # incident timeline (issue 5)
from console.keymap import APP_BINDINGS
from console.messages import ProbeStarted, ProbeUpdated
from console.metrics_view import MetricsView
from console.runbooks.loader import load_runbooks
from console.runbooks.session import RunbookSession
from console.screens.dashboard import DashboardScreen
from console.screens.help import HelpScreen
from probes.result import Probe, ProbeResult
from probes.scheduler import Scheduler
from probes.suite import Connection, build_probes

log = logging.getLogger(__name__)


class ConsoleApp(App[int]):
    """incident-console's app. `connection` is already open (see `commands.dashboard`)."""

    CSS_PATH = "app.tcss"
    TITLE = "incident-console"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = APP_BINDINGS  # in console.keymap, where a [keys] remapping is checked

    def __init__(self, env: Environment, connection: Connection, *,
                 cost_cache_dir: Path | None = None, start_probes: bool = True,
                 probes: dict[str, Probe[Any]] | None = None) -> None:
        super().__init__()
        self.env = env
        self.connection = connection
        self.started_connection = connection  # `:env` may replace self.connection
        self.cost_cache_dir = cost_cache_dir
        self.watch_connection(probes)
        self._start_probes = start_probes
        self.rediscovery = discovery_for(self)  # issue 9/14: names follow the stack
        self._early_results: list[ProbeResult[Any]] | None = None
        self.dashboard = DashboardScreen(env, connection,
                                         {n: p.interval_s for n, p in self.probes.items()})
        self.actions = ActionFlow(self)
        self.runbooks, self.runbook_problems = load_runbooks()
        self.runbook_sessions: dict[str, RunbookSession] = {}
        # Incident timeline (issue 5): actions and runbooks record through `self.incidents`.
        self.incidents = recorder_for(self)
        self.incident_flow = IncidentFlow(self, self.incidents)
        # Metrics & Changes (issue 13): the metrics probe's last result, the changes to mark.
        self.metrics_view = MetricsView(self, self.probes.get("metrics"))
        # What changed (issue 13): `self.changes.entries_between(start, end)` for the screens.
        self.changes = ChangeFlow(connection.ctx, connection.deployment)
        self.metrics_view.changes_provider = self.changes.entries_between
        if env.file.theme:
            self.theme = env.file.theme
        if env.file.keys:
            self.set_keymap(env.file.keys)

    def watch_connection(self, probes: dict[str, Probe[Any]] | None = None) -> None:
        """The probes and their scheduler for `self.connection` (at start, and again after
        `:` switched environment, cluster or service: console.context_switch)."""
        env, connection, cost_cache_dir = self.env, self.connection, self.cost_cache_dir
        self.probes = probes if probes is not None else build_probes(
            connection.ctx, connection.deployment, intervals=env.intervals,
            cost_cache_dir=cost_cache_dir if cost_cache_dir is not None else cache_dir(),
            cost_cache_ttl_s=env.cost_cache_ttl_s, account=connection.identity.account,
            log_options={"overlap_ms": int(env.logs_overlap_s * 1000)},
            metric_overrides=env.metric_overrides)
        self.scheduler = Scheduler(self.probes.values(), self._on_result,
                                   on_collect_start=self._on_collect_start,
                                   renew_session=connection.ctx.renew if connection.ctx else None)

    def get_default_screen(self) -> Screen:
        return self.dashboard

    def start_probes_early(self) -> None:
        """Start collecting before the UI is up: the first results arrive while Textual
        composes the screen (they wait in a buffer until it is mounted)."""
        self._early_results = []
        self.scheduler.start()

    def on_mount(self) -> None:
        early, self._early_results = self._early_results, None
        for result in early or ():
            self.post_message(ProbeUpdated(result))
        if self._start_probes:
            self.scheduler.start()
        self.rediscovery.start()
        self.incident_flow.start()  # incident timeline (issue 5): header, resume offer

    async def on_unmount(self) -> None:
        await self.rediscovery.stop()
        await self.scheduler.stop()
        if self.connection is not self.started_connection:  # opened by `:env` (issue 11)
            await self.connection.close()

    def notify(self, message: str, *, title: str = "", markup: bool = True,
               **kwargs: Any) -> None:
        """Every notification is plain, sanitised text: messages carry resource names, AWS
        error messages and log text, which must never be read as markup or escapes."""
        from console.sanitize import clean

        super().notify(clean(str(message), one_line=False, limit=2_000),
                       title=clean(title, limit=200), markup=False, **kwargs)

    def _handle_exception(self, error: Exception) -> None:
        """A bug must not print a traceback over the operator's terminal: log it to the
        log file and leave with one line (tests still see the exception through Pilot)."""
        log.error("unexpected error in the app", exc_info=error)
        self.crash = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        from rich.text import Text

        from console.errors import setup_logging

        self.bell()
        error = getattr(self, "crash", None)
        self._exit_renderables.append(Text(
            f"incident-console: unexpected error: {type(error).__name__}: {error}\n"
            f"  details are in {setup_logging()}; please report it"))
        self._close_messages_no_wait()

    # ------------------------------------------------------------------ probe results
    def _on_result(self, result: ProbeResult[Any]) -> None:
        if self._early_results is not None:
            self._early_results.append(result)
        else:
            self.post_message(ProbeUpdated(result))

    def _on_collect_start(self, name: str) -> None:
        if self._early_results is None:
            self.post_message(ProbeStarted(name))

    def on_probe_updated(self, message: ProbeUpdated) -> None:
        self.dashboard.apply(message.result)
        self.rediscovery.observe(message.result)
        self.incident_flow.observe(message.result)  # incident timeline (issue 5)
        self.metrics_view.observe(message.result)  # Metrics & Changes (issue 13)
        self.changes.observe(message.result, self.dashboard.verdict)  # issue 13

    def on_probe_started(self, message: ProbeStarted) -> None:
        self.dashboard.mark_collecting(message.probe)

    # ------------------------------------------------------------------ actions
    def action_refresh(self) -> None:
        """Collect every probe now (costs come from the cache unless it has expired)."""
        self.scheduler.refresh_all()
        self.rediscovery.retry()
        self.notify("Refreshing every pane", timeout=2)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def start_action(self, action_id: str, subject: Any = None, **inputs: Any) -> bool:
        """Start an action's flow (inputs, plan, confirmation, run); refused in read-only.
        `inputs` pre-fill the action's form (e.g. the NAT gateway a finding named)."""
        return self.actions.start(action_id, subject=subject, prefill=inputs)

    def action_runbooks(self) -> None:
        """`b`: the runbooks, the one that fits the evidence first; Enter previews one."""
        from console.runbooks.recommend import evidence_severity, recommend, verdict_of
        from console.screens.runbook_picker import RunbookPickerScreen

        snapshots = {name: pane.data for name, pane in self.dashboard.panes.items()}
        verdict = verdict_of(snapshots)
        current = self.incidents.current()
        self.push_screen(RunbookPickerScreen(
            self.runbooks, self.runbook_problems, recommend(snapshots),
            evidence_severity(verdict), verdict.headline,
            f"{current.severity} {current.title}" if current else None), self._runbook_chosen)

    def _runbook_chosen(self, answer: tuple[str, str | None] | None) -> None:
        if answer:
            self.start_runbook(answer[0], severity=answer[1], preview=False)

    def start_runbook(self, runbook_id: str, severity: str | None = None, *,
                      preview: bool = True) -> bool:
        """Open a runbook. A runbook not yet under way is previewed first (its `s` starts
        it); only starting opens an incident, at `severity`, when none is open."""
        from console.screens.runbook import RunbookScreen

        runbook = self.runbooks.get(runbook_id)
        if runbook is None:
            self.notify(f"unknown runbook {runbook_id!r}", severity="error")
            return False
        session = self.runbook_sessions.get(runbook_id)
        if session is None and preview:
            from console.runbooks.recommend import evidence_severity, verdict_of
            from console.screens.runbook_picker import RunbookPreviewScreen

            snapshots = {name: pane.data for name, pane in self.dashboard.panes.items()}
            current = self.incidents.current()
            self.push_screen(RunbookPreviewScreen(
                runbook, evidence_severity(verdict_of(snapshots)),
                open_incident=f"{current.severity} {current.title}" if current else None),
                self._runbook_chosen)
            return True
        if session is None:
            session = RunbookSession(runbook, record=self._record_runbook)
            self.runbook_sessions[runbook_id] = session
            if self.incidents.current() is not None:
                session.restore(self.incidents.load(self.incidents.current().id)
                                .of_kind("runbook"))
            elif severity:
                # Opens one, or offers to resume the incident left open on disk.
                # The title without the runbook's own "P0 " (the incident has its severity).
                title = re.sub(r"^P[0-2]\s+", "", runbook.title)
                self.incident_flow.ensure_incident(severity, title)
            session.start()
        self.push_screen(RunbookScreen(session))
        return True

    def action_what_changed(self) -> None:
        """`w`: the verdict's detail: what changed in the 30 min before it broke."""
        self.run_worker(self._show_what_changed(), group="changes", exclusive=True)

    async def _show_what_changed(self) -> None:
        from console.change_views import verdict_detail
        from console.screens.detail import DetailScreen

        await self.changes.refresh()
        # the detail box: 90 % of the screen, at most 140, less its border, padding, scrollbar
        inside = max(40, min(140, self.size.width * 9 // 10) - 6)
        self.push_screen(DetailScreen(verdict_detail(self.dashboard.verdict, self.changes,
                                                     width=inside)))

    def _record_runbook(self, runbook_id: str, step_id: str, event: str, detail: str) -> None:
        self.incidents.record_runbook(runbook_id, step_id, event, detail,
                                      self.connection.identity.arn)  # no-op without incident

    def get_system_commands(self, screen: Screen):
        yield from super().get_system_commands(screen)
        from console.actions import ACTION_CLASSES
        from console.navigation import action_palette_title, binding_key, keyed

        for cls in ACTION_CLASSES:
            yield SystemCommand(action_palette_title(self, cls), cls.description,
                                lambda action_id=cls.id: self.start_action(action_id))
        yield SystemCommand(keyed("Refresh all panes now", binding_key(self, "refresh", self)),
                            "Collect every probe now", self.action_refresh)
        yield SystemCommand(keyed("Keys", binding_key(self, "help", self)), "List every key",
                            self.action_help)
        yield SystemCommand(keyed("Runbooks", binding_key(self.dashboard, "runbooks", self)),
                            "Pick a runbook to start", self.action_runbooks)
        yield SystemCommand("What changed before this broke", "The verdict and the changes "
                            "of the 30 min before it turned bad", self.action_what_changed)
        for runbook in self.runbooks.values():
            yield SystemCommand(f"Runbook: {runbook.title}", runbook.description,
                                lambda runbook_id=runbook.id: self.start_runbook(runbook_id))
        yield from self.incident_flow.palette_commands()  # incident timeline (issue 5)
        if isinstance(screen, DashboardScreen):
            yield from screen.palette_commands()
