"""The dashboard's Metrics pane (issue 13): at 160x45 and larger a strip of sparklines of the
key signals under the six panes, with each one's newest datapoint; smaller terminals keep
their layout (the 80x24 and 120x40 snapshots in test_snapshots are unchanged); zoom fills the
screen with every signal; Enter and `m` open the Metrics & Changes screen; a denied
GetMetricData shows AWS's message in the pane."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import boto3
import pytest
from tests.app.test_snapshots import NOW, make_app, matches_snapshot, outage_results

from console.demo import names as n
from console.screens.metrics import MetricsScreen
from probes.errors import classify
from probes.metric_series import MetricPoint, MetricSeries, MetricsSnapshot
from probes.result import ProbeResult

LABELS = {"ecs_cpu_avg": ("CPU avg", "%"), "ecs_cpu_max": ("CPU max", "%"),
          "ecs_mem_avg": ("Memory avg", "%"), "ecs_mem_max": ("Memory max", "%"),
          "ecs_running_tasks": ("Running tasks", "tasks"), "alb_requests": ("Requests", "count"),
          "alb_target_5xx": ("Target 5xx", "count"), "alb_elb_5xx": ("ELB 5xx", "count"),
          "alb_latency_p50": ("Latency p50", "s"), "alb_latency_p95": ("Latency p95", "s"),
          "tg_healthy": ("Healthy hosts", "hosts"), "tg_unhealthy": ("Unhealthy hosts", "hosts")}


def outage_metrics() -> ProbeResult[MetricsSnapshot]:
    """3 h to NOW: quiet until 40 minutes ago, then the p0 signature; the last two minutes
    not published yet, and a gap of ten minutes in the 5xx an hour and a half ago."""
    end = NOW.replace(second=0)
    minutes = [end - timedelta(minutes=m) for m in range(180, 2, -1)]

    def value(signal: str, m: int) -> float:
        bad = m >= 140
        return {"alb_elb_5xx": 200.0 + m % 9 if bad else 0.0,
                "alb_target_5xx": 40.0 + m % 5 if bad else 1.0 * (m % 30 == 0),
                "tg_unhealthy": 2.0 if bad else 0.0, "tg_healthy": 0.0 if bad else 2.0,
                "ecs_mem_max": 99.5 if bad else 41.0 + m % 4, "alb_latency_p95":
                    2.5 if bad else 0.120 + (m % 6) / 100}.get(signal, 10.0 + m % 11)

    series = tuple(MetricSeries(signal, label, unit, tuple(
        MetricPoint(at, value(signal, m)) for m, at in enumerate(minutes)
        if not (signal == "alb_elb_5xx" and 80 <= m < 90)))
        for signal, (label, unit) in LABELS.items())
    return ProbeResult("metrics", NOW - timedelta(seconds=3), 0.2,
                       data=MetricsSnapshot(end - timedelta(hours=3), end, 60, series))


@pytest.fixture
def frozen_clock():
    from console import clock

    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


async def test_metrics_pane_snapshot_at_200x50(tmp_path, frozen_clock, read_screen, until):
    app = make_app(tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        for result in (*outage_results(), outage_metrics()):
            app.dashboard.apply(result)
        app.dashboard._tick()
        await until(pilot, lambda: len(app.screen.query("FooterKey")) >= 4)
        text = await matches_snapshot(app, pilot, "dashboard-metrics-p0-200x50.txt",
                                      read_screen, until)
    assert "7 Metrics" in text
    assert "ELB 5xx" in text and "206 at 03:11" in text  # newest datapoint, its minute
    assert "newest data 03:11 (3 min before 03:14)" in text


async def test_the_pane_joins_at_160x45_zooms_and_opens_the_screen(tmp_path, frozen_clock,
                                                                    read_screen, until):
    app = make_app(tmp_path)
    async with app.run_test(size=(159, 45)) as pilot:
        for result in (*outage_results(), outage_metrics()):
            app.dashboard.apply(result)
        await pilot.pause()
        assert "7 Metrics" not in read_screen(app)  # no room: today's layout
        await pilot.resize_terminal(160, 45)
        await until(pilot, lambda: "7 Metrics" in read_screen(app))
        sparks = app.dashboard.metrics_pane.body
        line = next(x for x in read_screen(app).splitlines() if "ELB 5xx" in x)
        spark = line.split("ELB 5xx", 1)[1].split(" 206 at")[0].strip()
        # quiet, a gap CloudWatch held nothing for (blank columns), then the jump
        assert spark[0] == "▁" and "█" in spark and " " in spark, line

        sparks.focus()
        await pilot.press("z")
        await pilot.pause()
        zoomed = read_screen(app)
        assert all(label in zoomed for label, _ in LABELS.values())  # every signal, zoomed
        assert "1 ECS" not in zoomed and "Unhealthy hosts" in zoomed
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MetricsScreen))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, MetricsScreen))
        await pilot.press("z")
        await pilot.pause()
        assert "7 Metrics" in read_screen(app) and "ECS" in read_screen(app)
        await pilot.press("m")  # `m` still opens the screen
        await until(pilot, lambda: isinstance(app.screen, MetricsScreen))


async def test_a_hundred_results_keep_the_newest_value_and_an_error_keeps_the_sparklines(
        tmp_path, frozen_clock, read_screen, until):
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        for result in outage_results():
            app.dashboard.apply(result)
        first = outage_metrics()
        for cycle in range(100):  # a result a minute: the window slides, one pane
            shift = timedelta(minutes=cycle)
            data = first.data
            moved = replace(data, start=data.start + shift, end=data.end + shift, series=tuple(
                replace(s, points=tuple(replace(p, at=p.at + shift, value=p.value + cycle)
                                        for p in s.points)) for s in data.series))
            app.dashboard.apply(replace(first, fetched_at=first.fetched_at + shift, data=moved))
            await pilot.pause()
            newest = moved.end - timedelta(minutes=3)
            assert f"{206 + cycle} at {newest:%H:%M}" in read_screen(app), cycle
        assert len(app.dashboard.query("MetricsPane")) == 1
        from botocore.exceptions import ClientError

        error = ClientError({"Error": {"Code": "AccessDenied", "Message": "User: arn:aws:sts::"
                                       "123456789012:assumed-role/OnCall/alice is not "
                                       "authorized to perform: cloudwatch:GetMetricData"}},
                            "GetMetricData")
        denied = classify(error, action="cloudwatch:GetMetricData")
        app.dashboard.apply(ProbeResult("metrics", NOW, 0.1, error=denied))
        await pilot.pause()
        text = read_screen(app)
        assert "not authorized to perform: cloudwatch:GetMetricData" in text
        assert f"{206 + 99} at" in text  # the last sparklines stay, marked stale
        assert app.dashboard.metrics_pane.last_error is denied
        assert app.dashboard.verdict is not None and not any(
            "metrics" in reason for reason in app.dashboard.verdict.reasons)


async def test_the_pane_shows_what_the_emulator_holds(scenario, open_app, until, read_screen):
    demo = scenario("p0-outage")
    async with open_app(demo, size=(200, 50)) as (app, pilot):
        pane = app.dashboard.metrics_pane
        await until(pilot, lambda: pane.data is not None, timeout=90)
        latest = pane.data.get("alb_elb_5xx").latest
        cw = boto3.client("cloudwatch", region_name=n.REGION, endpoint_url=demo.endpoint_url,
                          aws_access_key_id="x", aws_secret_access_key="x")
        lb = demo.built.base.load_balancer_arn.split(":loadbalancer/", 1)[1]
        held = cw.get_metric_statistics(
            Namespace="AWS/ApplicationELB", MetricName="HTTPCode_ELB_5XX_Count",
            Dimensions=[{"Name": "LoadBalancer", "Value": lb}], StartTime=latest.at,
            EndTime=latest.at + timedelta(minutes=1), Period=60,
            Statistics=["Sum"])["Datapoints"][0]["Sum"]
        await pilot.pause()
        line = next(x for x in read_screen(app).splitlines() if "ELB 5xx" in x)
        assert f" {held:g} at {latest.at:%H:%M}" in line, line
