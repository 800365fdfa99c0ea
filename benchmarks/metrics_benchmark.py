"""Benchmark the Metrics & Changes screen: redraw time of 3 h x 12 series, and the idle CPU
the open screen adds.

The data is real demo data: the p0-outage scenario is built on an in-process emulator and
the metrics probe reads it once (one GetMetricData: 12 signals x 180 minutes). Then:

- redraw: the screen redraws every chart (plotext builds each one at the chart's size) for a
  cursor move; the median and p95 of `--redraws` redraws, at 80x24 and at 200x50;
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


async def redraws(snapshot, size: tuple[int, int], count: int) -> list[float]:
    from console.widgets.metric_chart import MetricChart

    app = BenchApp(snapshot, open_metrics=True)
    times: list[float] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        for index in range(count):
            started = time.perf_counter()
            screen.action_move(-1 if index % 2 else 1)  # redraw every chart's data
            for chart in screen.query(MetricChart):
                chart.render()  # plotext builds the chart at its size
            times.append((time.perf_counter() - started) * 1000)
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
    args = parser.parse_args()
    snapshot = await demo_snapshot()
    points = sum(len(s.points) for s in snapshot.series)
    print(f"data: {len(snapshot.series)} series, {points} points (p0-outage, 3 h at 1 min)")
    medians = {}
    for size in ((80, 24), (200, 50)):
        times = await redraws(snapshot, size, args.redraws)
        medians[size] = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"redraw {size[0]}x{size[1]}: median {medians[size]:.1f} ms, p95 {p95:.1f} ms "
              f"({len(times)} redraws, every chart)")
    empty = await idle_cpu(snapshot, False, args.idle)
    metrics = await idle_cpu(snapshot, True, args.idle)
    per_result = max(medians.values()) / 1000 / 60 * 100
    print(f"idle CPU over {args.idle:g} s: empty screen {empty:.2f} %, metrics screen "
          f"{metrics:.2f} %: added {metrics - empty:+.2f} % (+{per_result:.3f} % for one "
          "redraw per 60 s result)")


if __name__ == "__main__":
    asyncio.run(main())
