"""Keyboard first: number keys, zoom, filter, detail, help, refresh; small terminals."""

from console.screens.detail import DetailScreen
from console.screens.help import HelpScreen


async def test_number_keys_focus_panes_and_zoom_toggles(scenario, open_app, until, complete):
    async with open_app(scenario("p0-outage")) as (app, pilot):
        await until(pilot, lambda: complete(app))
        dashboard = app.dashboard
        for number, name in ((3, "targets"), (5, "alarms"), (1, "stack"), (2, "ecs"), (4, "logs")):
            await pilot.press(str(number))
            assert dashboard.active == name
            assert app.focused is dashboard.panes[name].body
        await pilot.press("z")
        assert dashboard.is_single
        assert dashboard.panes["logs"].display and not dashboard.panes["ecs"].display
        await pilot.press("z")
        assert not dashboard.is_single
        assert all(p.display for p in dashboard.panes.values())


async def test_enter_opens_a_task_detail_with_exit_code_and_reason(scenario, open_app, until,
                                                                   complete, read_screen):
    async with open_app(scenario("p0-outage")) as (app, pilot):
        await until(pilot, lambda: complete(app))
        ecs = app.dashboard.panes["ecs"]
        failed = ecs.data.failed_tasks[0]
        await pilot.press("2")
        table = ecs.body
        table.move_cursor(row=list(t.task_arn for t in ecs.data.tasks).index(failed.task_arn))
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        text = read_screen(app)
        assert failed.task_id in text
        assert "exit code 137" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailScreen)


async def test_filter_narrows_rows_and_escape_restores(scenario, open_app, until, complete):
    async with open_app(scenario("p0-outage")) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("5")
        alarms = app.dashboard.panes["alarms"]
        total = alarms.body.row_count
        await pilot.press("slash", *"cpu")
        assert 0 < alarms.body.row_count < total
        await pilot.press("enter", "escape")
        assert alarms.body.row_count == total


async def test_help_lists_every_dashboard_key(scenario, open_app, until, complete, read_screen):
    async with open_app(scenario("healthy")) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        visible = read_screen(app)
        assert "command palette" in visible and "Stack pane" in visible
        whole = app.screen.plain  # the rest is a scroll away
        for words in ("Zoom", "Filter", "Refresh", "Quit", "Stack pane", "Costs pane",
                      "Runbooks", "Force a new deployment"):
            assert words in whole, words
        await pilot.press("escape")


async def test_small_terminal_shows_one_pane_and_a_summary_strip(scenario, open_app, until,
                                                                 complete, read_screen):
    async with open_app(scenario("p0-outage"), size=(80, 24)) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.pause(0.1)
        text = read_screen(app)
        lines = text.splitlines()
        assert len(lines) == 24 and max(len(line) for line in lines) <= 80
        assert lines[1].split()[0] == "DOWN"
        assert "3 Targets 0/" in text and "5 Alarms" in text  # the summary strip
        assert app.dashboard.is_single
        await pilot.resize_terminal(140, 45)
        await pilot.pause(0.1)
        assert not app.dashboard.is_single
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        assert app.dashboard.is_single and complete(app)


async def test_refresh_key_collects_again(scenario, open_app, until, complete):
    async with open_app(scenario("healthy")) as (app, pilot):
        await until(pilot, lambda: complete(app))
        runs = app.scheduler.states["alarms"].runs
        await pilot.press("r")
        await until(pilot, lambda: app.scheduler.states["alarms"].runs > runs)


async def test_alarm_detail_shows_reason_threshold_and_recent_datapoints(
        scenario, open_app, until, complete, read_screen):
    async with open_app(scenario("p0-outage"), size=(120, 45)) as (app, pilot):
        await until(pilot, lambda: complete(app))
        alarms = app.dashboard.panes["alarms"]
        name = "children-drawing-prod-ecs-cpu-high"
        await pilot.press("5")
        alarms.body.move_cursor(row=[a.name for a in alarms.data.alarms].index(name))
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        await until(pilot, lambda: "> threshold" in read_screen(app))
        text = read_screen(app)
        assert "CPUUtilization Average > 80" in text
        assert "Threshold Crossed" in text
        assert "Recent datapoints" in text and "UTC" in text


async def test_keys_can_be_remapped_in_the_config_file(scenario, tmp_path, until, complete):
    from dataclasses import replace

    from console.app import ConsoleApp
    from console.config import Flags, load_file, resolve
    from probes.suite import connect

    config = tmp_path / "config.toml"
    config.write_text('[keys]\nzoom = "Z"\n')
    demo = scenario("healthy")
    env = replace(resolve(Flags(), env_vars={}, file=load_file(config)), aws=demo.settings())
    connection = await connect(env.aws, env.stack, env.overrides)
    try:
        app = ConsoleApp(env, connection, cost_cache_dir=tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: complete(app))
            await pilot.press("z")
            assert not app.dashboard.is_single
            await pilot.press("Z")
            assert app.dashboard.is_single
    finally:
        await connection.close()
