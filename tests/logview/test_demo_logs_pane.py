"""The Logs pane in the demo shows what each line says, not its timestamps (issue 11 point 5):
the real app on the p0-outage scenario at 80x24, each row compared with the event the emulator
holds for it, read back with boto3."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import boto3

from console.demo import names as n

ROW = re.compile(r"(\d{2}:\d{2}:\d{2}) ([0-9a-f]{8}) ([^│┃\n]*?)\s*[│┃]")
APP_LINE = re.compile(r"\d{4}-\d{2}-\d{2} [\d:,]+ (?P<level>[A-Z]+) (?P<logger>[\w.]+): "
                      r"(?P<rest>.*)", re.DOTALL)
ACCESS = re.compile(r'\S+ "(?P<method>\S+) (?P<path>\S+) HTTP/1.1" (?P<status>\d{3})')
SHORT = {"WARNING": "WARN", "CRITICAL": "CRIT"}


def logs_rows(text: str) -> list[tuple[str, str, str]]:
    """(time, task, message) of each row of the Logs pane on screen."""
    return [m.groups() for m in ROW.finditer(text)]


def expected_message(message: str) -> str:
    """What the row should say for an event, worked out from the demo's three formats."""
    if message.startswith("{"):
        record = json.loads(message)
        level = record["level"].upper()
        return f"{SHORT.get(level, level):<5} {record['message']}"
    line = APP_LINE.match(message)
    assert line, message
    access = ACCESS.match(line["rest"]) if line["logger"] == "access" else None
    if access:
        return f"{access['status']:<5} {access['method']} {access['path']}"
    return f"{SHORT.get(line['level'], line['level']):<5} {line['rest']}".replace("\n", "⏎")


def emulator_events(demo) -> dict[tuple[str, str], list[str]]:
    """(HH:MM:SS, task) -> the messages the emulator holds for that second and task."""
    client = boto3.client("logs", endpoint_url=demo.endpoint_url, region_name=n.REGION,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    found: dict[tuple[str, str], list[str]] = {}
    for page in client.get_paginator("filter_log_events").paginate(logGroupName=n.LOG_GROUP):
        for event in page["events"]:
            second = datetime.fromtimestamp(event["timestamp"] / 1000, UTC).strftime("%H:%M:%S")
            task = event["logStreamName"].rsplit("/", 1)[-1][:8]
            found.setdefault((second, task), []).append(event["message"])
    return found


async def test_demo_logs_pane_shows_messages_at_80x24(scenario, open_app, read_screen, until):
    demo = scenario("p0-outage")
    demo.traffic(seed=7).backfill()  # ten minutes of the app's lines, written at once
    held = emulator_events(demo)
    async with open_app(demo, size=(80, 24)) as (app, pilot):
        pane = app.dashboard.panes["logs"]
        await until(pilot, lambda: len(pane.events) > 0)
        await pilot.press("4")  # at 80x24 the dashboard shows one pane: the Logs pane
        await until(pilot, lambda: len(logs_rows(read_screen(app))) >= 10)
        rows = logs_rows(read_screen(app))
        for second, task, shown in rows:
            assert '{"time"' not in shown and not re.search(r"\d{4}-\d{2}-\d{2}", shown), shown
            expected = [expected_message(m) for m in held[(second, task)]]
            assert any(shown.startswith(e) or e.startswith(shown) for e in expected), (
                shown, expected)

        await pilot.press("slash", *"OutOfMemoryError", "enter")
        await until(pilot, lambda: any(r[2].startswith("ERROR OutOfMemoryError: Container")
                                       for r in logs_rows(read_screen(app))))

        await pilot.press("R")  # the raw lines, one key away, with their own timestamps
        await until(pilot, lambda: any(r[2].startswith('{"time": "')
                                       for r in logs_rows(read_screen(app))))
        assert "raw lines (R:" in read_screen(app)
