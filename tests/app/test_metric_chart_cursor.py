"""The Metrics & Changes charts lay the cursor on plotext's built text instead of replotting
(the redraw target of issue 13): the rule stands in the column plotext itself gives that
moment, and a cursor move does not rebuild the chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual_plotext import PlotextPlot

from console.widgets.metric_chart import CURSOR_MARKER, DEFAULT_CHARTS, MetricChart
from probes.change_entry import ChangeEntry
from probes.metric_series import MetricPoint, MetricSeries, MetricsSnapshot

END = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def snapshot() -> MetricsSnapshot:
    minutes = [END - timedelta(minutes=m) for m in range(180, 0, -1)]
    elb = tuple(MetricPoint(at, 0.0 if i < 150 else 90.0 + i % 7) for i, at in enumerate(minutes))
    target = tuple(MetricPoint(at, float(i % 5)) for i, at in enumerate(minutes))
    return MetricsSnapshot(END - timedelta(hours=3), END, 60, (
        MetricSeries("alb_elb_5xx", "ELB 5xx", "count", elb),
        MetricSeries("alb_target_5xx", "Target 5xx", "count", target)))


class ChartApp(App[None]):
    def compose(self) -> ComposeResult:
        yield MetricChart(DEFAULT_CHARTS[0])


def columns(text: str, marker: str) -> set[int]:
    return {line.index(marker) for line in text.splitlines() if marker in line}


async def test_the_cursor_stands_where_plotext_puts_that_moment_and_moves_without_a_replot():
    data = snapshot()
    deployment = ChangeEntry(END - timedelta(minutes=31), "deployment", "svc", "created")
    for size in ((80, 12), (200, 12), (57, 10)):
        app = ChartApp()
        async with app.run_test(size=size) as pilot:
            chart = app.query_one(MetricChart)
            await pilot.pause()
            builds = 0
            real_build = chart.plt.build

            def counting_build(real_build=real_build):
                nonlocal builds
                builds += 1
                return real_build()

            chart.plt.build = counting_build
            for minutes in (179, 120, 61, 31, 7, 1):
                cursor = END - timedelta(minutes=minutes)
                chart.draw(data, END, timedelta(hours=3), [deployment], cursor)
                shown = chart.render().plain
                # plotext draws the same cursor itself, as a scatter of the marker
                chart.plt.scatter([-minutes] * 9, [0.1 * i for i in range(9)],
                                  marker=CURSOR_MARKER)
                reference = PlotextPlot.render(chart).plain
                chart.plotted = ()  # the next draw replots (without the reference scatter)
                assert columns(shown, CURSOR_MARKER) == columns(reference, CURSOR_MARKER), (
                    f"{size} {minutes} min\n{shown}\n{reference}")
                assert len(columns(shown, CURSOR_MARKER)) == 1
            builds = 0
            for minutes in range(170, 0, -3):  # cursor moves alone: the built chart is kept
                chart.draw(data, END, timedelta(hours=3), [deployment],
                           END - timedelta(minutes=minutes))
                chart.render()
            assert builds == 1
            chart.draw(data, END + timedelta(minutes=1), timedelta(hours=3), [deployment], None)
            assert CURSOR_MARKER not in chart.render().plain and builds == 2  # new window


async def test_a_resized_chart_is_replotted_for_its_new_width():
    """A cursor move keeps the built chart, but a new width replots it: as many points as
    columns (column_peaks), and the cursor still where plotext puts it."""
    data = snapshot()
    app = ChartApp()
    async with app.run_test(size=(200, 12)) as pilot:
        chart = app.query_one(MetricChart)
        await pilot.pause()
        cursor = END - timedelta(minutes=45)
        chart.draw(data, END, timedelta(hours=3), [], cursor)
        chart.render()
        assert chart.plotted_width == 200
        await pilot.resize_terminal(80, 12)
        await pilot.pause()
        shown = chart.render().plain
        assert chart.plotted_width == 80
        chart.plt.scatter([-45] * 9, [0.1 * i for i in range(9)], marker=CURSOR_MARKER)
        reference = PlotextPlot.render(chart).plain
        assert columns(shown, CURSOR_MARKER) == columns(reference, CURSOR_MARKER)
