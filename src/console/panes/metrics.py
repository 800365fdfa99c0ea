"""The dashboard's Metrics pane (issue 13): the key signals' last 3 hours as sparklines, with
each one's newest datapoint, where the terminal has room for it.

At 160x45 and larger it is a strip under the six panes (smaller terminals keep their layout);
zoomed (`z` with the pane focused) it fills the screen and shows every signal, one a line.
Enter (or `m` from anywhere on the dashboard) opens the Metrics & Changes screen. The data is
the metrics probe's result, the same one the screen charts: no request of its own. A minute
CloudWatch holds no datapoint for is a blank column, never a bar; an error keeps the last
sparklines, marked STALE with AWS's message (the base pane's behaviour).
"""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from console.metrics_readout import format_value, newest_with_data
from console.panes.base import Pane
from console.panes.costs import BARS
from console.sanitize import clean
from probes.metric_series import MetricSeries, MetricsSnapshot

ROOM_WIDTH = 160  # the pane joins the grid at this size and larger
ROOM_HEIGHT = 45
# The signals an outage shows first: errors, latency, lost hosts, starved tasks.
KEY_SIGNALS = ("alb_elb_5xx", "alb_target_5xx", "alb_latency_p95", "tg_unhealthy",
               "ecs_cpu_max", "ecs_mem_max")
LABEL_WIDTH = 16
VALUE_WIDTH = 16  # " 412 at 05:49"


def has_room(width: int, height: int) -> bool:
    return width >= ROOM_WIDTH and height >= ROOM_HEIGHT


def sparkline(series: MetricSeries, snapshot: MetricsSnapshot, width: int) -> str:
    """The window in `width` columns, each the highest datapoint of its minutes (a spike of
    one minute shows); a column without any datapoint is blank. Scaled to the series' top."""
    span = (snapshot.end - snapshot.start).total_seconds()
    columns: list[float | None] = [None] * width
    for point in series.points:
        offset = (point.at - snapshot.start).total_seconds()
        if 0 <= offset < span:
            column = int(offset / span * width)
            now = columns[column]
            columns[column] = point.value if now is None else max(now, point.value)
    top = max((v for v in columns if v is not None), default=0.0)
    return "".join(" " if v is None else BARS[0] if top <= 0 else
                   BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))]
                   for v in columns)


def signal_cell(series: MetricSeries, snapshot: MetricsSnapshot, width: int) -> Text:
    """``ELB 5xx  ▁▁▁▁▂▇██  412 at 05:49``: label, sparkline, newest datapoint and its minute."""
    latest = series.latest
    value = ("no data" if latest is None else
             f"{format_value(latest.value, series.unit)} at {latest.at:%H:%M}")
    cell = Text(clean(series.label, limit=LABEL_WIDTH).ljust(LABEL_WIDTH), style="bold")
    cell.append(sparkline(series, snapshot, max(4, width - LABEL_WIDTH - VALUE_WIDTH - 2)))
    cell.append(f" {value}"[:VALUE_WIDTH + 1].ljust(VALUE_WIDTH + 1))
    return cell


class MetricsSparks(Static, can_focus=True):
    """The pane's body: drawn from the snapshot at its own size (resizing redraws it)."""

    DEFAULT_CSS = "MetricsSparks { height: 1fr; }"
    BINDINGS = [Binding("enter", "open_metrics", "Metrics & Changes", id="metrics.open")]

    snapshot: MetricsSnapshot | None = None

    def render(self) -> Text:
        snapshot = self.snapshot
        if snapshot is None:
            return Text("")
        width, height = self.size
        tall = height >= len(snapshot.series)
        shown = list(snapshot.series) if tall else [
            s for s in (snapshot.get(name) for name in KEY_SIGNALS) if s is not None]
        per_row = 1 if tall or width < 2 * (LABEL_WIDTH + VALUE_WIDTH + 20) else 2
        cell_width = width // per_row - (1 if per_row > 1 else 0)
        text = Text()
        for row in range(0, len(shown), per_row):
            if row:
                text.append("\n")
            for index, series in enumerate(shown[row:row + per_row]):
                if index:
                    text.append(" ")
                text.append_text(signal_cell(series, snapshot, cell_width))
        return text

    def action_open_metrics(self) -> None:
        self.app.metrics_view.open()


class MetricsPane(Pane[MetricsSnapshot]):
    probe = "metrics"
    title = "Metrics"
    number = 7
    interval_s = 60.0

    def compose_body(self) -> ComposeResult:
        yield MetricsSparks(id="metrics-sparks")

    @property
    def body(self) -> Widget:
        return self.query_one(MetricsSparks)

    def redraw(self) -> None:
        super().redraw()  # the status line (the pane has no table)
        sparks = self.query_one(MetricsSparks)
        sparks.snapshot = self.data
        sparks.refresh()

    def status_line(self, data: MetricsSnapshot) -> Text:
        newest = newest_with_data(data)
        hours = int((data.end - data.start) / timedelta(hours=1))
        text = Text(f"{hours} h to {data.end:%H:%M} UTC, {data.period_s // 60}-min points · ",
                    style="dim")
        if newest is None:
            text.append("no datapoint in the window", style="bold")
        else:
            minutes = int((data.end - newest).total_seconds() // 60)
            text.append(f"newest data {newest:%H:%M} ({minutes} min before {data.end:%H:%M})")
        text.append(" · Enter or m: Metrics & Changes", style="dim")
        return text
