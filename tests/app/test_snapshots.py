"""Snapshot tests of the dashboard's look: fixed snapshots, a frozen clock, text compared with
tests/app/snapshots/*.txt (readable diffs). Regenerate after an intended change with
SNAPSHOT_UPDATE=1 pytest tests/app/test_snapshots.py, and read the diff before committing."""

import contextlib
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console import clock
from console.app import ConsoleApp
from console.config import FileConfig, Flags, resolve
from probes.alarms import Alarm, AlarmsSnapshot
from probes.costs import Budget, CostSnapshot, ServiceCost
from probes.deployment import Deployment
from probes.ecs import Container, EcsDeployment, EcsTask, ServiceEvent, ServiceSnapshot
from probes.identity import CallerIdentity
from probes.logs import LogBatch, LogEvent
from probes.result import ProbeResult
from probes.stack import StackEvent, StackSnapshot
from probes.suite import Connection
from probes.targets import LoadBalancer, Target, TargetGroupHealth, TargetHealthSnapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
NOW = datetime(2026, 11, 28, 3, 14, 0, tzinfo=UTC)
TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/children-drawing-prod-tg/1"
TD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/children-drawing-prod-task:"


def ago(**kw):
    return NOW - timedelta(**kw)


def task(n, status, health, reason="", code=None, stop="", up=30):
    return EcsTask(
        task_id=f"{n:x}1c9e8a{n:x}0d2b4f6a8c0e1f3a5b7c9d1e3f5a7b9c"[:32],
        task_arn=f"arn:aws:ecs:eu-west-1:123456789012:task/c/{n:x}1c9e8a",
        last_status=status, desired_status="STOPPED" if status == "STOPPED" else "RUNNING",
        health=health, started_at=ago(minutes=up),
        stopped_at=ago(minutes=up - 3) if status == "STOPPED" else None,
        stopped_reason=reason, stop_code=stop,
        containers=(Container("app", status, code, reason if code else "", health),),
        cpu="256", memory="512", task_definition=f"{TD}7", private_ip=f"10.0.1.{n}")


def outage_results():
    stack = StackSnapshot(
        "children-drawing-prod", "UPDATE_COMPLETE", "", ago(days=2),
        (StackEvent("e2", ago(days=2), "children-drawing-prod", "AWS::CloudFormation::Stack",
                    "UPDATE_COMPLETE", ""),
         StackEvent("e1", ago(days=2, minutes=4), "Service", "AWS::ECS::Service",
                    "UPDATE_COMPLETE", "")), ())
    service = ServiceSnapshot(
        "children-drawing-prod-cluster", "children-drawing-prod-service", "ACTIVE", 2, 0, 1,
        f"{TD}7", "FARGATE",
        (EcsDeployment("ecs-svc/1", "PRIMARY", f"{TD}7", 2, 0, 1, 6, "IN_PROGRESS", "",
                       ago(hours=1), ago(minutes=1)),),
        (ServiceEvent("v1", ago(minutes=1), "(service children-drawing-prod-service) has "
                      "started 1 tasks: (task 5)."),
         ServiceEvent("v2", ago(minutes=2), "(service children-drawing-prod-service) (task 4) "
                      "failed container health checks.")),
        (task(5, "PENDING", "UNKNOWN", up=1),
         task(4, "STOPPED", "UNHEALTHY", "Task failed container health checks", 1,
              "TaskFailedToStart", up=6),
         task(3, "STOPPED", "UNHEALTHY", "OutOfMemoryError: Container killed due to memory "
              "usage", 137, "EssentialContainerExited", up=9)))
    targets = TargetHealthSnapshot(
        (LoadBalancer("lb", "children-drawing-prod-alb",
                      "children-drawing-prod-alb-1234.eu-west-1.elb.amazonaws.com", "active",
                      "internet-facing"),),
        (TargetGroupHealth(TG, "children-drawing-prod-tg", 8000, "HTTP", "/health", (
            Target("10.0.1.3", 8000, "unhealthy", "Target.ResponseCodeMismatch",
                   "Health checks failed with these codes: [502]"),
            Target("10.0.1.4", 8000, "unhealthy", "Target.ResponseCodeMismatch",
                   "Health checks failed with these codes: [502]"))),))
    alarms = AlarmsSnapshot((
        Alarm("children-drawing-prod-alb-5xx-high", "ALARM", "Threshold Crossed: 1 datapoint "
              "[212.0] was greater than the threshold (10.0).", ago(minutes=12), "AWS/"
              "ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", "GreaterThanThreshold", 10.0,
              60, 1, (), ("arn:aws:sns:eu-west-1:123456789012:children-drawing-prod-alerts",),
              True),
        Alarm("children-drawing-prod-ecs-cpu-high", "OK", "Threshold Crossed: no datapoints "
              "were greater than the threshold (80.0).", ago(days=1), "AWS/ECS",
              "CPUUtilization", "Average", "GreaterThanThreshold", 80.0, 300, 2, (), (), True)))
    logs = LogBatch(("/ecs/children-drawing-prod",), tuple(
        LogEvent("/ecs/children-drawing-prod", f"ecs/app/{n:x}1c9e8a{n:x}0d2b4f6a8c0e1f3a5b7c9d1e3",
                 int(ago(seconds=20 - i).timestamp() * 1000), 0, str(i), message)
        for i, (n, message) in enumerate((
            (3, '10.0.0.12 - - "GET /api/drawings HTTP/1.1" 502 0 0.004'),
            (3, "ERROR app.worker: OutOfMemoryError: Container killed due to memory limit"),
            (4, "WARNING app.health: health check failed: database is locked"),
            (5, 'INFO gunicorn: Booting worker with pid 7 \x1b[2J [bold]markup[/bold]'),
        ))))
    days = tuple(NOW.date().replace(day=d) for d in range(1, 29))
    daily = tuple(4.0 + (d % 5) for d in range(28))
    costs = CostSnapshot(
        NOW - timedelta(hours=2), days[0], NOW.date() + timedelta(days=1), "USD",
        round(sum(daily), 2), days, daily,
        (ServiceCost("Amazon Elastic Container Service", round(sum(daily) * 0.6, 2),
                     tuple(x * 0.6 for x in daily)),
         ServiceCost("Amazon CloudWatch", round(sum(daily) * 0.4, 2),
                     tuple(x * 0.4 for x in daily))),
        (Budget("children-drawing-prod-monthly", 200.0, round(sum(daily), 2), 190.0, "USD",
                "MONTHLY"),))
    data = {"stack": stack, "ecs": service, "targets": targets, "alarms": alarms,
            "logs": logs, "costs": costs}
    return [ProbeResult(name, NOW - timedelta(seconds=3), 0.01, data=value)
            for name, value in data.items()]


def make_app(tmp_path):
    env = resolve(Flags(), env_vars={}, file=FileConfig(path=tmp_path / "none.toml"))
    deployment = Deployment.by_convention("children-drawing-prod", "eu-west-1")
    identity = CallerIdentity("123456789012", "arn:aws:sts::123456789012:assumed-role/OnCall/"
                              "alice", "AROA")
    connection = Connection(ctx=None, identity=identity, deployment=deployment)
    return ConsoleApp(env, connection, start_probes=False, probes={})


async def matches_snapshot(app, pilot, name: str, read_screen, until) -> str:
    """The screen as text, asserted equal to `snapshots/<name>` (written, and the test failed,
    when there is none yet; rewritten with SNAPSHOT_UPDATE=1). Returns the text."""
    expected_path = SNAPSHOTS / name
    if expected_path.exists() and not os.environ.get("SNAPSHOT_UPDATE"):
        # On a busy machine layout can take a few refreshes: wait for it, then compare.
        expected = expected_path.read_text()
        with contextlib.suppress(AssertionError):
            await until(pilot, lambda: read_screen(app) == expected, timeout=20, step=0.2)
    await pilot.pause(0.05)
    text = read_screen(app)
    if os.environ.get("SNAPSHOT_UPDATE") or not expected_path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        expected_path.write_text(text)
        if not os.environ.get("SNAPSHOT_UPDATE"):
            pytest.fail(f"no snapshot yet: wrote {expected_path}; check it and commit it")
    assert text == expected_path.read_text()
    return text


@pytest.fixture
def frozen_clock():
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_dashboard_snapshot(tmp_path, frozen_clock, read_screen, until, size):
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        for result in outage_results():
            app.dashboard.apply(result)
        app.dashboard._tick()
        await until(pilot, lambda: len(app.screen.query("FooterKey")) >= 4)
        await matches_snapshot(app, pilot, f"dashboard-p0-{size[0]}x{size[1]}.txt",
                               read_screen, until)



async def test_refresh_updates_cells_in_place_and_the_cursor_stays(tmp_path, frozen_clock):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        results = {r.probe: r for r in outage_results()}
        for result in results.values():
            app.dashboard.apply(result)
        await pilot.pause(0.05)
        alarms = app.dashboard.panes["alarms"]
        table = alarms.body
        table.move_cursor(row=1)
        first = results["alarms"].data.alarms[0]
        moved = replace(first, reason="Threshold Crossed: 3 datapoints", since=first.since
                        - timedelta(minutes=5))
        data = replace(results["alarms"].data, alarms=(moved, *results["alarms"].data.alarms[1:]))
        app.dashboard.apply(ProbeResult("alarms", results["alarms"].fetched_at, 0.01, data=data))
        await pilot.pause(0.05)
        assert table.cursor_row == 1
        assert table.get_row(first.name)[3].plain == "Threshold Crossed: 3 datapoints"
        assert table.get_row(first.name)[2].plain == "17m"


HOSTILE = "[bold red]pwn[/] \x1b[2J\x1b]52;c;aGVsbG8=\x07 \x9b31m \r\x00 \u202egnp.exe"


async def test_hostile_names_reasons_and_log_lines_stay_inert(tmp_path, frozen_clock):
    import io

    from rich.console import Console

    from probes.alarms import AlarmsSnapshot

    app = make_app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        results = {r.probe: r for r in outage_results()}
        alarm = replace(results["alarms"].data.alarms[0], name="evil" + HOSTILE,
                        reason=HOSTILE)
        logs = results["logs"].data
        logs = replace(logs, events=(replace(logs.events[0], message=HOSTILE),))
        results["alarms"] = replace(results["alarms"], data=AlarmsSnapshot((alarm,)))
        results["logs"] = replace(results["logs"], data=logs)
        for result in results.values():
            app.dashboard.apply(result)
        app.notify(f"alarm {HOSTILE}")
        await pilot.pause(0.2)
        console = Console(width=160, height=50, file=io.StringIO(), force_terminal=True,
                          color_system="truecolor", record=True)
        console.print(app.screen._compositor.render_update(
            full=True, screen_stack=app._background_screens))
        ansi = console.export_text(styles=True, clear=False)
        plain = console.export_text()
    assert "[bold red]pwn[/]" in plain  # markup shown literally, never applied
    assert "␛[2J" in plain and "␛]52;c;aGVsbG8=␇" in plain  # escapes made visible
    assert "<9B>" in plain and "<U+202E>" in plain
    assert "\x1b]" not in ansi  # no OSC reached the terminal (clipboard, links, titles)
    assert "\x1b[2J" not in ansi and "\x9b" not in ansi and "\x00" not in ansi


async def test_log_pane_error_count_describes_the_lines_it_keeps(tmp_path, frozen_clock):
    from console.panes.logs import KEEP_LINES

    def batch(message, n):
        events = tuple(LogEvent("/ecs/x", "ecs/app/1", i, i, f"{message}{i}", message)
                       for i in range(n))
        return ProbeResult("logs", NOW, 0.0, data=LogBatch(("/ecs/x",), events))

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.dashboard.panes["logs"]
        app.dashboard.apply(batch("ERROR boom", 300))
        assert (len(pane.events), pane.errors) == (300, 300)
        app.dashboard.apply(batch("INFO fine", KEEP_LINES))  # the errors scroll out
        await pilot.pause(0.05)
        assert (len(pane.events), pane.errors) == (KEEP_LINES, 0)
        assert f"{KEEP_LINES} lines · 0 errors" in pane.query_one(".pane-status").render().plain
