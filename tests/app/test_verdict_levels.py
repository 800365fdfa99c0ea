"""The header's verdict follows the guide's escalation levels (P0 DOWN, P1 DEGRADED, P2
ATTENTION), each with its reason in words, as the operator reads it on screen."""

from __future__ import annotations


def header_verdict(text: str) -> str:
    return " ".join(text.splitlines()[1].split())


async def _verdict_line(scenario, open_app, read_screen, until, complete, name: str) -> str:
    async with open_app(scenario(name), size=(200, 40)) as (app, pilot):
        await until(pilot, lambda: complete(app), timeout=60)
        # The data-path probe (backups, certificates) reports once it has read them.
        await until(pilot, lambda: "datapath" in app.dashboard.verdict_inputs
                    or app.scheduler.states["datapath"].failures > 0, timeout=120)
        assert "datapath" in app.dashboard.verdict_inputs, "the data-path probe failed"
        await pilot.pause(0.05)
        return header_verdict(read_screen(app))


async def test_cost_overrun_is_p2_with_the_budget_in_words(scenario, open_app, read_screen,
                                                            until, complete):
    line = await _verdict_line(scenario, open_app, read_screen, until, complete, "cost-overrun")
    assert line.startswith("ATTENTION P2 budget "), line
    assert "% used, forecast " in line, line


async def test_backup_failure_is_p2_with_database_url_and_backup_age(scenario, open_app,
                                                                     read_screen, until,
                                                                     complete):
    line = await _verdict_line(scenario, open_app, read_screen, until, complete,
                               "backup-failure")
    assert line.startswith("ATTENTION P2 "), line
    assert "DATABASE_URL invalid: backups fail" in line, line
    assert "newest database backup is " in line and " h old" in line, line


async def test_healthy_is_ok_with_no_reason(scenario, open_app, read_screen, until, complete):
    line = await _verdict_line(scenario, open_app, read_screen, until, complete, "healthy")
    assert line == "OK", line


async def test_rolling_deploy_stays_ok_with_the_deployment_in_progress(scenario, open_app,
                                                                       read_screen, until,
                                                                       complete):
    line = await _verdict_line(scenario, open_app, read_screen, until, complete,
                               "rolling-deploy")
    # Two old tasks stopped by the scheduler (exit 143 and 137): routine, not failures.
    assert line == ("OK deployment in progress (children-drawing-prod-task:2: 2 of 2 new "
                    "tasks running)"), line


async def test_fail_open_says_fail_open_not_503(scenario, open_app, read_screen, until,
                                                complete):
    async with open_app(scenario("fail-open"), size=(200, 40)) as (app, pilot):
        await until(pilot, lambda: complete(app), timeout=60)
        # The data-path probe (backups, certificates) reports once it has read them.
        await until(pilot, lambda: "datapath" in app.dashboard.verdict_inputs
                    or app.scheduler.states["datapath"].failures > 0, timeout=120)
        assert "datapath" in app.dashboard.verdict_inputs, "the data-path probe failed"
        await pilot.pause(0.05)
        text = read_screen(app)
    line = header_verdict(text)
    assert line.startswith("DEGRADED P1 fail-open: routing to unhealthy targets (0/2 healthy, "
                           "no 5XX in 10 min)"), line
    assert "0/2 healthy → fail-open: routing to unhealthy targets" in " ".join(text.split())
    assert "503" not in text
