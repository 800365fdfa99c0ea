"""Make screenshots/*.svg from the demo: the dashboard in every scenario at 120x40, once at
80x24, and the screens a user reaches from it (a runbook, a confirmation, the help).

    python screenshots/make_screenshots.py

Never edit the SVGs by hand: run this after a change to what the app shows.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).parent
SCENARIOS = ("healthy", "p0-outage", "p1-degraded", "stack-rollback", "cost-overrun",
             "backup-failure", "rolling-deploy", "fail-open")


async def shoot(scenario: str, name: str, size: tuple[int, int], write: bool = False,
                then: Callable[[object, object], Awaitable[None]] | None = None) -> Path:
    from console.app import ConsoleApp
    from console.config import FileConfig, Flags, resolve
    from console.demo import DemoRun
    from probes.suite import connect

    with DemoRun(scenario) as demo, tempfile.TemporaryDirectory() as tmp:
        env = resolve(Flags(write=write), env_vars={}, file=FileConfig(path=Path(tmp) / "x"))
        env = replace(env, aws=demo.settings(), name=f"demo:{scenario}")
        connection = await connect(env.aws, env.stack, env.overrides)
        try:
            app = ConsoleApp(env, connection, cost_cache_dir=Path(tmp))
            async with app.run_test(size=size) as pilot:
                for _ in range(200):
                    if all(p.data is not None for p in app.dashboard.panes.values()):
                        break
                    await pilot.pause(0.05)
                await pilot.pause(0.5)
                if then is not None:
                    await then(app, pilot)
                    await pilot.pause(0.5)
                path = HERE / f"{name}.svg"
                app.save_screenshot(filename=path.name, path=str(HERE))
        finally:
            await connection.close()
    print(f"wrote {path}")
    return path


async def open_runbook(app, pilot) -> None:
    app.start_runbook("p0-service-down")
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
    for scenario in SCENARIOS:
        await shoot(scenario, f"dashboard-{scenario}-120x40", (120, 40))
    await shoot("p0-outage", "dashboard-p0-outage-80x24", (80, 24))
    await shoot("p0-outage", "runbook-p0-service-down", (120, 40), then=open_runbook)
    await shoot("p0-outage", "confirm-force-new-deployment", (120, 40), write=True,
                then=confirm_force_deploy)
    await shoot("healthy", "help-keys", (120, 40), then=help_screen)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
