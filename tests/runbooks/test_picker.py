"""The runbook picker recommends from the evidence, previews without opening anything, and
opens an incident only when the operator starts the runbook, at the severity shown."""

from console.screens.runbook import RunbookScreen
from console.screens.runbook_picker import RunbookPickerScreen, RunbookPreviewScreen


def highlighted_id(app) -> str:
    options = app.screen.query_one("#runbooks-list")
    return options.get_option_at_index(options.highlighted).id


async def test_down_recommends_p0_first_and_starts_only_on_s(scenario, open_app, until,
                                                             complete, read_screen):
    async with open_app(scenario("p0-outage"), write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RunbookPickerScreen))
        text = read_screen(app)
        assert "The console sees: DOWN" in text
        assert highlighted_id(app) == "p0-service-down"
        assert "P0 Service Down  ★ recommended" in text
        assert "the service is DOWN: fail-open: routing to unhealthy targets" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RunbookPreviewScreen))
        preview = read_screen(app)
        assert "1. Check the AWS Service Health Dashboard" in preview
        assert "Starting opens a P0 incident" in preview
        assert app.incidents.current() is None
        await pilot.press("v")  # changeable: P0 -> P1
        assert "Starting opens a P1 incident" in read_screen(app)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, RunbookScreen))
        incident = app.incidents.current()
        assert incident is not None and incident.severity == "P1"
        assert incident.title == "Service Down"


async def test_healthy_previewing_a_p0_runbook_opens_no_incident(scenario, open_app, until,
                                                                 complete, read_screen):
    async with open_app(scenario("healthy"), write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RunbookPickerScreen))
        assert highlighted_id(app) == "weekly-health-check"
        options = app.screen.query_one("#runbooks-list")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("complete-stack-recovery")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RunbookPreviewScreen))
        assert "Starting opens a P2 incident" in read_screen(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RunbookPickerScreen))
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.incidents.current() is None


async def test_stack_rollback_recommends_the_update_rollback_runbook(scenario, open_app, until,
                                                                     complete, read_screen):
    async with open_app(scenario("stack-rollback"), write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RunbookPickerScreen))
        assert highlighted_id(app) == "stack-update-rollback"
        assert "Stack Update Rolled Back  ★ recommended" in read_screen(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RunbookPreviewScreen))
        assert "Starting opens a P2 incident" in read_screen(app)
