"""The Costs pane's "as of HH:MM UTC, N ago" keeps moving with the clock: the costs probe runs
every few hours (Cost Explorer is billed per request), so an age drawn once stayed "37s ago"
for hours in tmux while the border's age moved on."""

from datetime import timedelta

from tests.app.test_snapshots import NOW, make_app, outage_results

from console import clock


async def test_the_costs_age_ticks_between_results(tmp_path, read_screen, until):
    clock.freeze(NOW)
    try:
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            for result in outage_results():
                app.dashboard.apply(result)
            await pilot.press("6")
            await until(pilot, lambda: "as of 01:14 UTC, 2h00m ago" in read_screen(app))
            clock.freeze(NOW + timedelta(hours=3, minutes=5))
            app.dashboard._tick()
            await until(pilot, lambda: "as of 01:14 UTC, 5h05m ago" in read_screen(app),
                        timeout=10)
    finally:
        clock.freeze(None)
