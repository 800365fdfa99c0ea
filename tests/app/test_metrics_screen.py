"""The Metrics & Changes screen at 80x24 on p0-outage: `m` from the dashboard opens it, the
5xx chart shows the deployment's mark, and the cursor reads the ELB 5xx the emulator holds
before and after the deployment (the jump beside it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import boto3

from console.demo import names as n
from console.screens.metrics import MetricsScreen
from probes.change_entry import ChangeEntry


def primary_deployment(demo) -> ChangeEntry:
    """The ECS deployment the emulator holds, as the changes timeline would list it."""
    ecs = boto3.client("ecs", region_name=n.REGION, endpoint_url=demo.endpoint_url,
                       aws_access_key_id="x", aws_secret_access_key="x")
    service = ecs.describe_services(cluster=n.CLUSTER, services=[n.SERVICE])["services"][0]
    deployment = next(d for d in service["deployments"] if d["status"] == "PRIMARY")
    return ChangeEntry(deployment["createdAt"].astimezone(UTC), "deployment", n.SERVICE,
                       f"ECS deployment {deployment['id']} created")


def elb_5xx_held(demo, at: datetime) -> float:
    """The ELB 5xx Sum the emulator holds for the minute of `at`."""
    cw = boto3.client("cloudwatch", region_name=n.REGION, endpoint_url=demo.endpoint_url,
                      aws_access_key_id="x", aws_secret_access_key="x")
    minute = at.replace(second=0, microsecond=0)
    lb = demo.built.base.load_balancer_arn.split(":loadbalancer/", 1)[1]
    points = cw.get_metric_statistics(
        Namespace="AWS/ApplicationELB", MetricName="HTTPCode_ELB_5XX_Count",
        Dimensions=[{"Name": "LoadBalancer", "Value": lb}], StartTime=minute,
        EndTime=minute + timedelta(minutes=1), Period=60, Statistics=["Sum"])["Datapoints"]
    return points[0]["Sum"]


def readout_value(text: str, label: str) -> str:
    """A value in the readout (the lines from "Cursor" on)."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Cursor "))
    line = next(line for line in lines[first:] if f"{label} " in line)
    return line.split(f"{label} ", 1)[1].split()[0]


async def test_the_5xx_jump_beside_the_deployment_at_80x24(scenario, open_app, until,
                                                           read_screen):
    demo = scenario("p0-outage")
    deployment = primary_deployment(demo)
    async with open_app(demo, size=(80, 24)) as (app, pilot):
        app.metrics_view.changes_provider = lambda start, end: [
            e for e in (deployment,) if start <= e.at <= end]
        await until(pilot, lambda: app.metrics_view.snapshot is not None)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MetricsScreen))
        await pilot.pause()
        text = read_screen(app)
        assert "5xx responses" in text and "1-min points" in text
        assert "•• ELB 5xx (count)" in text and "xx Target 5xx (count)" in text  # no colour
        assert "Marks: D deployment" in text  # the marks' legend, under the charts
        chart_rows = text.splitlines()[1:11]
        assert any("D" in row.split("┤", 1)[-1] for row in chart_rows), "\n".join(chart_rows)

        await pilot.press("left_square_bracket")  # to the deployment
        await pilot.pause()
        text = read_screen(app)
        assert f"Cursor {deployment.at:%Y-%m-%d %H:%M} UTC" in text
        assert f"D {deployment.at:%H:%M:%S} deployment {n.SERVICE}" in text

        await pilot.press("right")  # one step (3 min at 3 h) after it: the jump
        await pilot.pause()
        after = read_screen(app)
        cursor = app.screen.cursor
        assert float(readout_value(after, "ELB 5xx")) == elb_5xx_held(demo, cursor) > 50

        for _ in range(3):  # 9 minutes earlier: before the last healthy host went
            await pilot.press("left")
        await pilot.pause()
        before = read_screen(app)
        cursor = app.screen.cursor
        assert cursor < deployment.at
        assert float(readout_value(before, "ELB 5xx")) == elb_5xx_held(demo, cursor) < 20

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, MetricsScreen))


async def test_zoom_runs_from_15_minutes_to_24_hours(scenario, open_app, until, read_screen):
    demo = scenario("healthy")
    async with open_app(demo, size=(80, 24)) as (app, pilot):
        await until(pilot, lambda: app.metrics_view.snapshot is not None)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MetricsScreen))
        for _ in range(5):
            await pilot.press("plus")
        await pilot.pause()
        assert "Metrics & Changes · 15 min" in read_screen(app)
        for _ in range(8):
            await pilot.press("minus")
        screen = app.screen
        await until(pilot, lambda: screen.fetching is None and 6 in screen.wide)
        await pilot.pause()
        text = read_screen(app)
        assert "Metrics & Changes · 24 h" in text
        wide = screen.wide[6]
        assert wide.end - wide.start == timedelta(hours=24)
        assert "5-min points" in text and wide.period_s == 300
        assert len(wide.get("ecs_cpu_avg").points) == 36  # the demo holds 3 h: none invented


def sliding_snapshot(end: datetime):
    """3 h of a 5xx series whose value is the minute's index since 2026-11-28 00:00."""
    from probes.metric_series import MetricPoint, MetricSeries, MetricsSnapshot

    origin = datetime(2026, 11, 28, tzinfo=UTC)
    minutes = [end - timedelta(minutes=m) for m in range(180, 0, -1)]
    points = tuple(MetricPoint(at, (at - origin).total_seconds() // 60) for at in minutes)
    return MetricsSnapshot(end - timedelta(hours=3), end, 60,
                           (MetricSeries("alb_elb_5xx", "ELB 5xx", "count", points),))


async def test_a_hundred_results_slide_the_window_and_a_parked_cursor_stays(
        scenario, open_app, until, read_screen):
    """A fake clock moves a minute per poll: the window follows, a cursor left on a moment
    stays on it until that moment leaves the 3 hours, and nothing piles up."""
    from probes.result import ProbeResult

    demo = scenario("healthy")
    async with open_app(demo, size=(80, 24), start_probes=False) as (app, pilot):
        start = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
        app.metrics_view.observe(ProbeResult("metrics", start, 0.1,
                                             data=sliding_snapshot(start)))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MetricsScreen))
        screen = app.screen
        charts = len(screen.query("MetricChart"))
        for _ in range(30):
            await pilot.press("left")  # 30 steps of 3 min: 90 min back
        parked = screen.cursor
        for cycle in range(1, 101):
            end = start + timedelta(minutes=cycle)
            app.metrics_view.observe(ProbeResult("metrics", end, 0.1,
                                                 data=sliding_snapshot(end)))
            await pilot.pause()
            text = read_screen(app)
            window = f"{end - timedelta(hours=3):%H:%M}–{end:%H:%M} UTC"
            assert window in text, f"cycle {cycle}"
            if parked >= end - timedelta(hours=3):
                assert f"Cursor {parked:%Y-%m-%d %H:%M} UTC" in text, f"cycle {cycle}"
                value = (parked.replace(second=0) - datetime(2026, 11, 28, tzinfo=UTC))
                assert f"ELB 5xx {value.total_seconds() // 60:g}" in text
            else:  # that moment left the data: the cursor waits at the oldest minute
                oldest = end - timedelta(hours=3)
                assert f"Cursor {oldest:%Y-%m-%d %H:%M} UTC" in text, f"cycle {cycle}"
        assert len(screen.query("MetricChart")) == charts and screen.wide == {}


async def test_the_screen_opens_on_the_newest_minute_with_data(scenario, open_app, until,
                                                                read_screen):
    """CloudWatch publishes a minute late: the window's last two minutes hold no datapoint.
    The cursor opens on the newest minute that has one (its value, not `—`) and says how
    old it is; → brings the cursor back to it and can still reach the empty minutes."""
    from probes.metric_series import MetricsSnapshot
    from probes.result import ProbeResult

    demo = scenario("healthy")
    async with open_app(demo, size=(80, 24), start_probes=False) as (app, pilot):
        end = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
        full = sliding_snapshot(end)
        late = full.series[0].points[:-2]  # 11:58 and 11:59 not published yet
        snapshot = MetricsSnapshot(full.start, end, 60, (replace(full.series[0], points=late),))
        app.metrics_view.observe(ProbeResult("metrics", end, 0.1, data=snapshot))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MetricsScreen))
        await pilot.pause()
        text = read_screen(app)
        newest = late[-1]
        assert newest.at == datetime(2026, 11, 28, 11, 57, tzinfo=UTC)
        assert "Cursor 2026-11-28 11:57 UTC (newest data, 3 min before 12:00)" in text
        assert readout_value(text, "ELB 5xx") == f"{newest.value:g}"
        await pilot.press("left", "left", "right", "right")  # 3-min steps at 3 h
        await pilot.pause()
        assert "Cursor 2026-11-28 11:57 UTC (newest data" in read_screen(app)
        await pilot.press("plus", "plus", "plus")  # 15 min: 1-min steps
        await pilot.press("right")
        await pilot.pause()
        text = read_screen(app)
        assert "Cursor 2026-11-28 11:58 UTC (2 min before 12:00)" in text
        assert readout_value(text, "ELB 5xx") == "—"  # an empty minute says so
