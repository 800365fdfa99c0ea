"""The dashboard under faults: a discovery step that fails leaves it open, the pane that could
not be filled says why (the action that failed), and everything recovers when the fault
clears and the operator presses r."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import replace

from console.app import ConsoleApp
from console.config import FileConfig, Flags, resolve
from probes.suite import connect


class Through:
    """The scenario as `open_app` wants it, reached through the fault proxy."""

    def __init__(self, settings):
        self._settings = settings

    def settings(self):
        return self._settings


@asynccontextmanager
async def dashboard(settings, tmp_path, size=(160, 50)):
    """The app as `incident-console` starts it: connected first, probes started before the
    screen is up (their first results wait until it is)."""
    env = resolve(Flags(), env_vars={}, file=FileConfig(path=tmp_path / "config.toml"))
    env = replace(env, aws=settings, name="test")
    connection = await connect(env.aws, env.stack, env.overrides)
    app = ConsoleApp(env, connection, cost_cache_dir=tmp_path / "cache")
    app.start_probes_early()
    try:
        async with app.run_test(size=size) as pilot:
            yield app, pilot
    finally:
        await connection.close()


def stale_panes(app) -> set[str]:
    return {name for name, pane in app.dashboard.panes.items()
            if pane.freshness.label.startswith("STALE")}


async def test_a_dropped_discovery_call_leaves_the_dashboard_open_and_recovers(
        faulty, tmp_path, until, read_screen):
    _, proxy, settings = faulty
    proxy.fail("ecs:DescribeServices", "drop")
    async with dashboard(settings, tmp_path) as (app, pilot):
        problems = app.connection.deployment.problems
        assert [p.error.action for p in problems] == ["ecs:DescribeServices"]
        ecs = app.dashboard.panes["ecs"]
        await until(pilot, lambda: ecs.last_error is not None, timeout=30)
        await until(pilot, lambda: "ecs:DescribeServices" in read_screen(app), timeout=30)
        screen = read_screen(app)
        assert "closed the connection" in screen
        assert "unexpected" not in screen
        assert "ecs" in stale_panes(app)
        # The panes discovery could not fill are marked once composed, never before.
        assert not {"targets", "logs"} & app.dashboard.broken_panes
        # The guide's names stood in for the rest: those panes have data.
        await until(pilot, lambda: all(app.dashboard.panes[n].data is not None
                                       for n in ("stack", "targets", "logs", "alarms")),
                    timeout=30)

        proxy.clear()
        await pilot.press("r")
        await until(pilot, lambda: ecs.data is not None and not stale_panes(app), timeout=30)
        await until(pilot, lambda: app.connection.deployment.problems == (), timeout=30)
        assert "ecs:DescribeServices" not in read_screen(app)


async def test_expired_credentials_in_the_dashboard_say_press_r(faulty, open_app, until,
                                                                read_screen, monkeypatch):
    _, proxy, settings = faulty
    # Not from environment variables: `r` can pick up a new login.
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    async with open_app(Through(settings), size=(160, 50)) as (app, pilot):
        alarms = app.dashboard.panes["alarms"]
        await until(pilot, lambda: alarms.data is not None, timeout=90)  # a busy CI
        proxy.fail("cloudwatch:DescribeAlarms", "expired")
        app.scheduler.refresh("alarms")
        await until(pilot, lambda: alarms.last_error is not None, timeout=30)
        assert alarms.last_error.action == "cloudwatch:DescribeAlarms"
        await pilot.press("5")
        await until(pilot, lambda: "then press r" in read_screen(app), timeout=10)
        proxy.clear()
        await pilot.press("r")
        await until(pilot, lambda: alarms.last_error is None, timeout=30)
