"""Benchmark the Metrics & Changes screen: redraw time of 3 h x 12 series, and the idle CPU
the open screen adds.

The data is real demo data: the p0-outage scenario is built on an in-process emulator and
the metrics probe reads it once (one GetMetricData: 12 signals x 180 minutes). Then:

- redraw: what the user waits for after a key or a result: the screen redraws every chart's
  data, every chart (also those scrolled out of view) is rendered to its screen lines
  (plotext's build, Rich's parsing of its text, Textual's strips and borders), and the
  compositor renders a full frame, written as the terminal's escape codes. Three kinds, the
  median and p95 of `--redraws` each, at 80x24 and at 200x50: a cursor move (the frame alone,
  and every chart), and new data (every chart replotted: what every cursor move cost before
  the cursor was laid on the built chart). Before, the benchmark timed plotext's build alone;
- idle CPU: the process's CPU time over `--idle` seconds with the screen open and no input,
  against the same app showing an empty screen; plus one redraw per probe interval (60 s)
  amortised, which is what new data costs.

    python benchmarks/metrics_benchmark.py [--redraws 50] [--idle 20]

Targets (issue 13): a redraw under 50 ms; the screen adds under 1 % idle CPU. Run it on a
quiet machine; the numbers are this machine's.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import time
from datetime import timedelta

from textual.app import App
from textual.screen import Screen


async def demo_snapshot():
    from console.demo.build import build
    from console.demo.harness import ScenarioHandle
    from console.demo.server import Emulator
    from probes.context import AwsContext
    from probes.deployment import discover
    from probes.metrics import MetricsProbe

    with Emulator() as emulator:
        built = build(emulator.endpoint_url, "p0-outage")
        handle = ScenarioHandle("p0-outage", emulator.endpoint_url, built)
        async with AwsContext(handle.settings()) as ctx:
            deployment = await discover(ctx, "children-drawing-prod")
            result = await MetricsProbe.for_deployment(ctx, deployment).run()
    assert result.ok, result.error
    return result.data


def changes_for(snapshot):
    from probes.change_entry import ChangeEntry

    end = snapshot.end
    return [ChangeEntry(end - timedelta(minutes=m), kind, "children-drawing-prod-service", text)
            for m, kind, text in ((31, "deployment", "ECS deployment created"),
                                  (38, "alarm", "alb-5xx-high OK -> ALARM"),
                                  (95, "task-definition", "revision 7 registered"),
                                  (150, "stack", "UPDATE_COMPLETE"))]


class BenchApp(App[None]):
    def __init__(self, snapshot, open_metrics: bool) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.open_metrics = open_metrics

    def on_mount(self) -> None:
        from console.metrics_view import MetricsView
        from console.screens.metrics import MetricsScreen

        if self.open_metrics:
            view = MetricsView(self, None)
            view.snapshot = self.snapshot
            entries = changes_for(self.snapshot)
            view.changes_provider = lambda start, end: [e for e in entries
                                                        if start <= e.at <= end]
            self.push_screen(MetricsScreen(view))
        else:
            self.push_screen(Screen())


def full_frame(app) -> None:
    """The whole screen as the terminal receives it: the compositor's full update (every
    visible widget's lines) rendered to escape codes."""
    from rich.console import Console

    width, height = app.size
    console = Console(file=io.StringIO(), width=width, height=height, force_terminal=True,
                      color_system="truecolor", legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True), end="")


def every_chart_and_frame(app) -> None:
    """Every chart (also those scrolled out of view) rendered to its lines, then the frame."""
    from textual.geometry import Region

    from console.widgets.metric_chart import MetricChart

    for chart in app.screen.query(MetricChart):
        width, height = chart.size
        chart.render_lines(Region(0, 0, width, height))
    full_frame(app)


async def redraws(snapshot, size: tuple[int, int], count: int) -> dict[str, list[float]]:
    """Redraw times in ms: `move` a cursor move (the frame alone, and every chart), `data`
    a new result (every chart replotted: what every cursor move cost before the cursor was
    laid on the built chart)."""
    from dataclasses import replace

    app = BenchApp(snapshot, open_metrics=True)
    times: dict[str, list[float]] = {"frame": [], "move": [], "data": [], "seen": []}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        view = screen.view
        for index in range(count):
            started = time.perf_counter()  # the frame the user sees: the charts in view
            screen.action_move(-1 if index % 2 else 1)
            screen._refresh_layout(size=app.size)  # what the next idle does first
            full_frame(app)
            times["frame"].append((time.perf_counter() - started) * 1000)
            await pilot.pause()
            started = time.perf_counter()
            screen.action_move(1 if index % 2 else -1)
            every_chart_and_frame(app)
            times["move"].append((time.perf_counter() - started) * 1000)
            await pilot.pause()
            view.snapshot = replace(snapshot)  # a new result: equal data, a new object
            started = time.perf_counter()
            screen.data_changed()
            every_chart_and_frame(app)
            times["data"].append((time.perf_counter() - started) * 1000)
            await pilot.pause()
            view.snapshot = replace(snapshot)  # again, timing the frame the user sees:
            started = time.perf_counter()  # Textual builds only the charts in view
            screen.data_changed()
            screen._refresh_layout(size=app.size)
            full_frame(app)
            times["seen"].append((time.perf_counter() - started) * 1000)
            await pilot.pause()
    return times


async def idle_cpu(snapshot, open_metrics: bool, seconds: float) -> float:
    app = BenchApp(snapshot, open_metrics=open_metrics)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        return (time.process_time() - cpu) / (time.perf_counter() - wall) * 100


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redraws", type=int, default=50)
    parser.add_argument("--idle", type=float, default=20.0)
    parser.add_argument("--no-idle", action="store_true", help="redraws only")
    args = parser.parse_args()
    snapshot = await demo_snapshot()
    points = sum(len(s.points) for s in snapshot.series)
    print(f"data: {len(snapshot.series)} series, {points} points (p0-outage, 3 h at 1 min)")
    medians = {}
    for size in ((80, 24), (200, 50)):
        times = await redraws(snapshot, size, args.redraws)
        medians[size] = statistics.median(times["data"])
        print(f"redraw {size[0]}x{size[1]} ({args.redraws} of each), median / p95 ms:")
        for kind, text in (("frame", "cursor move, the frame (charts in view)"),
                           ("move", "cursor move, every chart to its lines + frame"),
                           ("data", "new data, every chart replotted + frame"),
                           ("seen", "new data, the frame (charts in view replotted)")):
            values = times[kind]
            print(f"  {text}: {statistics.median(values):.1f} / "
                  f"{statistics.quantiles(values, n=20)[-1]:.1f}")
    print(f"load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.no_idle:
        return
    empty = await idle_cpu(snapshot, False, args.idle)
    metrics = await idle_cpu(snapshot, True, args.idle)
    per_result = max(medians.values()) / 1000 / 60 * 100
    print(f"idle CPU over {args.idle:g} s: empty screen {empty:.2f} %, metrics screen "
          f"{metrics:.2f} %: added {metrics - empty:+.2f} % (+{per_result:.3f} % for one "
          "redraw per 60 s result)")


if __name__ == "__main__":
    asyncio.run(main())
