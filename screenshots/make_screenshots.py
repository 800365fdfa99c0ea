"""Make screenshots/*.svg from the demo: the dashboard in every scenario at 120x40, once at
80x24, the screens a user reaches from it (a runbook, a confirmation, the help), and
p0-outage taken from DOWN to OK through its runbook in training mode.

    python screenshots/make_screenshots.py

Never edit the SVGs by hand: run this after a change to what the app shows.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).parent
SCENARIOS = ("healthy", "p0-outage", "p1-degraded", "stack-rollback", "cost-overrun",
             "backup-failure", "rolling-deploy", "fail-open")


TIMEOUT_S = 90.0  # for conditions: generous, the machine may be busy
SETTLE_S = 3.0  # training mode's delay before the fixed tasks turn healthy (the demo's is longer)


@asynccontextmanager
async def opened(scenario: str, size: tuple[int, int], write: bool = False,
                 **demo_options) -> AsyncIterator[tuple[object, object, object]]:
    """The app on a demo of `scenario`, every pane loaded: (app, pilot, demo)."""
    from console.app import ConsoleApp
    from console.config import FileConfig, Flags, resolve
    from console.demo import DemoRun
    from probes.suite import connect

    with DemoRun(scenario, **demo_options) as demo, tempfile.TemporaryDirectory() as tmp:
        env = resolve(Flags(write=write), env_vars={}, file=FileConfig(path=Path(tmp) / "x"))
        env = replace(env, aws=demo.settings(), name=f"demo:{scenario}")
        connection = await connect(env.aws, env.stack, env.overrides)
        try:
            app = ConsoleApp(env, connection, cost_cache_dir=Path(tmp))
            async with app.run_test(size=size) as pilot:
                await until(pilot, lambda: all(p.data is not None
                                               for p in app.dashboard.panes.values())
                            and "datapath" in app.dashboard.verdict_inputs)
                await pilot.pause(0.5)
                yield app, pilot, demo
        finally:
            await connection.close()


async def until(pilot, condition: Callable[[], bool]) -> None:
    for _ in range(int(TIMEOUT_S / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise TimeoutError("the screen did not reach the state to photograph")


def save(app, name: str) -> Path:
    path = HERE / f"{name}.svg"
    app.save_screenshot(filename=path.name, path=str(HERE))
    print(f"wrote {path}")
    return path


async def shoot(scenario: str, name: str, size: tuple[int, int], write: bool = False,
                then: Callable[[object, object], Awaitable[None]] | None = None) -> Path:
    async with opened(scenario, size, write) as (app, pilot, _demo):
        if then is not None:
            await then(app, pilot)
            await pilot.pause(0.5)
        return save(app, name)


async def metrics_pane(app, pilot) -> None:
    """Wait for the Metrics pane's sparklines (the metrics probe's first answer)."""
    for _ in range(600):
        if app.dashboard.metrics_pane.data is not None:
            return
        await pilot.pause(0.1)
    raise SystemExit("the Metrics pane had no data after 60 s")


def verdict(app) -> str | None:
    from console.widgets.status_header import StatusHeader

    shown = app.dashboard.query_one(StatusHeader).verdict
    return shown.level.name if shown is not None else None


async def down_to_ok() -> None:
    """p0-outage taken from DOWN to OK through its runbook, with the keys an operator
    presses: `s` on the runbook's preview, `enter` on the scale-task-size step, the new size
    in its form and `enter`, `y` to confirm, `escape` to close the result. Training mode
    answers the fix; the dashboard is photographed once its header says OK."""
    from textual.widgets import Input

    from console.screens.action_form import ActionFormScreen
    from console.screens.action_result import ActionResultScreen
    from console.screens.confirm import ConfirmScreen
    from console.screens.runbook import RunbookScreen
    from console.screens.runbook_picker import RunbookPreviewScreen

    async with opened("p0-outage", (120, 40), write=True, training=True,
                      settle_s=SETTLE_S) as (app, pilot, demo):
        await until(pilot, lambda: verdict(app) == "DOWN")
        app.start_runbook("p0-service-down")
        await until(pilot, lambda: isinstance(app.screen, RunbookPreviewScreen))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, RunbookScreen)
                    and bool(app.screen.query("#runbook-step")))
        screen = app.screen
        steps = screen.session.runbook.steps
        screen.session.go(next(i for i, s in enumerate(steps) if s.action == "scale-task-size"))
        screen.refresh_view()
        await pilot.pause(0.5)
        save(app, "runbook-p0-outage-start")

        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen | ConfirmScreen))
        if isinstance(app.screen, ActionFormScreen):
            app.screen.query_one("#field-size", Input).value = "512/1024"
            app.screen.query(Input).last().focus()
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        await pilot.press("escape")
        if not await asyncio.to_thread(demo.trainer.wait_settled, TIMEOUT_S):
            raise TimeoutError("training mode did not settle after the fix")
        while app.screen is not app.dashboard:
            await pilot.press("escape")
            await pilot.pause(0.1)
        app.scheduler.refresh_all()
        await until(pilot, lambda: verdict(app) == "OK")
        await pilot.pause(0.5)
        save(app, "dashboard-p0-outage-recovered-120x40")


async def open_runbook(app, pilot) -> None:
    from console.screens.runbook import RunbookScreen
    from console.screens.runbook_picker import RunbookPreviewScreen

    app.start_runbook("p0-service-down")  # its preview first: `s` starts it
    await until(pilot, lambda: isinstance(app.screen, RunbookPreviewScreen))
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, RunbookScreen))
    await pilot.pause(0.3)
    for _ in range(2):  # record the manual step, then run the alarms check
        await pilot.press("n")
    await pilot.press("enter")
    for _ in range(100):
        if app.runbook_sessions["p0-service-down"].state.runs:
            break
        await pilot.pause(0.05)


async def confirm_force_deploy(app, pilot) -> None:
    await pilot.press("2", "F")


async def help_screen(app, pilot) -> None:
    await pilot.press("question_mark")


async def main() -> int:
    # The user's own incidents, logs and caches stay out of the pictures: an incident left
    # open in the data directory offered itself over the 80x24 dashboard.
    for name in ("DATA", "LOG", "CACHE"):
        os.environ[f"INCIDENT_CONSOLE_{name}_DIR"] = tempfile.mkdtemp(prefix=f"shot-{name}-")
    for scenario in SCENARIOS:
        await shoot(scenario, f"dashboard-{scenario}-120x40", (120, 40))
    await shoot("p0-outage", "dashboard-p0-outage-80x24", (80, 24))
    # 160x45 and larger: the Metrics pane under the six (issue 13)
    await shoot("p0-outage", "dashboard-p0-outage-200x50", (200, 50), then=metrics_pane)
    await shoot("p0-outage", "runbook-p0-service-down", (120, 40), then=open_runbook)
    await shoot("p0-outage", "confirm-force-new-deployment", (120, 40), write=True,
                then=confirm_force_deploy)
    await shoot("healthy", "help-keys", (120, 40), then=help_screen)
    await down_to_ok()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
