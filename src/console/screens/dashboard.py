"""The dashboard: header with the verdict, six panes, and a summary strip on small terminals.

Layout: at 100x30 and up the six panes share a grid; below that (or when zoomed with `z`) one
pane fills the screen and the summary strip shows every pane's headline, with the number keys
switching panes. Resizing only toggles CSS classes: no widget is rebuilt, nothing is lost.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from console import clock
from console.config import Environment
from console.names import common_prefix
from console.panes import PANE_CLASSES
from console.panes.base import Pane
from console.panes.metrics import MetricsPane, has_room
from console.screens.detail import DetailScreen
from console.widgets.status_header import StatusHeader
from console.widgets.summary_strip import SummaryStrip
from probes.result import ProbeResult
from probes.suite import Connection
from probes.verdict import Verdict, judge

log = logging.getLogger(__name__)
COMPACT_WIDTH = 100
COMPACT_HEIGHT = 30


ROOMY_PANES = ("stack", "costs")  # narrow in the grid: widened when they hold the reason


def room_for(reasons: tuple[str, ...]) -> str:
    """Which narrow pane holds the verdict's first reason (probes.verdict's words): the
    stack's failure or a budget; "" for the others (they are wide already)."""
    first = reasons[0] if reasons else ""
    if first.startswith("stack "):
        return "stack"
    if first.startswith("budget "):
        return "costs"
    return ""


class DashboardScreen(Screen):
    # The footer shows these in order and an 80-column terminal cuts it after about eight:
    # the way to every other key (?) comes first; zoom and filter are listed by ? and Ctrl+P.
    BINDINGS = [
        Binding("question_mark", "app.help", "Keys", id="help"),
        *(Binding(str(cls.number), f"show_pane({cls.number})", f"{cls.title} pane", show=False,
                  id=f"pane.{cls.number}")
          for cls in sorted(PANE_CLASSES, key=lambda c: c.number)),
        Binding("l", "open_logs", "Logs", id="logs"),
        Binding("m", "open_metrics", "Metrics & Changes", show=False, id="metrics"),  # issue 13
        Binding("b", "app.runbooks", "Runbooks", id="runbooks"),
        Binding("w", "app.what_changed", "What changed", show=False, id="changes.before"),
        Binding("d", "open_diagnostics", "Diagnostics", id="diagnostics"),
        Binding("z", "zoom", "Zoom", show=False, id="zoom"),
        Binding("slash", "filter", "Filter", show=False, id="filter"),
        Binding("escape", "back", "Back", show=False, id="back"),
        # Incident timeline (issue 5): handled by the app's IncidentFlow (console.incident_flow).
        Binding("i", "incident('open_incident')", "Incident", id="incident.open"),
        Binding("n", "incident('add_note')", "Incident note", show=False, id="incident.note"),
        Binding("T", "incident('show_timeline')", "Incident timeline", show=False,
                id="incident.timeline"),
        # Log tail (issue 4): `t` on an ECS task row opens its own stream.
        Binding("t", "task_logs", "Task logs", show=False, id="logs.task"),
        # Issue 11 point 6 (console.navigation): events list, raw JSON, command mode.
        Binding("e", "service_events", "Service events", show=False, id="events"),
        Binding("v", "raw_json", "Raw JSON", show=False, id="raw_json"),
        Binding("colon", "command_mode", "Command", show=False, id="command"),
    ]

    def __init__(self, env: Environment, connection: Connection,
                 intervals: dict[str, float]) -> None:
        super().__init__()
        self.env = env
        self.connection = connection
        self.intervals = intervals
        self.panes: dict[str, Pane[Any]] = {
            cls.probe: cls(interval_s=intervals.get(cls.probe)) for cls in PANE_CLASSES
        }
        prefix = common_prefix(connection.deployment.stack) if connection.deployment else ""
        for pane in self.panes.values():  # tables show names without the stack's name
            pane.name_prefix = prefix
        # Issue 13: a Metrics pane under the six where the terminal has room (not one of
        # `panes`, which the verdict, the summary strip and `complete` read).
        self.metrics_pane = MetricsPane(interval_s=intervals.get("metrics"))
        self.active = "ecs"
        self.zoomed = False
        self.started = time.monotonic()
        self.broken_panes: set[str] = set()
        self.complete_logged = False
        self.verdict_inputs: dict[str, Any] = {}  # last good data of probes without a pane
        self.verdict: Verdict | None = None

    def compose(self) -> ComposeResult:
        header = StatusHeader(self.env.name, self.env.aws.region, self.env.write,
                              self.env.aws.endpoint_url, id="header")
        header.identity = self.connection.identity
        yield header
        yield SummaryStrip(id="summary")
        with Container(id="grid"):
            yield from self.panes.values()
            yield self.metrics_pane
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self._layout(self.size.width, self.size.height)
        self.action_show_pane(self.panes[self.active].number)

    # ---------------------------------------------------------------- data
    def apply(self, result: ProbeResult[Any]) -> None:
        if result.probe == self.metrics_pane.probe:
            self.metrics_pane.apply(result)
        pane = self.panes.get(result.probe)
        if pane is None:  # a probe without a pane (datapath) feeds only the verdict
            if result.ok:
                self.verdict_inputs[result.probe] = result.data
                self._refresh_verdict()
            return
        if not pane.apply(result) and result.probe not in self.broken_panes:
            # The pane says so itself (STALE · display error) and retries with the next
            # result; the toast only draws the eye to it once.
            self.broken_panes.add(result.probe)
            self.notify(f"The {pane.title} pane could not show new data (a bug: details "
                        "in the log file). It is marked STALE and tries again with the next "
                        "result.", severity="error", timeout=10)
        self._refresh_verdict()
        self._refresh_summary()
        if not self.complete_logged and all(p.showing for p in self.panes.values()):
            self.complete_logged = True
            # One line an operator (and the dashboard benchmark) can read in the log file.
            log.info("first complete screen at %.3f (epoch s), %.2f s after the app started",
                     time.time(), time.monotonic() - self.started)

    def mark_collecting(self, probe: str) -> None:
        pane = self.panes.get(probe)
        if pane is not None:
            pane.mark_collecting()

    def _refresh_verdict(self) -> None:
        verdict = judge(stack=self.panes["stack"].data, service=self.panes["ecs"].data,
                        targets=self.panes["targets"].data, alarms=self.panes["alarms"].data,
                        costs=self.panes["costs"].data,
                        datapath=self.verdict_inputs.get("datapath"),
                        pending=[] if "datapath" in self.verdict_inputs else ["datapath"],
                        unseen={name: pane.last_error.summary()
                                for name, pane in self.panes.items()
                                if pane.last_error is not None})
        self.verdict = verdict  # what changed before it broke (issue 13) reads it
        for header in self.query(StatusHeader):  # none yet (or any more) while not mounted
            header.verdict = verdict
        self._give_room(room_for(verdict.reasons))

    def _give_room(self, probe: str) -> None:
        """The pane that holds the verdict's reason gets more of the grid (app.tcss)."""
        for grid in self.query("#grid"):
            for name in ROOMY_PANES:
                grid.set_class(name == probe, f"-room-{name}")

    def _refresh_summary(self) -> None:
        strips = self.query(SummaryStrip)  # none while the screen closes or composes
        if not strips:
            return
        strip = strips.first()
        if strip.display:
            strip.show([(f"{p.number} {p.title.split()[0]}", p.headline(), name == self.active)
                        for name, p in self.panes.items()])

    def _tick(self) -> None:
        now = clock.now()
        stale = [pane.stale for pane in self.panes.values()]
        for pane in (*self.panes.values(), self.metrics_pane):
            pane.tick(now)
        if stale != [pane.stale for pane in self.panes.values()]:
            self._refresh_summary()  # gone stale with no result (a hung call): say so there

    # ---------------------------------------------------------------- layout
    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        compact = width < COMPACT_WIDTH or height < COMPACT_HEIGHT
        self.set_class(compact, "-compact")
        single = compact or self.zoomed
        self.set_class(single, "-single")
        self.query_one("#grid").set_class(has_room(width, height) and not single, "-metrics")
        self.query_one(SummaryStrip).display = single
        self._refresh_summary()

    @property
    def is_single(self) -> bool:
        return self.has_class("-single")

    # ---------------------------------------------------------------- keys
    def action_show_pane(self, number: int) -> None:
        pane = next(p for p in self.panes.values() if p.number == number)
        self.metrics_pane.remove_class("-active")
        for name, other in self.panes.items():
            other.set_class(other is pane, "-active")
            if other is pane:
                self.active = name
        pane.body.focus()
        self._refresh_summary()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        on_metrics = event.widget in self.metrics_pane.walk_children()
        self.metrics_pane.set_class(on_metrics, "-active")  # what zoom shows
        for pane in self.panes.values() if on_metrics else ():
            pane.remove_class("-active")
        for name, pane in self.panes.items():
            if event.widget in pane.walk_children() and name != self.active:
                self.active = name
                for other in self.panes.values():
                    other.set_class(other is pane, "-active")
                self._refresh_summary()

    def action_zoom(self) -> None:
        """Toggle the focused pane full screen."""
        self.zoomed = not self.zoomed
        self._layout(self.size.width, self.size.height)
        zoomed = self.metrics_pane if self.metrics_pane.has_class("-active") else \
            self.panes[self.active]
        zoomed.body.focus()

    def action_filter(self) -> None:
        if self.metrics_pane.has_class("-active"):
            return  # sparklines have no rows to filter
        self.panes[self.active].start_filter()

    def action_back(self) -> None:
        pane = self.panes[self.active]
        if pane.clear_filter():
            return
        if self.zoomed:
            self.action_zoom()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        for pane in self.panes.values():
            if event.data_table in pane.walk_children():
                detail = pane.detail(str(event.row_key.value))
                if detail is not None:
                    self.app.push_screen(DetailScreen(detail))
                return

    def action_open_metrics(self) -> None:
        self.app.metrics_view.open()

    def action_open_diagnostics(self) -> None:
        """Every troubleshooting-guide diagnostic, run now, on a screen of its own."""
        from console.screens.diagnostics import DiagnosticsScreen

        self.app.push_screen(DiagnosticsScreen(self.connection, self.panes))

    # ---------------------------------------------------------------- log tail (issue 4)
    def action_open_logs(self) -> None:
        """The full-screen log view, following the service's log groups."""
        from console.screens.log_view import LogViewScreen
        from probes.log_sources import TailTarget

        groups = self.connection.deployment.log_groups
        self.app.push_screen(LogViewScreen(self.connection.ctx, TailTarget(
            groups, title=", ".join(groups)), max_lines=self.env.file.log_lines))

    def action_task_logs(self) -> None:
        """The log view of the task highlighted in the ECS pane: its own streams, named by
        its task definition's awslogs-stream-prefix."""
        table = self.panes["ecs"].query_one(DataTable)
        if not table.row_count:
            self.notify("Highlight a task in the ECS pane (2) first", markup=False)
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        task = self.panes["ecs"].task(str(key))  # type: ignore[attr-defined]
        if task is None:
            self.notify("Highlight a task in the ECS pane (2) first", markup=False)
            return
        self.run_worker(self._open_task_logs(task), group="task-logs", exit_on_error=False)

    async def _open_task_logs(self, task: Any) -> None:
        from console.sanitize import clean
        from console.screens.log_view import LogViewScreen
        from probes.errors import classify
        from probes.log_sources import task_target

        try:
            target = await task_target(self.connection.ctx, task.task_definition, task.task_id)
        except LookupError as exc:
            self.notify(clean(str(exc), limit=200), severity="warning", markup=False)
            return
        except Exception as exc:  # noqa: BLE001 - shown, never raised into the UI
            summary = classify(exc, action="ecs:DescribeTaskDefinition").summary()
            self.notify(clean(summary, limit=200), severity="error", markup=False)
            return
        self.app.push_screen(LogViewScreen(self.connection.ctx, target,
                                           max_lines=self.env.file.log_lines))

    def action_service_events(self) -> None:
        from console.screens.service_events import ServiceEventsScreen

        self.app.push_screen(ServiceEventsScreen())

    def action_raw_json(self) -> None:
        from console.navigation import open_raw_json

        open_raw_json(self)

    def action_command_mode(self) -> None:
        from console.navigation import open_command_line

        open_command_line(self.app)

    def action_incident(self, method: str) -> None:
        """Incident keys (issue 5): `method` is an `IncidentFlow` method taking no argument."""
        getattr(self.app.incident_flow, method)()

    def palette_commands(self):
        """The dashboard's commands, each with its key (console.navigation.keyed)."""
        from console.navigation import binding_key, keyed

        def key(binding_id: str) -> str | None:
            return binding_key(self, binding_id, self.app)

        for pane in self.panes.values():
            yield SystemCommand(keyed(f"Show pane {pane.number}: {pane.title}",
                                      key(f"pane.{pane.number}")),
                                f"Jump to the {pane.title} pane",
                                lambda n=pane.number: self.action_show_pane(n))
        for title, help_text, binding_id, run in (
                ("Zoom the focused pane", "Toggle full screen for the focused pane", "zoom",
                 self.action_zoom),
                ("Filter the focused pane", "Show only rows containing some text", "filter",
                 self.action_filter),
                ("Diagnostics", "Run every troubleshooting-guide diagnostic", "diagnostics",
                 self.action_open_diagnostics),
                ("Service events", "Every ECS service event held, newest first", "events",
                 self.action_service_events),
                ("Raw JSON of the highlighted row", "The resource as AWS describes it now",
                 "raw_json", self.action_raw_json),
                ("Command: switch environment, cluster or service",
                 "env NAME, cluster NAME [SERVICE], service NAME", "command",
                 self.action_command_mode),
                ("Metrics & Changes", "The signals on one time axis, changes marked",
                 "metrics", self.action_open_metrics),
                ("Logs", "The full-screen log view", "logs", self.action_open_logs),
                ("Task logs", "The log view of the highlighted ECS task", "logs.task",
                 self.action_task_logs)):
            yield SystemCommand(keyed(title, key(binding_id)), help_text, run)
