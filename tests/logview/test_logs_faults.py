"""Faults: a throttled, denied or stalled FilterLogEvents keeps the parsed lines on screen and
says what failed (AWS's own error, through the fault proxy), in the Logs pane of the real app
and in the log view; the lines come back when the fault clears."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from tests.faults.proxy import FaultProxy
from tests.tail.conftest import ScreenApp, now_ms

from console.panes.logs import format_line
from console.screens.log_view import LogViewScreen
from console.widgets.tail_log import TailLog
from probes.log_sources import TailTarget

ROW = re.compile(r"\d{2}:\d{2}:\d{2} [0-9a-f]{8} ([^│┃\n]*?)\s*[│┃]")
SAYS = {"throttled": "throttled: logs:FilterLogEvents",
        "denied": "access denied: logs:FilterLogEvents"}


class Through:
    """The scenario as `open_app` wants it, reached through the fault proxy."""

    def __init__(self, settings):
        self._settings = settings

    def settings(self):
        return self._settings


@pytest.mark.parametrize("fault", ["throttled", "denied"])
async def test_a_failed_read_keeps_the_parsed_lines_in_the_pane_and_says_why(
        fault, scenario, open_app, until, read_screen):
    demo = scenario("p0-outage")
    demo.traffic(seed=3).backfill()
    with FaultProxy(demo.endpoint_url) as proxy:
        settings = demo.settings(endpoint_url=proxy.url, read_timeout=0.5)
        async with open_app(Through(settings), size=(80, 24)) as (app, pilot):
            pane = app.dashboard.panes["logs"]
            await until(pilot, lambda: len(pane.events) > 0, timeout=30)
            await pilot.press("4")
            await until(pilot, lambda: len(ROW.findall(read_screen(app))) >= 10)
            assert not any('{"time"' in row for row in ROW.findall(read_screen(app)))
            kept = len(pane.events)

            proxy.fail("logs:FilterLogEvents", fault)
            app.scheduler.refresh("logs")
            await until(pilot, lambda: pane.last_error is not None, timeout=30)
            await until(pilot, lambda: SAYS[fault] in read_screen(app), timeout=10)
            screen = read_screen(app)
            assert "STALE" in screen and "unexpected" not in screen
            rows = [row.rstrip("▁ ") for row in ROW.findall(screen)]
            assert len(rows) >= 5 and len(pane.events) >= kept  # the parsed lines, kept
            held = [format_line(event).split(" ", 2)[2] for event in pane.events]
            assert all(any(line.startswith(row) for line in held) for row in rows), rows

            proxy.clear()
            app.scheduler.refresh("logs")
            await until(pilot, lambda: pane.last_error is None, timeout=30)
            # On the next frame (the compositor lays the pane out again): a busy CI box.
            await until(pilot, lambda: SAYS[fault] not in read_screen(app), timeout=10)


@pytest.mark.parametrize("fault", ["throttled", "stall"])
async def test_a_failed_read_keeps_the_parsed_lines_in_the_log_view(
        fault, log_groups, emulator, tmp_path):
    group = log_groups.create(["ecs/app/e99f7057"])
    base = now_ms() - 10_000
    record = {"time": "2026-11-28T20:19:45.569+00:00", "level": "error", "task_id": "e99f7057"}
    log_groups.put(group, "ecs/app/e99f7057", [
        (base + i, json.dumps({**record, "message": f"OutOfMemoryError {i}"}))
        for i in range(20)])
    with FaultProxy(emulator.endpoint_url, stall_s=3.0) as proxy:
        from probes.context import AwsContext

        ctx = AwsContext(replace(log_groups.settings(), endpoint_url=proxy.url,
                                 read_timeout=0.5, connect_timeout=1.0))
        app = ScreenApp(lambda: LogViewScreen(ctx, TailTarget((group,), title=group),
                                              since_ms=base - 1_000, interval_s=0.2,
                                              save_dir=tmp_path))
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                log = app.screen.query_one(TailLog)
                for _ in range(600):
                    if len(log.entries) == 20:
                        break
                    await pilot.pause(0.05)
                assert log.lines[-1].endswith("e99f7057 ERROR OutOfMemoryError 19")
                kept = list(log.lines)

                proxy.fail("logs:FilterLogEvents", fault)
                error = app.screen.query_one("#tail-error")
                for _ in range(600):
                    if app.screen.has_class("-failing"):
                        break
                    await pilot.pause(0.05)
                said = str(error.render())
                expected = ("throttled: logs:FilterLogEvents" if fault == "throttled"
                            else "logs:FilterLogEvents")
                assert expected in said and "showing what was read" in said, said
                assert log.lines == kept  # the parsed lines stay, none added or lost

                proxy.clear()
                log_groups.put(group, "ecs/app/e99f7057", [(now_ms(), json.dumps(
                    {**record, "message": "back"}))])
                for _ in range(600):
                    if len(log.entries) == 21:
                        break
                    await pilot.pause(0.05)
                assert log.lines[-1].endswith("ERROR back")
                assert not app.screen.has_class("-failing")
        finally:
            await ctx.close()
