"""The header's verdict follows the guide's escalation levels (P0 DOWN, P1 DEGRADED, P2
ATTENTION), each with its reason in words, as the operator reads it on screen."""

from __future__ import annotations


def header_verdict(text: str) -> str:
    return " ".join(text.splitlines()[1].split())


async def _verdict_line(scenario, open_app, read_screen, until, complete, name: str) -> str:
    async with open_app(scenario(name), size=(200, 40)) as (app, pilot):
        await until(pilot, lambda: complete(app) and "datapath" in app.dashboard.verdict_inputs,
                    timeout=30)
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
