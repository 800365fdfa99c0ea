"""`T` shows this environment's incidents only (issue 9: in the demo's healthy scenario `T`
showed the cost-overrun session's open P2 while the header showed no incident)."""

from __future__ import annotations

from console.incidents import IncidentRecorder
from console.screens.incident_timeline import IncidentTimelineScreen

WHO = "arn:aws:sts::123456789012:user/bob"


def record_notifications(app) -> list[str]:
    """What the app tells the operator in toasts, kept after a toast expires (a loaded
    machine may not look before the 4 s are up)."""
    told: list[str] = []
    show = app.notify

    def notify(message, **kwargs):
        told.append(message)
        return show(message, **kwargs)

    app.notify = notify
    return told


async def test_t_never_shows_another_environments_open_incident(
        scenario, open_app, until, read_screen):
    IncidentRecorder(environment="demo:cost-overrun").open("P2", "Budget exceeded", WHO)
    async with open_app(scenario("healthy")) as (app, pilot):  # environment "test"
        await pilot.pause(0.2)
        assert "INCIDENT" not in read_screen(app).splitlines()[1]
        told = record_notifications(app)
        await pilot.press("T")
        await until(pilot, lambda: "No incident yet in test: press i to open one" in told)
        assert not isinstance(app.screen, IncidentTimelineScreen)
        assert "Budget exceeded" not in read_screen(app)


async def test_t_shows_this_environments_latest_even_when_another_is_newer(
        scenario, open_app, until, read_screen):
    ours = IncidentRecorder(environment="test")
    ours.open("P1", "Slow uploads", WHO)
    ours.close("fixed", WHO)
    IncidentRecorder(environment="demo:cost-overrun").open("P2", "Budget exceeded", WHO)
    async with open_app(scenario("healthy")) as (app, pilot):
        await pilot.press("T")
        await until(pilot, lambda: isinstance(app.screen, IncidentTimelineScreen))
        await pilot.pause(0.1)
        screen = read_screen(app)
        assert "Slow uploads" in screen and "Budget exceeded" not in screen
