"""Issue 12: the idle dashboard at 1,000 tasks in a crash loop stays cheap and true.

The emulator holds 500 running and 500 stopped tasks (the scaling benchmark's crash loop); the
probes read them through the fault proxy and the dashboard shows them with a frozen clock that
the test moves a second per tick (a hundred ticks, no sleeps). What is checked:

- ages still tick: the rows on screen show how long each task ran at the clock's time, from the
  times the emulator holds;
- a pane's status line is laid out again only when its text changed (each layout is the whole
  screen's), and a task's fixed cells are built once, not on every redraw of the ages;
- a change shows at once (ten more tasks crash: the next result shows them, no tick needed);
- AccessDenied on DescribeTasks: the pane keeps the tasks, says STALE with AWS's text, ages keep
  ticking, and it recovers with the next good result.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.faults.proxy import FaultProxy
from textual.widget import Widget

from console import clock
from console.app import ConsoleApp
from console.config import FileConfig, Flags, resolve
from console.demo import backend
from console.demo import names as n
from console.demo.crash_loop import crash, launch_serving
from console.demo.specs import StackEventSpec
from console.panes import ecs as ecs_pane
from console.panes import stack as stack_pane
from probes.suite import build_probes, connect, run_all_once

RUNNING, STOPPED = 500, 500


def count_calls(monkeypatch, owner, name: str) -> dict[str, int]:
    """Counts the calls of `owner.name` (a module's function or a class's method) from now on:
    ``counted["calls"]``."""
    counted = {"calls": 0}
    real = getattr(owner, name)

    def counting(*args, **kwargs):
        counted["calls"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return counted


def app_for(connection, tmp_path) -> ConsoleApp:
    env = resolve(Flags(), env_vars={}, file=FileConfig(path=tmp_path / "config.toml"))
    return ConsoleApp(env, connection, start_probes=False, probes={})


class LayoutCounter:
    """Counts the layouts the panes' status lines ask for, and how often their text changed."""

    def __init__(self, monkeypatch) -> None:
        self.layouts = 0
        original = Widget.refresh

        def refresh(widget, *regions, layout=False, **kwargs):
            if layout and widget.has_class("pane-status"):
                self.layouts += 1
            return original(widget, *regions, layout=layout, **kwargs)

        monkeypatch.setattr(Widget, "refresh", refresh)


def assert_status_lines_on_screen(app, screen: str) -> None:
    """Every line of every pane's status line, as the pane states it now, is on screen."""
    for pane in app.dashboard.panes.values():
        if pane.display and pane.data is not None and pane.region.height:
            for line in str(pane.query_one(".pane-status").render()).splitlines():
                assert line.strip()[:40] in screen, (pane.probe, line)


def status_texts(app) -> dict[str, str]:
    return {name: str(pane.query_one(".pane-status").render())
            for name, pane in app.dashboard.panes.items()}


async def tick_for_a_hundred_seconds(app, pilot, start: datetime) -> int:
    """The dashboard's clock ticks a hundred times, a second apart (the fake clock); returns
    how many times a status line's text changed."""
    changes, before = 0, status_texts(app)
    for second in range(1, 101):
        clock.freeze(start + timedelta(seconds=second))
        app.dashboard._tick()
        now_texts = status_texts(app)
        changes += sum(now_texts[k] != before[k] for k in now_texts)
        before = now_texts
        if second % 10 == 0:
            await pilot.pause()
    await pilot.pause(0.2)
    return changes


def visible_task_lines(screen: str, tasks) -> dict[str, str]:
    """The screen line of each task whose short id is on screen."""
    lines = {}
    for t in tasks:
        short = ecs_pane.short_task_id(t["taskArn"].rsplit("/", 1)[-1])
        line = next((line for line in screen.splitlines() if short in line), None)
        if line is not None:
            lines[t["taskArn"]] = line
    return lines


def shown_order(pane) -> list[str]:
    """The task of each row of the pane's table, top to bottom, as the table shows them."""
    table = pane.body
    return [str(table.coordinate_to_cell_key((i, 0)).row_key.value)
            for i in range(table.row_count)]


def table_cells(pane, key: str) -> list[str]:
    return [c.plain for c in pane.body.get_row(key)]


def assert_ran_for(lines: dict[str, str], described, pane, now: datetime) -> None:
    """Each task on screen shows how long it ran (from the emulator's startedAt) as of the
    pane's last redraw of its ages, and that redraw is recent: every second for a hundred
    rows, every five seconds for five hundred (`PaneAges._ages_due`)."""
    every = max(1.0, pane.shown_rows / 100)
    drawn = pane.ages_drawn_at
    assert drawn is not None and 0 <= (now - drawn).total_seconds() < every
    for t in described:
        if t["taskArn"] in lines:
            ran = (drawn - t["startedAt"]).total_seconds()
            assert clock.duration(ran) in lines[t["taskArn"]]


@pytest.fixture
def crash_loop(scenario):
    """The healthy scenario plus 500 running and 500 stopped tasks, behind the fault proxy."""
    demo = scenario("healthy")
    at = datetime.now(UTC).replace(microsecond=0)
    arns = launch_serving(demo.built.base, RUNNING + STOPPED, at)
    crash(arns[:RUNNING], at)
    with FaultProxy(demo.endpoint_url, stall_s=4.0) as proxy:
        settings = demo.settings(endpoint_url=proxy.url, max_attempts=1)
        yield demo, proxy, settings, arns[RUNNING:]


async def test_a_thousand_tasks_tick_for_a_hundred_seconds_without_rebuilding_or_relayout(
        crash_loop, tmp_path, monkeypatch, read_screen):
    demo, _, settings, running = crash_loop
    connection = await connect(settings, n.STACK)
    status_cells = count_calls(monkeypatch, ecs_pane, "status_cell")
    try:
        probes = build_probes(connection.ctx, connection.deployment,
                              account=connection.identity.account)
        results = await run_all_once({k: p for k, p in probes.items() if k != "costs"})
        app = app_for(connection, tmp_path)
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=30)
        clock.freeze(start)
        async with app.run_test(size=(160, 50)) as pilot:
            for result in results.values():
                app.dashboard.apply(result)
            await pilot.press("2", "z")  # the ECS pane, zoomed: its rows on screen
            await pilot.pause(0.2)
            ecs = app.dashboard.panes["ecs"]
            tasks = len(ecs.data.tasks)
            assert tasks >= RUNNING  # the running tasks and the newest stopped ones
            after_apply = status_cells["calls"]
            assert after_apply == 2 * tasks  # Status and Health: once per task

            counter = LayoutCounter(monkeypatch)
            stack_cells = count_calls(monkeypatch, stack_pane, "cell")
            assert app.dashboard.panes["stack"].shown_rows > 0
            changes = await tick_for_a_hundred_seconds(app, pilot, start)
            assert stack_cells["calls"] == 0  # its events' ages ticked; their cells were kept
            # A status line whose text changed is drawn again, and the screen laid out only
            # when its height changed (each layout is the whole screen's): here none did.
            assert changes > 0 and counter.layouts == 0
            assert_status_lines_on_screen(app, read_screen(app))
            # A task's fixed cells are built once: ticking rebuilt none of them.
            assert status_cells["calls"] == after_apply

            # Ages ticked: each running task on screen shows how long it ran, from the
            # startedAt the emulator holds, at the clock's time.
            described = demo.built.base.api("ecs").describe_tasks(
                cluster=n.CLUSTER, tasks=running[:100])["tasks"]
            lines = visible_task_lines(read_screen(app), described)
            assert len(lines) >= 5
            assert_ran_for(lines, described, ecs, start + timedelta(seconds=100))

            # A change shows at once: ten more crash and ten replace them (the crash loop),
            # the next result shows them, in the pane's order, without building the other
            # rows again (only the rows that came are added; none is cleared).
            crash(running[:10], start + timedelta(seconds=100))
            replacements = launch_serving(demo.built.base, 10, start + timedelta(seconds=100))
            fleet_now = start + timedelta(seconds=101)
            clock.freeze(fleet_now)
            before = set(ecs.body.rows)
            added = count_calls(monkeypatch, type(ecs.body), "add_row")
            cleared = count_calls(monkeypatch, type(ecs.body), "clear")
            app.dashboard.apply(await probes["ecs"].run())
            await pilot.pause(0.2)
            assert cleared["calls"] == 0
            assert added["calls"] == len(set(ecs.body.rows) - before) == 10
            crashed = demo.built.base.api("ecs").describe_tasks(
                cluster=n.CLUSTER, tasks=running[:10])["tasks"]
            assert {t["lastStatus"] for t in crashed} == {"STOPPED"}
            for t in crashed:  # below the running tasks: the table's rows (scrolled to)
                cells = table_cells(ecs, t["taskArn"])
                assert cells[1] == "STOPPED" and cells[-1] == t["stoppedReason"]
            for t in demo.built.base.api("ecs").describe_tasks(
                    cluster=n.CLUSTER, tasks=replacements)["tasks"]:
                assert table_cells(ecs, t["taskArn"])[1] == t["lastStatus"] == "RUNNING"
            assert shown_order(ecs) == [r.key for r in ecs.rows(ecs.data)]

            # The new rows carry their ages: none is drawn again until the next are due, and
            # then only the rows in view are built again, not all of them.
            aged = count_calls(monkeypatch, ecs_pane, "time_cells")
            every_task = [{"taskArn": t.task_arn} for t in ecs.data.tasks]
            in_view = len(visible_task_lines(read_screen(app), every_task))
            assert 0 < in_view < ecs.shown_rows // 5
            every = ecs.shown_rows / 100
            for second in range(1, int(every)):
                clock.freeze(fleet_now + timedelta(seconds=second))
                app.dashboard._tick()
            assert aged["calls"] == 0
            clock.freeze(fleet_now + timedelta(seconds=every))
            app.dashboard._tick()
            assert aged["calls"] == in_view

            # Rows that come into view show their ages at once, at the clock's time (no tick
            # needed): the end of the table (the stopped tasks) and back to the top.
            now = fleet_now + timedelta(seconds=30)
            clock.freeze(now)
            await pilot.press("ctrl+end")
            await pilot.pause(0.2)
            bottom = visible_task_lines(read_screen(app), every_task)
            stopped = [t for t in ecs.data.tasks if t.is_stopped and t.task_arn in bottom]
            assert stopped
            for t in stopped:
                assert f"{clock.when(t.stopped_at, now)} {clock.age(t.stopped_at, now)}" \
                    in bottom[t.task_arn]
            now = fleet_now + timedelta(seconds=40)
            clock.freeze(now)
            await pilot.press("ctrl+home")
            await pilot.pause(0.2)
            lines = visible_task_lines(read_screen(app), described)
            assert len(lines) >= 5
            for t in described:
                if t["taskArn"] in lines:
                    ran = (now - t["startedAt"]).total_seconds()
                    assert clock.duration(ran) in lines[t["taskArn"]]
    finally:
        clock.freeze(None)
        await connection.close()


async def test_access_denied_on_describe_tasks_keeps_the_rows_ticking_and_recovers(
        crash_loop, tmp_path, monkeypatch, read_screen):
    demo, proxy, settings, running = crash_loop
    connection = await connect(settings, n.STACK)
    try:
        probes = build_probes(connection.ctx, connection.deployment,
                              account=connection.identity.account)
        app = app_for(connection, tmp_path)
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=30)
        clock.freeze(start)
        async with app.run_test(size=(160, 50)) as pilot:
            app.dashboard.apply(await probes["ecs"].run())
            await pilot.press("2", "z")
            await pilot.pause(0.2)
            ecs = app.dashboard.panes["ecs"]
            shown_before = ecs.data

            proxy.fail("ecs:DescribeTasks", "denied")
            crash(running[:10], start)  # the probe cannot see it yet
            result = await probes["ecs"].run()
            assert not result.ok
            app.dashboard.apply(result)
            counter = LayoutCounter(monkeypatch)
            changes = await tick_for_a_hundred_seconds(app, pilot, start)
            screen = read_screen(app)
            said = "is not authorized to perform: ecs:DescribeTasks"  # AWS's text (the proxy's)
            assert said in screen and "STALE" in screen
            assert ecs.data is shown_before  # the tasks it had, not blanked
            crashed = demo.built.base.api("ecs").describe_tasks(
                cluster=n.CLUSTER, tasks=running[:10])["tasks"]
            assert {t["lastStatus"] for t in crashed} == {"STOPPED"}  # AWS knows; we cannot
            for t in crashed:  # what it last read, marked STALE above
                assert table_cells(ecs, t["taskArn"])[1] == "RUNNING"
            # The status line's event ages moved (drawn again), its height did not (no layout).
            assert changes > 0 and counter.layouts == 0
            described = demo.built.base.api("ecs").describe_tasks(
                cluster=n.CLUSTER, tasks=running[10:60])["tasks"]
            lines = visible_task_lines(screen, described)
            assert lines
            assert_ran_for(lines, described, ecs, start + timedelta(seconds=100))

            proxy.clear()
            clock.freeze(None)  # the result's time is the real clock's: judged by it
            recovered = await probes["ecs"].run()
            assert recovered.ok, recovered.error
            app.dashboard.apply(recovered)
            await pilot.pause(0.2)
            screen = read_screen(app)
            assert said not in screen and "STALE" not in screen
            for t in crashed:
                assert table_cells(ecs, t["taskArn"])[1] == "STOPPED"

            # Later the data ages past its interval (no new result): STALE by age, and the
            # denial that has since cleared is not shown again as if it were the cause.
            clock.freeze(datetime.now(UTC) + timedelta(minutes=10))
            app.dashboard._tick()
            await pilot.pause(0.2)
            screen = read_screen(app)
            assert "STALE" in screen and said not in screen
    finally:
        clock.freeze(None)
        await connection.close()


async def test_a_status_line_that_grows_is_laid_out_and_one_that_ticks_is_only_redrawn(
        scenario, tmp_path, monkeypatch, read_screen):
    """The stack fails: its status line gains the root cause's line (a height change: the
    screen is laid out, the new line shows); then its age ticks (same height: drawn again
    without a layout, the new age shows)."""
    demo = scenario("healthy")
    connection = await connect(demo.settings(), n.STACK)
    try:
        probes = build_probes(connection.ctx, connection.deployment,
                              account=connection.identity.account)
        app = app_for(connection, tmp_path)
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=5)
        clock.freeze(start)
        async with app.run_test(size=(160, 50)) as pilot:
            app.dashboard.apply(await probes["stack"].run())
            await pilot.pause(0.2)
            stack = app.dashboard.panes["stack"]
            counter = LayoutCounter(monkeypatch)
            reason = "Resource handler returned message: Invalid request provided: bench"
            backend.append_stack_events(n.STACK, [
                StackEventSpec(start, n.STACK, "AWS::CloudFormation::Stack",
                               "UPDATE_IN_PROGRESS"),
                StackEventSpec(start + timedelta(seconds=1), "Service", "AWS::ECS::Service",
                               "UPDATE_FAILED", reason)])
            app.dashboard.apply(await probes["stack"].run())
            await pilot.pause(0.2)
            assert counter.layouts >= 1
            assert "✗ Service UPDATE_FAILED: Resource" in read_screen(app)  # narrow: cut

            counter.layouts = 0
            status = stack.query_one(".pane-status")
            before = str(status.render())
            clock.freeze(start + timedelta(hours=2))
            stack.tick(clock.now())
            await pilot.pause(0.2)
            after = str(status.render())
            assert after != before and counter.layouts == 0
            screen = read_screen(app)
            age = clock.age(stack.data.last_updated)
            assert f"UTC, {age}" in after and f"UTC, {age}" in screen and age not in before
            assert "✗ Service UPDATE_FAILED: Resource" in screen

            # Each second only the stack's rows in view are built again, not every event,
            # and the newest event's age on screen is the clock's.
            built: list[int] = []
            rows = stack.rows
            monkeypatch.setattr(stack, "rows", lambda s, only=None: built.append(
                len(rows(s, only))) or rows(s, only))
            in_view = len(stack.body.keys_in_view())
            for second in range(1, 6):
                clock.freeze(start + timedelta(hours=2, seconds=second))
                app.dashboard._tick()
            await pilot.pause(0.2)
            assert 0 < in_view < stack.shown_rows and built and set(built) == {in_view}
            newest = stack.data.events[0]
            assert clock.age(newest.timestamp) in stack.body.get_row_at(0)[0].plain
    finally:
        clock.freeze(None)
        await connection.close()
