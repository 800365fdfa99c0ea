"""One chart of the Metrics & Changes screen: a few signals on the screen's shared time axis,
the changes marked on it, and the cursor.

Drawn with plotext (textual-plotext's `PlotextPlot`); nothing is plotted by hand. The x axis is
minutes relative to the window's end, labelled in UTC, the same for every chart of the screen.
Readable without colour: each line of a chart has its own marker character, named in the
legend; a change is a vertical rule with its kind's letter on top; the cursor is a dotted rule,
laid on plotext's text in the column plotext maps its time to (a cursor move replots nothing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual.geometry import Size
from textual_plotext import PlotextPlot

from console.sanitize import clean
from probes.change_entry import ChangeEntry
from probes.metric_series import MetricsSnapshot

MARKERS = ("•", "x", "+", "o")  # one per line of a chart: told apart without colour
CURSOR_MARKER = "┊"
# The letter marking each kind of change on the axis (the readout spells them out).
KIND_LETTERS = {"deployment": "D", "task-definition": "T", "stack": "S", "config": "C",
                "action": "A", "alarm": "!", "target-health": "H", "task-stop": "X",
                "service-event": "E", "log-errors": "L"}
# Kinds drawn as a rule across the charts; the others only in the readout (too many).
MARKED_KINDS = ("deployment", "task-definition", "stack", "config", "action", "alarm")


@dataclass(frozen=True)
class ChartSpec:
    title: str
    signals: tuple[str, ...]


DEFAULT_CHARTS = (
    ChartSpec("5xx responses", ("alb_elb_5xx", "alb_target_5xx")),
    ChartSpec("Hosts and tasks", ("tg_healthy", "tg_unhealthy", "ecs_running_tasks")),
    ChartSpec("Memory %", ("ecs_mem_avg", "ecs_mem_max")),
    ChartSpec("CPU %", ("ecs_cpu_avg", "ecs_cpu_max")),
    ChartSpec("Latency s", ("alb_latency_p50", "alb_latency_p95")),
    ChartSpec("Requests", ("alb_requests",)),
)


def charts_for(snapshot: MetricsSnapshot | None) -> tuple[ChartSpec, ...]:
    """The default charts, plus one per signal the config added (known ones keep theirs)."""
    charted = {s for c in DEFAULT_CHARTS for s in c.signals}
    extra = tuple(ChartSpec(clean(s.label, limit=40), (s.signal,))
                  for s in (snapshot.series if snapshot else ()) if s.signal not in charted)
    return DEFAULT_CHARTS + extra


def minutes_before(end: datetime, at: datetime) -> float:
    return (at - end).total_seconds() / 60.0


def tick_labels(end: datetime, span: timedelta, count: int = 4) -> tuple[list[float], list[str]]:
    """Evenly spaced ticks over the window, labelled HH:MM UTC (with the date over 12 h)."""
    minutes = span.total_seconds() / 60.0
    ticks = [-minutes + minutes * i / count for i in range(count + 1)]
    fmt = "%d %H:%M" if span > timedelta(hours=12) else "%H:%M"
    return ticks, [(end + timedelta(minutes=t)).strftime(fmt) for t in ticks]


def column_peaks(xs: list[float], ys: list[float], columns: int) -> tuple[list[float],
                                                                          list[float]]:
    """At most `columns` points: each run of points sharing a column keeps its highest (a
    spike of one minute stays visible; the readout gives every minute). Halves plotext's
    work at 80 columns, where 3 hours is 2.5 minutes a column."""
    if len(xs) <= columns:
        return xs, ys
    per = len(xs) / columns
    out_x: list[float] = []
    out_y: list[float] = []
    for column in range(columns):
        lo, hi = int(column * per), max(int((column + 1) * per), int(column * per) + 1)
        chunk = range(lo, min(hi, len(xs)))
        peak = max(chunk, key=lambda i: ys[i])
        out_x.append(xs[peak])
        out_y.append(ys[peak])
    return out_x, out_y


def without_flat_runs(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    """The points without the inside of runs of one value: the line from a run's first point
    to its last is the same row of the same cells, so the chart is drawn the same, with fewer
    segments for plotext to trace (hosts, tasks and a quiet 5xx count are flat for hours)."""
    keep = [i for i in range(len(ys))
            if i in (0, len(ys) - 1) or not ys[i - 1] == ys[i] == ys[i + 1]]
    return [xs[i] for i in keep], [ys[i] for i in keep]


def with_cursor(chart: Text, x: float | None, x_range: tuple[float, float]) -> Text:
    """`chart` (plotext's text) with the cursor's dotted rule at `x`, in the column plotext
    gives `x` (its own mapping over the plot box, whose bottom corners bound the canvas); the
    lines' markers stay readable at the cursor. Unchanged when there is no cursor or box."""
    if x is None:
        return chart
    lines = chart.split("\n", allow_blank=True)
    plain = [line.plain for line in lines]
    top = next((i for i, line in enumerate(plain) if "┌" in line), None)
    bottom = next((i for i, line in enumerate(plain) if "└" in line), None)
    if top is None or bottom is None or bottom <= top + 1 or "┘" not in plain[bottom]:
        return chart
    left = plain[bottom].index("└") + 1
    bins = plain[bottom].index("┘", left) - left
    low, high = x_range
    column = left + math.floor(round(0.5 + (bins - 1) * (x - low) / (high - low), 8))
    for row in range(top + 1, bottom):
        if column < len(plain[row]) and plain[row][column] in " │":
            line = lines[row]
            lines[row] = Text.assemble(line[:column], CURSOR_MARKER, line[column + 1:])
    return Text("\n").join(lines)


class MetricChart(PlotextPlot):
    """A chart of `spec`'s signals; `draw` replots it from the screen's state."""

    DEFAULT_CSS = """
    MetricChart { height: 10; width: 1fr; }
    """

    def __init__(self, spec: ChartSpec, **kwargs) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.theme = "clear"  # the terminal's own colours; markers carry the meaning
        self.plotted_snapshot: MetricsSnapshot | None = None
        self.plotted: tuple = ()
        self.plot_args: tuple = ()  # the last draw's, to replot at a new width
        self.plotted_width = 0
        self.built: tuple[Size, Text] | None = None  # (size, plotext's chart) without cursor
        self.cursor_x: float | None = None
        self.x_range = (-1.0, 0.0)

    def draw(self, snapshot: MetricsSnapshot, end: datetime, span: timedelta,
             changes: Sequence[ChangeEntry], cursor: datetime | None, *,
             label_changes: bool = True) -> None:
        """Show the window ending at `end`; a move of the cursor alone does not replot."""
        marks = tuple((e.at, e.kind) for e in changes if e.kind in MARKED_KINDS)
        plotted = (end, span, marks, label_changes)
        start = end - span
        self.cursor_x = (minutes_before(end, cursor)
                         if cursor is not None and start <= cursor <= end else None)
        self.plot_args = (snapshot, end, span, changes, label_changes)
        if snapshot is not self.plotted_snapshot or plotted != self.plotted:
            self.plotted_snapshot, self.plotted = snapshot, plotted
            self._plot_chart(*self.plot_args)
            self.built = None
        self.refresh()

    def _plot_chart(self, snapshot: MetricsSnapshot, end: datetime, span: timedelta,
                    changes: Sequence[ChangeEntry], label_changes: bool) -> None:
        plt = self.plt
        self.plotted_width = self.size.width  # the points kept depend on it (column_peaks)
        plt.clear_data()
        plt.clear_figure()
        plt.theme("clear")
        start = end - span
        top = 0.0
        drawn = 0
        for index, signal in enumerate(self.spec.signals):
            series = snapshot.get(signal)
            if series is None:
                continue
            points = [p for p in series.points if start <= p.at <= end]
            label = clean(f"{series.label} ({series.unit})", limit=30)
            if not points:
                label += " no data"
            xs, ys = column_peaks([minutes_before(end, p.at) for p in points] or [0.0],
                                  [p.value for p in points] or [0.0],
                                  max(10, self.size.width - 8))
            top = max(top, *ys)
            xs, ys = without_flat_runs(xs, ys)
            plt.plot(xs, ys, marker=MARKERS[index % len(MARKERS)], label=label)
            drawn += 1
        top = top * 1.1 if top > 0 else 1.0
        for entry in changes:
            if entry.kind in MARKED_KINDS and start <= entry.at <= end:
                x = minutes_before(end, entry.at)
                plt.vline(x)
                if label_changes:
                    plt.text(KIND_LETTERS.get(entry.kind, "?"), x, top)
        ticks, labels = tick_labels(end, span)
        plt.xticks(ticks, labels)
        plt.xlim(ticks[0], 0.0)
        self.x_range = (ticks[0], 0.0)
        plt.ylim(0.0, top)
        plt.title(self.spec.title if drawn else f"{self.spec.title}: not collected")

    def render(self) -> Text:
        """plotext builds the chart once per data, window and size; the cursor is laid on
        the built text (a cursor move redraws no line)."""
        if self.built is None or self.built[0] != self.size:
            if self.plot_args and self.plotted_width != self.size.width:
                self._plot_chart(*self.plot_args)  # resized: as many points as columns
            self.built = (self.size, super().render())
        return with_cursor(self.built[1], self.cursor_x, self.x_range)
