"""Issue 11 point 6: the full service-events list (`e`). moto keeps no ECS service events, so
the snapshots here are parsed from DescribeServices responses in the shape the ECS API
reference documents (`events[]` of `{id, createdAt, message}`, newest first)."""

from datetime import UTC, datetime, timedelta

from console import clock
from console.screens.service_events import ServiceEventsScreen
from probes.ecs import parse_service
from probes.errors import ErrorKind, ProbeError
from probes.result import ProbeResult

NOW = datetime(2026, 11, 28, 20, 30, tzinfo=UTC)
SERVICE = "children-drawing-prod-service"
# Messages as ECS writes them (AWS docs, "Amazon ECS service event messages").
MESSAGES = (
    "(service {s}) has reached a steady state.",
    "(service {s}) has started 1 tasks: (task 0f3a9c1e5b7d4e2a8c6b1d9e7f5a3c2b).",
    "(service {s}) registered 1 targets in (target-group arn:aws:elasticloadbalancing:"
    "eu-west-1:123456789012:targetgroup/children-drawing-prod-tg/6d0ecf831eec9f09)",
    "(service {s}) has stopped 1 running tasks: (task 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b).",
    "(service {s}) (task 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b) failed container health checks.",
)


ECS_EVENTS_MAX = 100  # "A maximum of 100 of the latest events are displayed" (Service.events)


def documented_response(count: int, newest: datetime) -> dict:
    """A DescribeServices `services[0]` after `count` events, one a minute, newest first: as
    ECS answers, at most the 100 latest."""
    return {
        "serviceName": SERVICE, "status": "ACTIVE", "desiredCount": 2, "runningCount": 2,
        "pendingCount": 0, "launchType": "FARGATE",
        "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/"
                          "children-drawing-prod-task:1",
        "deployments": [], "events": [
            {"id": f"e{count - i:05d}-{i}", "createdAt": newest - timedelta(minutes=i),
             "message": MESSAGES[(count - i) % len(MESSAGES)].format(s=SERVICE)
             + f" #{count - i}"}
            for i in range(min(count, ECS_EVENTS_MAX))],
    }


def ecs_result(count: int, newest: datetime) -> ProbeResult:
    data = parse_service(documented_response(count, newest), "children-drawing-prod-cluster",
                         ())
    return ProbeResult("ecs", newest, 0.1, data=data)


async def test_e_lists_every_event_held_newest_first_with_date_and_age(
        scenario, open_app, until, read_screen):
    clock.freeze(NOW)
    try:
        async with open_app(scenario("healthy"), size=(120, 40), start_probes=False) as (
                app, pilot):
            app.dashboard.apply(ecs_result(12, NOW - timedelta(minutes=2)))
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, ServiceEventsScreen))
            await pilot.pause()
            text = read_screen(app)
            assert f"Service events of {SERVICE}: 12 held, newest first" in text
            assert "20:28:00" in text and "2m" in text
            # the message whole, wrapped, without the "(service NAME)" the title already says
            assert "20:26:00             4m  has reached a steady state. #10" in text
            assert "(task 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b) failed container health checks. #4" \
                in text
            assert "targetgroup/children-drawing-prod-tg/6d0ecf831eec9f09)" in text
            assert f"(service {SERVICE})" not in text
            # every event is a row (the pane shows only two)
            assert app.screen.query_one("OptionList").option_count == 12
            # an event from another day carries its date
            app.dashboard.apply(ecs_result(3, NOW - timedelta(days=2)))
            app.screen.refresh_events()
            await pilot.pause()
            assert "2026-11-26 20:30" in read_screen(app)
            # `/` narrows, Esc restores
            app.dashboard.apply(ecs_result(12, NOW))
            await pilot.press("slash", *"health")
            await pilot.pause()
            assert app.screen.query_one("OptionList").option_count == 2
            assert "2 match 'health'" in read_screen(app)
            await pilot.press("enter", "escape")
            assert app.screen.query_one("OptionList").option_count == 12
            await pilot.press("escape")
            assert not isinstance(app.screen, ServiceEventsScreen)
    finally:
        clock.freeze(None)


async def test_a_hundred_polls_keep_the_newest_and_a_failed_poll_keeps_the_list(
        scenario, open_app, until, read_screen):
    """Long run (100 collections, one new event each, fake clock) then a fault (AccessDenied
    on DescribeServices): the screen keeps the last events and says since when."""
    async with open_app(scenario("healthy"), size=(120, 40), start_probes=False) as (
            app, pilot):
        app.dashboard.apply(ecs_result(1, NOW))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ServiceEventsScreen))
        screen = app.screen
        for poll in range(1, 101):
            moment = NOW + timedelta(minutes=poll)
            clock.freeze(moment)
            try:
                app.dashboard.apply(ecs_result(poll + 1, moment))
                screen.refresh_events()
            finally:
                clock.freeze(None)
        await pilot.pause()
        table = screen.query_one("OptionList")
        assert table.option_count == 100  # every event ECS gave: its 100 latest
        text = read_screen(app)
        assert "100 held, newest first" in text
        assert " #101" in text  # the newest is at the top
        assert str(table.get_option_at_index(99).prompt).endswith(" #2")  # the oldest ECS gave
        assert table.highlighted == 0
        denied = ProbeError(ErrorKind.ACCESS_DENIED, "User: arn:aws:iam::123456789012:user/x "
                            "is not authorized to perform: ecs:DescribeServices",
                            "grant ecs:DescribeServices", "ecs:DescribeServices",
                            code="AccessDeniedException")
        app.dashboard.apply(ProbeResult("ecs", NOW, 0.1, error=denied))
        screen.refresh_events()
        await pilot.pause()
        text = read_screen(app)
        assert "⚠ not refreshed:" in text and "ecs:DescribeServices" in text
        assert table.option_count == 100 and " #101" in text
