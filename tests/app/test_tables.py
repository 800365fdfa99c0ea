"""Issue 11 points 1-4 and issue 14 point 11, read off the screen with a frozen clock and the
fixed snapshots of test_snapshots (no emulator: fast, exact)."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from tests.app.test_snapshots import NOW, make_app, outage_results

from console import clock
from console.screens.detail import DetailScreen
from probes.alarms import AlarmsSnapshot
from probes.errors import classify
from probes.result import ProbeResult
from probes.stack import StackEvent, StackSnapshot
from probes.targets import TargetHealthSnapshot

LONG_REASON = (
    'Resource handler returned message: "Invalid request provided: UpdateService error: The '
    "container app does not exist in the task definition. (Service: AmazonECS; Status Code: "
    "400; Error Code: InvalidParameterException; Request ID: 6f3c1a52-9b7e-4d0e-8a41-"
    '2c5d7e9f0b13; Proxy: null)" (RequestToken: b1e7d4a2, HandlerErrorCode: InvalidRequest)')


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


def results(**changes):
    """The outage snapshots, with some replaced (probe name -> data)."""
    out = []
    for result in outage_results():
        if result.probe in changes:
            result = replace(result, data=changes[result.probe])
        out.append(result)
    return out


def three_alarms():
    data = {r.probe: r.data for r in outage_results()}["alarms"]
    slow = replace(data.alarms[1], name="children-drawing-prod-alb-response-time-high",
                   since=NOW - timedelta(days=3), reason="Threshold Crossed: 2 datapoints")
    return AlarmsSnapshot((*data.alarms, slow))


def row_names(pane) -> list[str]:
    table = pane.body
    return [table.get_row_at(i)[1].plain for i in range(table.row_count)]


async def apply_all(app, pilot, rs):
    for result in rs:
        app.dashboard.apply(result)
    await pilot.pause(0.1)


# ------------------------------------------------------------------ point 1: names
async def test_names_lose_the_stack_prefix_but_detail_filter_and_copy_keep_the_full_name(
        tmp_path, read_screen):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results())
        text = read_screen(app)
        assert "alb-5xx-high" in text and "ecs-cpu-high" in text
        assert "children-drawing-prod-alb-5xx" not in text  # not in the table
        assert " ECS " in text and " CloudWatch " in text and "Amazon Elasti" not in text
        await pilot.press("5", "y")
        assert app.clipboard == "children-drawing-prod-alb-5xx-high"  # copy: the full name
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert "children-drawing-prod-alb-5xx-high" in read_screen(app)
        await pilot.press("escape", "slash", *"children-drawing-prod-ecs-cpu", "enter")
        await pilot.pause(0.1)
        assert row_names(app.dashboard.panes["alarms"]) == ["ecs-cpu-high"]


async def test_a_name_too_long_for_its_column_is_cut_in_the_middle_keeping_its_tail(
        tmp_path, read_screen):
    data = {r.probe: r.data for r in outage_results()}["alarms"]
    long = replace(data.alarms[0], name="children-drawing-prod-" + "application-load-balancer-"
                   * 3 + "target-5xx-high")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results(alarms=AlarmsSnapshot((long, data.alarms[1]))))
        shown = row_names(app.dashboard.panes["alarms"])[0]
        assert shown.startswith("appl") and shown.endswith("-target-5xx-high") and "…" in shown
        assert re.search(r"ALARM\s+appl\S*…\S*-target-5xx-high\s+12m", read_screen(app))


# ------------------------------------------------------------------ point 2: columns
async def test_zoom_and_wide_terminals_show_full_names_and_reasons(tmp_path, read_screen):
    data = {r.probe: r.data for r in outage_results()}["alarms"]
    long = replace(data.alarms[0], name="children-drawing-prod-" + "application-load-balancer-"
                   + "target-5xx-high")
    short = long.name.removeprefix("children-drawing-prod-")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results(alarms=AlarmsSnapshot((long, data.alarms[1]))))
        reason = "Threshold Crossed: 1 datapoint [212.0] was greater than the threshold (10.0)."
        text = read_screen(app)
        assert reason not in text and short not in text  # cut in the 58-column pane
        await pilot.press("5", "z")
        await pilot.pause(0.1)
        assert short in read_screen(app)
        await pilot.press("z")
        await pilot.resize_terminal(200, 50)
        await pilot.pause(0.2)
        assert short in read_screen(app)
        await pilot.press("z")
        await pilot.pause(0.1)
        assert reason in read_screen(app)


async def test_status_columns_are_never_cut(tmp_path, read_screen):
    data = {r.probe: r.data for r in outage_results()}["ecs"]
    tasks = (replace(data.tasks[0], last_status="DEACTIVATING"), *data.tasks[1:])
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await apply_all(app, pilot, results(ecs=replace(data, tasks=tasks)))
        text = read_screen(app)
        assert "DEACTIVATING" in text and "DEACTIV…" not in text


async def test_a_failing_stack_gets_the_room_for_its_root_cause(tmp_path, read_screen):
    failed = StackEvent("f1", NOW - timedelta(minutes=20), "Service", "AWS::ECS::Service",
                        "UPDATE_FAILED", LONG_REASON)
    stack = StackSnapshot("children-drawing-prod", "UPDATE_ROLLBACK_COMPLETE", "",
                          NOW - timedelta(minutes=18), (failed,), (failed,))
    healthy = {r.probe: r.data for r in outage_results()}
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        # Only the stack is wrong: the verdict's reason is the stack's.
        await apply_all(app, pilot, [r for r in results(stack=stack) if r.probe == "stack"])
        grid = app.dashboard.query_one("#grid")
        assert grid.has_class("-room-stack")
        pane = app.dashboard.panes["stack"]
        assert pane.region.width >= 58
        lines = read_screen(app).splitlines()[pane.region.y:pane.region.bottom]
        shown = " ".join(" ".join(line[pane.region.x:pane.region.right].strip("│ ").split())
                         for line in lines)
        assert f"✗ Service UPDATE_FAILED: {LONG_REASON}" in shown
        await apply_all(app, pilot, [ProbeResult("stack", NOW, 0.0, data=healthy["stack"])])
        assert not grid.has_class("-room-stack")


# ------------------------------------------------------------------ point 3: sorting
async def test_sort_by_the_focused_column_reverse_remember_and_back(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results(alarms=three_alarms()))
        pane = app.dashboard.panes["alarms"]
        default = ["alb-5xx-high", "ecs-cpu-high", "alb-response-time-high"]
        assert row_names(pane) == default
        assert pane.border_title == "5 Alarms · ALARM first, newest"
        await pilot.press("5", "right", "o")
        assert row_names(pane) == ["alb-5xx-high", "alb-response-time-high", "ecs-cpu-high"]
        assert pane.border_title == "5 Alarms · Alarm ▲"
        await pilot.press("o")
        assert row_names(pane) == ["ecs-cpu-high", "alb-response-time-high", "alb-5xx-high"]
        assert pane.border_title == "5 Alarms · Alarm ▼"
        await pilot.press("1", "2", "5")  # other panes and back: the order stays
        await apply_all(app, pilot, results(alarms=three_alarms()))  # and across refreshes
        assert row_names(pane) == ["ecs-cpu-high", "alb-response-time-high", "alb-5xx-high"]
        assert app.dashboard.panes["stack"].body.sort_column is None  # per pane
        await pilot.press("right", "o")  # For: by duration, not by its text
        assert row_names(pane) == ["alb-5xx-high", "ecs-cpu-high", "alb-response-time-high"]
        await pilot.press("O")
        assert row_names(pane) == default
        assert pane.border_title == "5 Alarms · ALARM first, newest"


# ------------------------------------------------------------------ point 4: times
async def test_times_have_a_date_when_not_today_and_an_age(tmp_path, read_screen):
    data = {r.probe: r.data for r in outage_results()}["stack"]
    old = replace(data.events[0], event_id="old", timestamp=NOW - timedelta(days=9, hours=1))
    stack = replace(data, events=(*data.events, old))
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results(stack=stack))
        await pilot.press("1", "z")
        await pilot.pause(0.1)
        text = read_screen(app)
        assert "2026-11-19 02:14 9d1h" in text  # 9 days ago: with its date
        assert "2026-11-26 03:14 2d0h" in text


async def test_stopped_tasks_show_when_they_stopped_and_how_long_they_ran(tmp_path,
                                                                         read_screen):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results())
        text = read_screen(app)
        # task 3 started 9 minutes ago and stopped 3 minutes later (see task() in
        # test_snapshots): stopped at 03:08, 6 minutes ago, ran 3m00s.
        row = next(line for line in text.splitlines() if "31c9e8a3" in line)
        assert re.search(r"STOPPED\s+UNHEALTHY\s+7\s+03:08 6m00s\s+3m00s\s+137", row), row
        assert not re.search(r"(?<![\w.:-])-\d+[smhd]", text)


async def test_alarm_durations_tick_without_new_data(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results())
        table = app.dashboard.panes["alarms"].body
        assert table.get_row_at(0)[2].plain == "12m"
        clock.freeze(NOW + timedelta(minutes=7))
        app.dashboard._tick()
        await pilot.pause(0.05)
        assert table.get_row_at(0)[2].plain == "19m"


async def test_details_use_iso_8601_utc(tmp_path, read_screen):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results())
        ecs = app.dashboard.panes["ecs"]
        await pilot.press("2")
        ecs.body.move_cursor(row=2)
        await pilot.press("enter")
        text = read_screen(app)
        assert "2026-11-28T03:05:00Z (9m00s ago)" in text  # started
        assert "2026-11-28T03:08:00Z (6m00s ago)" in text  # stopped
        assert "+00:00" not in text


# ------------------------------------------------------------------ issue 14 point 11
async def test_target_anomaly_and_mitigation_are_shown(tmp_path, read_screen):
    data = {r.probe: r.data for r in outage_results()}["targets"]
    group = data.groups[0]
    targets = (replace(group.targets[0], anomaly="anomalous", mitigation="yes"),
               replace(group.targets[1], anomaly="normal", mitigation="no"))
    snapshot = TargetHealthSnapshot(data.load_balancers, (replace(group, targets=targets),))
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await apply_all(app, pilot, results(targets=snapshot))
        text = read_screen(app)
        assert "anomalous, mitigated" in text
        assert "1 anomalous (ALB anomaly detection), 1 mitigated" in text
        await pilot.press("3", "enter")
        detail = read_screen(app)
        assert re.search(r"Anomaly\s+anomalous", detail)
        assert "Mitigation    yes: the ALB's automatic target weights route less traffic" \
            in detail


# ------------------------------------------------------------------ long run and faults
async def test_a_hundred_refreshes_keep_the_order_the_cursor_and_ticking_ages(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results(alarms=three_alarms()))
        pane = app.dashboard.panes["alarms"]
        await pilot.press("5", "right", "o")
        pane.body.move_cursor(row=1)
        for cycle in range(1, 101):
            now = NOW + timedelta(seconds=30 * cycle)
            clock.freeze(now)
            app.dashboard.apply(ProbeResult("alarms", now, 0.01, data=three_alarms()))
            app.dashboard._tick()
        await pilot.pause(0.05)
        assert row_names(pane) == ["alb-5xx-high", "alb-response-time-high", "ecs-cpu-high"]
        assert pane.body.cursor_key == "children-drawing-prod-alb-response-time-high"
        assert pane.body.get_row_at(0)[2].plain == "1h02m"  # 12 min + 100 x 30 s


async def test_thousands_of_tasks_sorted_by_run_time(tmp_path):
    data = {r.probe: r.data for r in outage_results()}["ecs"]
    stopped = data.tasks[2]
    tasks = tuple(replace(stopped, task_id=f"{i:08x}" + stopped.task_id[8:],
                          task_arn=f"{stopped.task_arn}-{i}",
                          started_at=NOW - timedelta(hours=5, seconds=i),
                          stopped_at=NOW - timedelta(hours=5) + timedelta(seconds=i))
                  for i in range(2000))
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results(ecs=replace(data, tasks=tasks)))
        table = app.dashboard.panes["ecs"].body
        assert table.row_count == 2000
        await pilot.press("2", *["right"] * 5, "o", "o")  # Ran, longest first
        assert table.get_row_at(0)[5].plain == "1h06m"  # 2 x 1999 s
        assert table.get_row_at(1999)[5].plain == "0s"


async def test_a_denied_refresh_keeps_the_sorted_short_names_on_screen(tmp_path, read_screen):
    denied = classify(ClientError({"Error": {"Code": "AccessDenied", "Message":
                                             "User: arn:aws:iam::123456789012:user/oncall is "
                                             "not authorized to perform: "
                                             "cloudwatch:DescribeAlarms"}}, "DescribeAlarms"),
                      action="cloudwatch:DescribeAlarms")
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await apply_all(app, pilot, results(alarms=three_alarms()))
        pane = app.dashboard.panes["alarms"]
        await pilot.press("5", "right", "o")
        app.dashboard.apply(ProbeResult("alarms", NOW, 0.01, error=denied))
        await pilot.pause(0.1)
        text = read_screen(app)
        assert "cloudwatch:DescribeAlarms" in text
        assert pane.stale
        assert row_names(pane) == ["alb-5xx-high", "alb-response-time-high", "ecs-cpu-high"]
        assert "alb-response-time-high" in text
        assert pane.border_title == "5 Alarms · Alarm ▲"


async def test_ages_of_a_thousand_tasks_are_redrawn_every_ten_seconds_for_the_rows_in_view(
        tmp_path):
    data = {r.probe: r.data for r in outage_results()}["ecs"]
    stopped = data.tasks[2]
    tasks = tuple(replace(stopped, task_id=f"{i:08x}" + stopped.task_id[8:],
                          task_arn=f"{stopped.task_arn}-{i}") for i in range(1000))
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await apply_all(app, pilot, results(ecs=replace(data, tasks=tasks)))
        pane = app.dashboard.panes["ecs"]
        built = []
        original = pane.rows
        pane.rows = lambda s, only=None: built.append(len(original(s, only))) or \
            original(s, only)
        for second in range(1, 21):  # twenty ticks of the UI clock, one second apart
            clock.freeze(NOW + timedelta(seconds=second))
            app.dashboard._tick()
        # 20 s at 1,000 rows: a redraw every 10 s (the app's own 1 s timer may add one), not
        # 20, each building the rows in view (a few dozen), not the thousand.
        assert 2 <= len(built) <= 3 and max(built) < 50, built
        assert pane.body.get_row_at(0)[4].plain != "03:08 6m00s"  # but the ages did move
