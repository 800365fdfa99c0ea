"""A probe result that lands while the app is closing (the dashboard already unmounted) is
dropped quietly: it used to crash the app at exit with NoMatches('SummaryStrip'), which made
tests that run an action flaky."""

from __future__ import annotations

from probes.result import ProbeResult, utcnow


async def test_a_result_after_the_dashboard_unmounted_does_not_crash(scenario, open_app, until):
    demo = scenario("healthy")
    async with open_app(demo, size=(80, 24)) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["alarms"].data is not None)
        late = ProbeResult("alarms", utcnow(), 0.01, data=app.dashboard.panes["alarms"].data)
    app.dashboard.apply(late)  # the app has exited: nothing is mounted any more
    assert app.dashboard.panes["alarms"].data is late.data
