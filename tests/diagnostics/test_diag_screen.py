"""The Diagnostics screen: `d` opens it from the dashboard, critical findings first, Enter shows
a finding's evidence and fix, `a` / `b` start its action or runbook, readable at 80x24."""

from __future__ import annotations

import io
from dataclasses import replace

from rich.console import Console

from console import clock
from console.app import ConsoleApp
from console.config import FileConfig, Flags, resolve
from console.screens.diagnostics import DiagnosticsScreen, pane_snapshots
from console.screens.finding import FindingScreen
from probes.diagnostics import Severity
from probes.suite import connect


def screen_text(app) -> str:
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(),
                      force_terminal=True, record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


async def until(pilot, predicate, timeout: float = 15.0) -> None:
    waited = 0.0
    while not predicate():
        assert waited < timeout, "condition not met in time"
        await pilot.pause(0.05)
        waited += 0.05


def can_start(app: ConsoleApp) -> list[tuple[str, str, dict]]:
    """Give the app the methods issue 5 adds; returns the list of what they were asked."""
    started: list[tuple[str, str, dict]] = []
    app.start_action = lambda action_id, **context: started.append(
        ("action", action_id, context))
    app.start_runbook = lambda runbook_id: started.append(("runbook", runbook_id, {}))
    return started


async def open_app(handle, tmp_path):
    env = resolve(Flags(), env_vars={}, file=FileConfig(path=tmp_path / "config.toml"))
    env = replace(env, aws=handle.settings(), name="test")
    connection = await connect(env.aws, env.stack, env.overrides)
    app = ConsoleApp(env, connection, cost_cache_dir=tmp_path / "cache", start_probes=False)
    return app, connection


async def test_d_lists_p0_criticals_first_and_enter_shows_the_evidence(scenario, tmp_path):
    app, connection = await open_app(scenario("p0-outage"), tmp_path)
    app.start_action = app.start_runbook = None  # an app without actions or runbooks
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("d")
            screen = app.screen
            assert isinstance(screen, DiagnosticsScreen)
            await until(pilot, lambda: screen.report is not None)
            # the footer is recomposed for the highlighted finding's a/b (issue 11 point 7)
            await until(pilot, lambda: "Re-run" in screen_text(app))
            text = screen_text(app)
            assert "CRITICAL" in text and "fails open" in text  # all targets unhealthy
            assert "diagnostics in" in text and "Re-run" in text  # summary and footer keys
            assert all(len(line) <= 80 for line in text.splitlines())
            first = screen.selected
            assert first is not None and first.severity is Severity.CRITICAL
            criticals = [f.id for f in screen.report.findings if f.severity is Severity.CRITICAL]
            assert {"targets.no-healthy", "ecs.no-running-tasks", "memory.oom-kills"} <= set(
                criticals)
            await pilot.press("enter")
            assert isinstance(app.screen, FindingScreen)
            await until(pilot, lambda: "Evidence" in screen_text(app))
            detail = screen_text(app)
            assert "Target.ResponseCodeMismatch" in detail and "Cause" in detail
            await pilot.press("end")  # the fix is below the fold at 80x24
            await until(pilot, lambda: "Fix" in screen_text(app))
            assert "force-new-deployment" in screen_text(app)
            await pilot.press("a", "b")  # without actions or runbooks: a notification names them
            await pilot.pause(0.05)
            said = " ".join(str(n.message) for n in app._notifications)
            assert first.actions[0] in said and first.runbooks[0] in said
            await pilot.press("escape", "escape")
            assert app.screen is app.dashboard
    finally:
        await connection.close()


async def test_keys_start_the_findings_action_and_runbook_and_r_reruns(scenario, tmp_path):
    app, connection = await open_app(scenario("cost-overrun"), tmp_path)
    started = can_start(app)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("d")
            screen = app.screen
            await until(pilot, lambda: screen.report is not None)
            table = screen.query_one("#diagnostics-table")
            keys = [f.key for f in screen.report.findings]
            nat = next(k for k in keys if k.startswith("costs.nat-gateway"))
            table.move_cursor(row=keys.index(nat))
            await pilot.press("a", "b")
            kinds = [(kind, ident) for kind, ident, _ in started]
            assert kinds == [("action", "delete-nat-gateway"), ("runbook", "p2-cost-exceeded")]
            assert started[0][2]["nat_gateway_id"].startswith("nat-")
            first_report = screen.report
            await pilot.press("r")
            await until(pilot, lambda: screen.report is not first_report)
            assert {f.id for f in screen.report.findings} == {f.id for f in
                                                              first_report.findings}
    finally:
        await connection.close()


class _Pane:
    def __init__(self, data, stale=False):
        self.data, self.stale = data, stale
        self.last_good_at = None if data is None else clock.now()


def test_the_first_run_reuses_only_fresh_pane_snapshots():
    found = pane_snapshots({"ecs": _Pane("ecs data"), "stack": _Pane("old", stale=True),
                            "alarms": _Pane(None)})
    assert list(found) == ["ecs"] and found["ecs"].data == "ecs data" and found["ecs"].ok
