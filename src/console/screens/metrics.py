"""`m`: Metrics & Changes. The deployment's signals on one time axis, the changes marked on it,
and a cursor that reads the values and the changes at a moment.

Every chart shares the window (15 minutes to 24 hours, `+`/`-`); the cursor (←/→, `[`/`]` to
the previous / next change) is the same moment on every chart, and the readout under them says
each signal's value and the changes at that minute. The data is the metrics probe's last
3-hour snapshot (one GetMetricData a minute for the whole app); zooming out past 3 hours asks
for that window once. A failed collection says what AWS said, where the charts would be: an
empty chart is never shown for a denied call.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from console.metrics_readout import newest_with_data, readout_lines
from console.sanitize import clean
from console.widgets.metric_chart import MetricChart, charts_for
from probes.metric_series import MetricsSnapshot

if TYPE_CHECKING:
    from console.metrics_view import MetricsView

log = logging.getLogger(__name__)
ZOOMS = (timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1), timedelta(hours=3),
         timedelta(hours=6), timedelta(hours=12), timedelta(hours=24))
DEFAULT_ZOOM = 3  # 3 hours: what the probe collects
POLLED = timedelta(hours=3)


def span_text(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"


class MetricsScreen(Screen):
    DEFAULT_CSS = """
    MetricsScreen #metrics-title { height: 1; background: $panel; padding: 0 1; }
    MetricsScreen #metrics-problem { height: auto; max-height: 4; padding: 0 1;
                                     color: $error; display: none; }
    MetricsScreen #metrics-problem.shown { display: block; }
    MetricsScreen #charts { height: 1fr; }
    MetricsScreen #readout { height: auto; max-height: 9; padding: 0 1;
                             border-top: solid $panel-lighten-2; }
    """
    BINDINGS = [
        Binding("left,h", "move(-1)", "Earlier", id="metrics.earlier"),
        Binding("right,l", "move(1)", "Later", id="metrics.later"),
        Binding("shift+left,H", "move(-10)", "Earlier ×10", show=False,
                id="metrics.earlier_fast"),
        Binding("shift+right,L", "move(10)", "Later ×10", show=False, id="metrics.later_fast"),
        Binding("left_square_bracket", "jump(-1)", "Prev change", id="metrics.prev_change"),
        Binding("right_square_bracket", "jump(1)", "Next change", id="metrics.next_change"),
        Binding("plus,equals_sign", "zoom(-1)", "Zoom in", id="metrics.zoom_in"),
        Binding("minus", "zoom(1)", "Zoom out", id="metrics.zoom_out"),
        Binding("end", "cursor_end", "Now", show=False, id="metrics.now"),
        Binding("escape", "close", "Back", id="metrics.back"),
    ]

    def __init__(self, view: MetricsView) -> None:
        super().__init__()
        self.view = view
        self.zoom = DEFAULT_ZOOM
        # None: the newest minute with data, following new data
        self.cursor: datetime | None = None
        self.wide: dict[int, MetricsSnapshot] = {}  # zoom index -> fetched wider window
        self.fetching: int | None = None
        self.fetch_error: str | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="metrics-title")
        yield Static(id="metrics-problem")
        with VerticalScroll(id="charts"):
            for index, spec in enumerate(charts_for(self.view.snapshot)):
                yield MetricChart(spec, id=f"chart-{index}")
        yield Static(id="readout")
        yield Footer()

    def on_mount(self) -> None:
        self.data_changed()

    def on_resize(self) -> None:
        self.data_changed()

    # ------------------------------------------------------------------ state
    @property
    def span(self) -> timedelta:
        return ZOOMS[self.zoom]

    def shown_snapshot(self) -> MetricsSnapshot | None:
        if self.span > POLLED and self.zoom in self.wide:
            return self.wide[self.zoom]
        return self.view.snapshot

    def window(self, snapshot: MetricsSnapshot) -> tuple[datetime, datetime]:
        """The visible window: it ends at the data's end, unless zoomed in on an older
        cursor, when it follows the cursor."""
        end = snapshot.end
        cursor = self.cursor_at(snapshot)
        if self.span < POLLED and cursor < end - self.span / 2:
            end = max(cursor + self.span / 2, snapshot.start + self.span)
        return end - self.span, end

    def cursor_at(self, snapshot: MetricsSnapshot) -> datetime:
        if self.cursor is None:  # the last minute is often still empty: the newest data
            return newest_with_data(snapshot) or \
                snapshot.end - timedelta(seconds=snapshot.period_s)
        return max(self.cursor, snapshot.start)  # a moment that left the data: its oldest

    def step(self) -> timedelta:
        return max(timedelta(minutes=1), self.span / 60)

    # ------------------------------------------------------------------ drawing
    def data_changed(self) -> None:
        if not self.is_mounted:
            return
        snapshot = self.shown_snapshot()
        self._show_problem(snapshot)
        charts = self.query_one("#charts")
        charts.display = snapshot is not None
        if snapshot is None:
            self.query_one("#metrics-title", Static).update("Metrics & Changes")
            self.query_one("#readout", Static).update("")
            return
        start, end = self.window(snapshot)
        cursor = self.cursor_at(snapshot)
        changes = self.view.changes(start, end)
        for index, chart in enumerate(self.query(MetricChart)):
            chart.draw(snapshot, end, self.span, changes, cursor, label_changes=index == 0)
        fetching = f" · fetching {span_text(self.span)}…" if self.fetching == self.zoom else ""
        self.query_one("#metrics-title", Static).update(clean(
            f"Metrics & Changes · {span_text(self.span)} {start:%H:%M}–{end:%H:%M} UTC · "
            f"{snapshot.period_s // 60}-min points{fetching}", limit=400))
        width = max(40, self.size.width - 2)
        lines = readout_lines(snapshot, cursor, changes, self.step(), width)
        self.query_one("#readout", Static).update("\n".join(lines))

    def _show_problem(self, snapshot: MetricsSnapshot | None) -> None:
        problem = self.query_one("#metrics-problem", Static)
        result = self.view.result
        text = ""
        if result is not None and result.error is not None:
            error = result.error
            head = (f"Showing data of {self.view.snapshot.end:%H:%M} UTC (stale): "
                    if snapshot is not None else "Metrics not collected: ")
            text = f"{head}{error.summary()}\n{error.message}\nfix: {error.fix}"
        elif self.fetch_error and self.span > POLLED:
            text = f"The {span_text(self.span)} window was not fetched: {self.fetch_error}"
        elif snapshot is None:
            text = "Collecting metrics (one GetMetricData a minute for every signal)…"
        problem.update(clean(text, one_line=False, limit=1_000))
        problem.set_class(bool(text), "shown")
        for note in (snapshot.notes if snapshot else ()):
            problem.update(clean(f"{text}\n{note}".strip(), one_line=False, limit=1_000))
            problem.set_class(True, "shown")

    # ------------------------------------------------------------------ keys
    def action_move(self, steps: int) -> None:
        snapshot = self.shown_snapshot()
        if snapshot is None:
            return
        first = snapshot.end - self.span if self.span > POLLED else snapshot.start
        last = snapshot.end - timedelta(seconds=snapshot.period_s)
        moved = self.cursor_at(snapshot) + self.step() * steps
        self.cursor = None if moved >= last else max(first, moved)
        self.data_changed()

    def action_jump(self, direction: int) -> None:
        snapshot = self.shown_snapshot()
        if snapshot is None:
            return
        cursor = self.cursor_at(snapshot)
        entries = self.view.changes(snapshot.end - max(self.span, POLLED), snapshot.end)
        later = [e.at for e in entries if e.at > cursor + timedelta(seconds=1)]
        earlier = [e.at for e in entries if e.at < cursor - timedelta(seconds=1)]
        target = (min(later) if later else None) if direction > 0 else (
            max(earlier) if earlier else None)
        if target is None:
            self.notify("No change " + ("after" if direction > 0 else "before") +
                        " the cursor in this window", timeout=3)
            return
        self.cursor = target
        self.data_changed()

    def action_zoom(self, direction: int) -> None:
        self.zoom = min(len(ZOOMS) - 1, max(0, self.zoom + direction))
        if self.span > POLLED and self.zoom not in self.wide and self.view.probe is not None:
            self.fetching = self.zoom
            self._fetch(self.zoom)
        self.data_changed()

    def action_cursor_end(self) -> None:
        self.cursor = None
        self.data_changed()

    def action_close(self) -> None:
        self.dismiss()

    @work(exclusive=True, group="metrics-window", exit_on_error=False)
    async def _fetch(self, zoom: int) -> None:
        from probes.errors import ErrorKind, classify

        try:
            self.wide[zoom] = await self.view.fetch_window(ZOOMS[zoom])
            self.fetch_error = None
        except Exception as exc:  # classified: AWS's own words, never a traceback
            error = classify(exc, action="cloudwatch:GetMetricData")
            if error.kind is ErrorKind.OTHER:
                log.warning("metrics window fetch failed", exc_info=exc)
            self.fetch_error = error.summary()
        finally:
            self.fetching = None
        self.data_changed()
