"""Runbook checks that read data: the P1 runbook's log check counts slow requests and slow
queries over a stated window, its utilisation check shows CloudWatch's numbers, and its
scale-out proposes one task more and refuses 0."""

from console.screens.action_form import ActionFormScreen
from console.screens.confirm import ConfirmScreen
from console.screens.runbook import RunbookScreen
from console.screens.runbook_picker import RunbookPreviewScreen


async def open_p1(app, pilot, until):
    assert app.start_runbook("p1-degraded-performance")
    await until(pilot, lambda: isinstance(app.screen, RunbookPreviewScreen))
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, RunbookScreen))
    return app.screen.session


async def run_step(app, pilot, until, session, step_id):
    session.go([s.id for s in session.runbook.steps].index(step_id))
    app.screen.refresh_view()
    runs = session.state.runs
    await pilot.press("enter")
    await until(pilot, lambda: session.state.runs > runs, timeout=30)
    return session.states[step_id]


async def test_p1_log_check_counts_slow_lines_over_15_minutes(scenario, open_app, until,
                                                              complete, read_screen):
    demo = scenario("p1-degraded")
    demo.traffic().backfill()
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        session = await open_p1(app, pilot, until)
        state = await run_step(app, pilot, until, session, "logs")
        assert state.status.value == "failed", state.summary
        assert "slow request" in state.summary and "slow query" in state.summary
        assert "in the last 15 min of /ecs/children-drawing-prod" in state.summary
        assert "lines read" not in state.summary
        assert "slow query line(s) in the last 15 min" in read_screen(app) or \
            "slow query" in read_screen(app)


async def test_p1_utilisation_reads_cloudwatch_and_shows_the_numbers(scenario, open_app, until,
                                                                    complete, read_screen):
    demo = scenario("p1-degraded")
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        session = await open_p1(app, pilot, until)
        assert session.runbook.step("utilization").kind == "check"  # no manual placeholder
        state = await run_step(app, pilot, until, session, "utilization")
        assert state.status.value == "failed", state.summary
        assert state.summary.startswith("over threshold: CPU")
        assert "CPU mean 8" in state.summary and "(last 15 min)" in state.summary
        assert "--start-time ..." not in read_screen(app)
        assert "CPU (threshold 80%)" in read_screen(app)


async def test_scale_out_proposes_one_more_and_refuses_zero(scenario, open_app, until,
                                                            complete, read_screen):
    demo = scenario("p1-degraded")
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        assert app.start_action("scale-out")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        field = app.screen.query_one("#field-count")
        assert field.value == "3"  # two run now
        field.value = "0"
        await pilot.press("enter")
        said = lambda: " ".join(str(n.message) for n in app._notifications)  # noqa: E731
        await until(pilot, lambda: "a scale-out needs more than the current 2" in said())
        assert not isinstance(app.screen, ConfirmScreen)
