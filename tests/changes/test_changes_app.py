"""What changed before this broke, in the app on p0-outage (through Pilot): the verdict's
detail (`w`), the top of the P0 runbook, and the evidence an incident starts with (the changes
list and the metrics as sparklines in the Markdown export). Checked against the emulator."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from console.demo import names as n
from console.incidents import export
from console.screens.detail import DetailScreen
from console.screens.runbook import RunbookScreen
from console.screens.runbook_picker import RunbookPreviewScreen
from probes.metric_series import MetricPoint, MetricSeries, MetricsSnapshot
from probes.result import ProbeResult


def _first_alarm(cloudwatch):
    """The earliest transition into ALARM of the firing alarms, as CloudWatch holds it."""
    alarms = cloudwatch.describe_alarms()["MetricAlarms"]
    first = min((a for a in alarms if a["StateValue"] == "ALARM"),
                key=lambda a: a["StateUpdatedTimestamp"])
    return first["AlarmName"], first["StateUpdatedTimestamp"].astimezone(UTC)


def _stops_before(ecs, broke_at):
    arns = ecs.list_tasks(cluster=n.CLUSTER, desiredStatus="STOPPED")["taskArns"]
    tasks = ecs.describe_tasks(cluster=n.CLUSTER, tasks=arns)["tasks"]
    return [t for t in tasks
            if broke_at - timedelta(minutes=30) <= t["stoppedAt"].astimezone(UTC) <= broke_at]


async def test_w_shows_what_changed_in_the_30_minutes_before_the_first_alarm(
        scenario, open_app, until, read_screen, aws):
    demo = scenario("p0-outage")
    name, broke_at = _first_alarm(aws(demo, "cloudwatch"))
    stops = _stops_before(aws(demo, "ecs"), broke_at)
    assert len(stops) == 2  # the old tasks' OOM kills, before the forced deployment
    async with open_app(demo, size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["alarms"].data is not None
                    and app.dashboard.verdict is not None)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.pause(0.1)
        text = read_screen(app)
        assert f"What changed in the 30 min before {broke_at:%Y-%m-%d %H:%M:%S}Z:" in text
        assert f"(it broke then: alarm {name} went to ALARM)" in text
        assert "Z  alarm " not in text  # the break itself is not listed as a cause
        assert text.count(" task-stop ") == 2
        for task in stops:
            short = task["taskArn"].rsplit("/", 1)[-1][:8]  # the one short id (issue 11)
            assert f"task-stop       task {short}" in text
            assert task["stoppedReason"] in text
        assert "deployment created" not in text  # the forced deployment came after
        assert "DOWN P0" in text


async def test_w_at_80x24_wraps_each_entry_once(scenario, open_app, until, read_screen,
                                                 aws):
    """The entries are wrapped to the detail box, not wrapped at 80 columns and then again by
    the box (seen in tmux: "usage [app exit" then "137]" on lines of their own)."""
    demo = scenario("p0-outage")
    stops = _stops_before(aws(demo, "ecs"), _first_alarm(aws(demo, "cloudwatch"))[1])
    async with open_app(demo, size=(80, 24)) as (app, pilot):
        await until(pilot, lambda: app.dashboard.verdict is not None)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "task-stop" in read_screen(app), timeout=30)
        lines = read_screen(app).splitlines()
        top = next(i for i, line in enumerate(lines) if "What changed in the 30 min" in line)
        left = lines[top].index("What changed") - 1
        inside = [line[left:].split("│")[0].rstrip() for line in lines[top + 1:]
                  if "│" in line[left - 1:left + 1]]
        entries = [line for line in inside if line.strip()]
        assert entries, lines
        for line in entries:  # a date, or an indented line (a summary, the heading's rest)
            assert line.startswith((" 20", "   ")), (line, inside)
        flat = " ".join(" ".join(inside).split())
        for task in stops:
            assert " ".join(task["stoppedReason"].split()) in flat


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_p0_runbook_starts_with_what_changed(scenario, open_app, until, read_screen, size,
                                                   aws):
    demo = scenario("p0-outage")
    _, broke_at = _first_alarm(aws(demo, "cloudwatch"))
    async with open_app(demo, size=size) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["alarms"].data is not None)
        assert app.start_runbook("p0-service-down")
        await until(pilot, lambda: isinstance(app.screen, RunbookPreviewScreen))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, RunbookScreen)
                    and app.screen.query_one("#runbook-changes").display)
        await pilot.pause(0.1)
        lines = read_screen(app).splitlines()
        top = "\n".join(lines[:12])
        assert f"What changed in the 30 min before {broke_at:%Y-%m-%d %H:%M:%S}Z" in top
        assert " task-stop " in top
        assert "chars]" not in top and max(len(line.rstrip()) for line in lines) <= size[0]


async def test_opening_an_incident_snapshots_changes_and_metrics_into_the_export(
        scenario, open_app, until, aws):
    demo = scenario("p0-outage")
    service, = aws(demo, "ecs").describe_services(
        cluster=n.CLUSTER, services=[n.SERVICE])["services"]
    deployment_id = service["deployments"][0]["id"]
    async with open_app(demo, size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["alarms"].data is not None)
        end = app.changes.clock().replace(second=0, microsecond=0)
        start = end - timedelta(minutes=60)
        points = tuple(MetricPoint(start + timedelta(minutes=i), 0.0 if i < 30 else 80.0 + i)
                       for i in range(60) if i != 10)  # one minute without a datapoint
        snapshot = MetricsSnapshot(start, end, 60, (MetricSeries(
            "alb_5xx", "ALB 5xx", "count", points),))
        app.changes.observe(ProbeResult("metrics", end, 0.1, data=snapshot))
        app.incident_flow.ensure_incident("P0", "ALB 503s")
        incident = app.incidents.current()
        await until(pilot, lambda: {"changes", "metrics"} <= {
            e.kind for e in app.incidents.load(incident.id).entries})
        markdown = export.to_markdown(app.incidents.load(incident.id))
    plain = markdown.replace("\\", "")  # Markdown escapes, removed to read the words
    assert "## What changed (snapshot at" in plain
    assert f"**deployment** deployment {deployment_id}: deployment created" in plain
    assert "**alarm** children-drawing-prod-ecs-memory-high: OK -> ALARM" in plain
    assert "**task-stop** task " in plain
    metrics = markdown.split("## Metrics", 1)[1]
    # 0 for 30 min (one minute missing: a gap), then 110..139: 7/8 of the scale up to 129
    spark = "▁" * 10 + " " + "▁" * 19 + "▇" * 20 + "█" * 10
    assert f"\nALB 5xx                {spark}  " in metrics
    assert "min 0 max 139 latest 139 count" in metrics


async def test_the_consoles_own_action_joins_the_timeline_with_its_call(
        scenario, open_app, until, read_screen):
    from tests.actions.test_monitoring_actions import confirm_and_finish, submit_form

    demo = scenario("healthy")
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["alarms"].data is not None)
        before = app.changes.clock()
        await pilot.press("5", "M")  # a test metric, as the guide's monitoring test does
        await submit_form(app, pilot, until)
        confirm, _ = await confirm_and_finish(app, pilot, until, read_screen)
        entries = app.changes.entries_between(before, app.changes.clock())
    action, = [e for e in entries if e.kind == "action"]
    call = dict(action.detail)["call"]
    assert call.startswith("aws cloudwatch put-metric-data") and "TestMetric" in call
    assert "cloudwatch.PutMetricData" in confirm
    assert action.summary.startswith(f"{action.resource}: ")
