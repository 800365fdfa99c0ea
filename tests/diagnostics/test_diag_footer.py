"""Issue 11 point 7: the diagnostics footers list `a`/`b` only for a finding that has an action
/ a runbook; pressed anyway, the key says why, in the palette's words ("Action: ...")."""

from __future__ import annotations

from .test_diag_screen import open_app, screen_text, until


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_a_and_b_are_offered_only_where_they_apply(scenario, tmp_path):
    app, connection = await open_app(scenario("p0-outage"), tmp_path)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("d")
            screen = app.screen
            await until(pilot, lambda: screen.report is not None)
            table = screen.query_one("#diagnostics-table")
            keys = [f.key for f in screen.report.findings]
            bare = next(f for f in screen.report.findings if not f.actions and not f.runbooks)
            both = next(f for f in screen.report.findings if f.actions and f.runbooks)
            table.move_cursor(row=keys.index(bare.key))
            await pilot.pause(0.1)
            assert "a Action" not in footer(app) and "b Runbook" not in footer(app)
            assert "r Re-run" in footer(app)
            await pilot.press("a")
            await until(pilot, lambda: any("Action: no action applies to this finding" in
                                           str(n.message) for n in app._notifications))
            table.move_cursor(row=keys.index(both.key))
            await pilot.pause(0.1)
            assert "a Action" in footer(app) and "b Runbook" in footer(app)
            await pilot.press("enter")  # the finding whole: its own footer follows the same rule
            await pilot.pause(0.1)
            assert "a Start action" in footer(app) and "b Open runbook" in footer(app)
            await pilot.press("escape")
            table.move_cursor(row=keys.index(bare.key))
            await pilot.press("enter")
            await pilot.pause(0.1)
            assert "Start action" not in footer(app) and "Open runbook" not in footer(app)
            app.clear_notifications()
            await pilot.press("b")
            await until(pilot, lambda: any("Runbook: no runbook applies to this finding" in
                                           str(n.message) for n in app._notifications))
    finally:
        await connection.close()
