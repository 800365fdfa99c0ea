"""Make screenshots/metrics-p0-outage-*.svg: the Metrics & Changes screen on p0-outage, the
cursor on the deployment that preceded the 5xx jump.

    python screenshots/make_metrics_screenshot.py

Until the changes timeline feeds the screen, the marks come from the ECS pane's own data (the
service's deployments, as DescribeServices returned them) and the alarms pane's transitions.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile

from make_screenshots import opened, save, until


def changes_from_panes(app):
    from probes.change_entry import ChangeEntry

    entries = []
    ecs = app.dashboard.panes["ecs"].data
    for deployment in getattr(ecs, "deployments", ()):
        if deployment.created_at:
            entries.append(ChangeEntry(deployment.created_at, "deployment", ecs.service,
                                       f"ECS deployment {deployment.deployment_id} "
                                       f"({deployment.status}, {deployment.rollout_state})"))
    alarms = app.dashboard.panes["alarms"].data
    for alarm in getattr(alarms, "alarms", ()):
        if alarm.since and alarm.state == "ALARM":
            entries.append(ChangeEntry(alarm.since, "alarm", alarm.name, "OK -> ALARM"))
    return entries


async def shoot(size: tuple[int, int]) -> None:
    from console.screens.metrics import MetricsScreen

    async with opened("p0-outage", size) as (app, pilot, _demo):
        entries = changes_from_panes(app)
        app.metrics_view.changes_provider = lambda start, end: [
            e for e in entries if start <= e.at <= end]
        await until(pilot, lambda: app.metrics_view.snapshot is not None)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MetricsScreen))
        deployed = max(e.at for e in entries if e.kind == "deployment")
        while app.screen.cursor is None or app.screen.cursor > deployed:
            await pilot.press("left_square_bracket")
        await pilot.press("right")
        await pilot.pause(0.5)
        save(app, f"metrics-p0-outage-{size[0]}x{size[1]}")


async def main() -> int:
    # No incident left open by another run may offer itself over the screen.
    os.environ["INCIDENT_CONSOLE_DATA_DIR"] = tempfile.mkdtemp(prefix="metrics-shot-")
    await shoot((120, 40))
    await shoot((80, 24))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
