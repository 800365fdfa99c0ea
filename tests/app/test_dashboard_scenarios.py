"""What an on-call engineer sees on the dashboard in each demo scenario."""

import pytest


async def test_p0_outage_shows_why_targets_are_unhealthy(scenario, open_app, read_screen, until,
                                                          complete):
    async with open_app(scenario("p0-outage")) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.pause(0.1)
        text = read_screen(app)
        assert "DOWN" in text.splitlines()[1]
        assert "0/2 healthy" in text
        assert "Target.ResponseCodeMismatch" in text
        # Every registered target is unhealthy: the ALB fails open (routes to them), not 503.
        assert "fail-open: routing to unhealthy targets" in text
        assert "the ALB answers 503" not in text


async def test_stack_rollback_names_the_failed_resource_and_reason(scenario, open_app,
                                                                   read_screen, until, complete):
    async with open_app(scenario("stack-rollback"), size=(160, 50)) as (app, pilot):
        await until(pilot, lambda: complete(app))
        stack = app.dashboard.panes["stack"].data
        failed = stack.root_causes
        assert failed, "the scenario has a failed resource"
        assert failed[0].logical_id == "Service" and failed[0].status == "UPDATE_FAILED"
        await pilot.press("1", "z")  # the stack pane, full screen
        await pilot.pause(0.1)
        text = read_screen(app)
        assert "UPDATE_ROLLBACK_COMPLETE" in text
        assert f"✗ {failed[0].logical_id} {failed[0].status}" in text
        assert failed[0].reason[:40] in " ".join(text.split())


@pytest.mark.parametrize(("name", "level"), [
    ("healthy", "OK"), ("p0-outage", "DOWN"), ("p1-degraded", "DEGRADED"),
    ("stack-rollback", "DEGRADED"), ("backup-failure", "ATTENTION"),
    ("cost-overrun", "ATTENTION"),
])
async def test_verdict_in_each_scenario(scenario, open_app, read_screen, until, complete,
                                        name, level):
    async with open_app(scenario(name)) as (app, pilot):
        await until(pilot, lambda: complete(app), timeout=60)
        # The data-path probe (backups, certificates) reports once it has read them.
        await until(pilot, lambda: "datapath" in app.dashboard.verdict_inputs
                    or app.scheduler.states["datapath"].failures > 0, timeout=120)
        assert "datapath" in app.dashboard.verdict_inputs, "the data-path probe failed"
        await pilot.pause(0.05)
        verdict_line = read_screen(app).splitlines()[1]
        assert verdict_line.split()[0] == level, verdict_line
