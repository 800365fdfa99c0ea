"""The incident timeline in the app, through Pilot, against the emulated p0-outage."""

from __future__ import annotations

import re

import boto3
from textual.command import CommandList

from console.demo import names as n
from console.incidents import IncidentRecorder
from console.screens.detail import DetailScreen
from console.screens.incident_dialogs import (
    IncidentOpenScreen,
    IncidentResumeScreen,
    IncidentTextScreen,
)
from console.screens.incident_timeline import IncidentTimelineScreen


def flip_alarm(handle, name: str) -> str:
    """Set `name` to the other state straight on the emulator (as CloudWatch would)."""
    cloudwatch = boto3.client("cloudwatch", endpoint_url=handle.endpoint_url,
                              region_name=n.REGION, aws_access_key_id=n.CREDENTIALS[0],
                              aws_secret_access_key=n.CREDENTIALS[1])
    state = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]
    new_state = "OK" if state == "ALARM" else "ALARM"
    cloudwatch.set_alarm_state(AlarmName=name, StateValue=new_state,
                               StateReason="set by the incident test")
    return new_state


def palette_highlights(app, words: str) -> bool:
    """The command palette's highlighted command (what Enter runs) contains `words`."""
    lists = app.screen.query(CommandList)
    index = lists.first().highlighted if lists else None
    return index is not None and words in str(lists.first().get_option_at_index(index).prompt)


def timeline_kinds(app) -> list[str]:
    current = app.incidents.current()
    return [e.kind for e in app.incidents.load(current.id).entries] if current else []


async def test_open_note_header_and_a_state_change_in_the_timeline(
        scenario, open_app, until, complete, read_screen):
    handle = scenario("p0-outage")
    async with open_app(handle, size=(80, 24)) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["alarms"].data is not None)
        await pilot.press("i")
        assert isinstance(app.screen, IncidentOpenScreen)
        await pilot.press("enter")  # P0, the first severity
        await pilot.press(*"ALB 503s", "enter")
        await until(pilot, lambda: app.incidents.current() is not None)
        incident = app.incidents.current()
        assert (incident.severity, incident.title) == ("P0", "ALB 503s")
        assert incident.opened_by == app.connection.identity.arn
        await pilot.pause(0.1)
        header = read_screen(app).splitlines()[1]
        # The age ticks with the wall clock: on a busy machine it may already read 1s or 2s.
        assert re.search(r"P0 INCIDENT \d+s\b", header) and "ALB 503s" in header

        await pilot.press("n", *"restarted the proxy", "enter")
        await until(pilot, lambda: "note" in timeline_kinds(app))

        new_state = flip_alarm(handle, n.ALARM_RESPONSE_TIME)
        app.scheduler.refresh_all()
        await until(pilot, lambda: "state-change" in timeline_kinds(app))

        await pilot.press("T")
        assert isinstance(app.screen, IncidentTimelineScreen)
        await pilot.pause(0.1)
        text = read_screen(app)
        assert "opened" in text and "restarted the proxy" in text
        assert "state-change" in text and f"→ {new_state}  {n.ALARM_RESPONSE_TIME}"[:30] in text
        await pilot.press("enter")  # the newest entry, whole
        assert isinstance(app.screen, DetailScreen)
        assert "set by the incident test" in read_screen(app)
        await pilot.press("escape", "escape")
        assert app.screen is app.dashboard


async def test_a_restarted_console_offers_to_resume_and_resuming_records_again(
        scenario, open_app, until, complete, read_screen):
    left_open = IncidentRecorder(environment="test")  # the app's environment (env_for)
    incident = left_open.open("P1", "Slow uploads", "arn:aws:sts::123456789012:user/bob")
    async with open_app(scenario("healthy")) as (app, pilot):
        await until(pilot, lambda: isinstance(app.screen, IncidentResumeScreen))
        assert "Slow uploads" in read_screen(app)
        assert app.incidents.current() is None  # nothing is recorded before the answer
        await pilot.press("r")
        await until(pilot, lambda: app.incidents.current() is not None)
        assert app.incidents.current().id == incident.id
        await pilot.pause(0.1)
        assert "P1 INCIDENT" in read_screen(app).splitlines()[1]
        await pilot.press("i")  # already open: says so, opens nothing new
        assert not isinstance(app.screen, IncidentOpenScreen)
        await app.run_action("command_palette")
        await pilot.press(*"close inc")
        await until(pilot, lambda: palette_highlights(app, "Close incident"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, IncidentTextScreen))
        await pilot.press(*"no-op", "enter")
        await until(pilot, lambda: app.incidents.current() is None)
        await pilot.pause(0.1)
        assert "INCIDENT" not in read_screen(app).splitlines()[1]
    loaded = left_open.load(incident.id)
    assert [e.kind for e in loaded.entries] == ["opened", "note", "closed"]
    assert loaded.incident.summary == "no-op"


async def test_later_keeps_the_incident_open_and_i_offers_it_again(
        scenario, open_app, until):
    IncidentRecorder(environment="test").open("P2", "Budget", "arn:aws:sts::1:user/bob")
    async with open_app(scenario("healthy")) as (app, pilot):
        await until(pilot, lambda: isinstance(app.screen, IncidentResumeScreen))
        await pilot.press("escape")
        assert app.incidents.current() is None
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, IncidentResumeScreen))
        await pilot.press("l")
        assert app.incident_flow.ensure_incident("P0", "from a runbook") is None  # asks again
        await until(pilot, lambda: isinstance(app.screen, IncidentResumeScreen))
