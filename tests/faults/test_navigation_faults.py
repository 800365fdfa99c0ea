"""Issue 11 point 6 under faults (the fault proxy in front of the emulator): the raw JSON view,
`:` command mode and the rollback's task-definition diff each say what AWS answered, in one
line, and recover when the fault clears; nothing is switched or deployed on a failure."""

from __future__ import annotations

import json

import pytest
from test_dashboard_faults import Through

from console.screens.command_line import CommandLineScreen
from console.screens.confirm import ConfirmScreen
from console.screens.raw_json import RawJsonScreen


def said(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


@pytest.mark.parametrize(("fault", "words"), [("denied", "not authorized"),
                                              ("throttled", "Rate exceeded"),
                                              ("drop", "closed the connection")])
async def test_raw_json_says_what_aws_answered_and_recovers(faulty, open_app, until, complete,
                                                            read_screen, fault, words):
    _, proxy, settings = faulty
    async with open_app(Through(settings), size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["ecs"].data is not None, timeout=90)
        await pilot.press("2")
        task = app.dashboard.panes["ecs"].subject()
        assert task is not None
        proxy.fail("ecs:DescribeTasks", fault)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, RawJsonScreen))
        await until(pilot, lambda: words in read_screen(app), timeout=30)
        text = read_screen(app)
        assert f"ECS task {task.task_id}:" in text
        assert "Traceback" not in text and "unexpected" not in text
        proxy.clear()
        await pilot.press("escape", "v")
        await until(pilot, lambda: "lines, from ecs:DescribeTasks" in read_screen(app),
                    timeout=30)
        assert json.loads(app.screen.text)["taskArn"] == task.task_arn


async def test_command_mode_refuses_while_describe_services_is_throttled(
        faulty, open_app, until, complete):
    _, proxy, settings = faulty
    async with open_app(Through(settings), size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["ecs"].data is not None, timeout=90)
        before = app.dashboard
        proxy.fail("ecs:DescribeServices", "throttled")
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, CommandLineScreen))
        await pilot.press(*"service other", "enter")
        await until(pilot, lambda: "Switch to service other:" in said(app), timeout=30)
        assert "Rate exceeded" in said(app) or "throttl" in said(app).lower()
        assert app.dashboard is before
        assert app.connection.deployment.service == "children-drawing-prod-service"


async def test_rollback_plan_denied_task_definition_read_says_so_and_deploys_nothing(
        faulty, open_app, until, complete):
    _, proxy, settings = faulty
    async with open_app(Through(settings), size=(120, 40), write=True) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["ecs"].data is not None, timeout=90)
        proxy.fail("ecs:DescribeTaskDefinition", "denied")
        await pilot.press("2", "B")
        await until(pilot, lambda: "cannot plan" in said(app), timeout=30)
        assert "Roll back to the previous task definition: cannot plan:" in said(app)
        assert "ecs:DescribeTaskDefinition" in said(app)
        assert not isinstance(app.screen, ConfirmScreen)
