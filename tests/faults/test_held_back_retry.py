"""A probe the request budget held back asks again when the budget allows it.

Nothing was sent, so there is nothing to back off from: the scheduler waits until the budget's
next token is due (`ProbeError.retry_after_s`), not the probe's own interval. For costs that
interval is six hours: before this, costs held back at their 6-hourly run stayed STALE until
the next run or `r`. The budget keeps its real clock here (a token a few seconds away) and
the costs cache expires at once, as it has at every 6-hourly run; what Cost Explorer receives
is counted by the fault proxy, and the pane is read as the operator reads it.
"""

from __future__ import annotations

from tests.app.test_snapshots import make_app
from tests.economy.test_cost_explorer_budget import pane_text

from probes.context import AwsContext
from probes.costs import CostCache, CostsProbe
from probes.errors import ErrorKind
from probes.scheduler import Scheduler

CE = "ce:GetCostAndUsage"
TOKEN_DUE_S = 7.0  # over the 5 s a Cost Explorer request may wait: refused, not waited for


async def test_costs_held_back_by_the_budget_are_asked_for_again_when_it_allows(
        faulty, tmp_path, until, read_screen):
    _, proxy, settings = faulty
    async with AwsContext(settings) as ctx:
        probe = CostsProbe(ctx, CostCache(tmp_path / "cache", ttl_s=0),
                           account="123456789012")
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            pane = app.dashboard.panes["costs"]
            results = []

            def show(result):
                results.append(result)
                app.dashboard.apply(result)
                app.dashboard._tick()

            scheduler = Scheduler([probe], show)
            scheduler.start()
            try:
                await until(pilot, lambda: pane.data is not None, timeout=60)
                first = pane.data
                assert proxy.seen.count(CE) == 1

                # The console's share of Cost Explorer spent (others in this process asked):
                # the next token is a few seconds away, longer than a request may wait.
                bucket = ctx.budget.bucket("CostExplorer", "us-east-1")
                bucket.tokens = 1 - TOKEN_DUE_S * bucket.rate
                scheduler.refresh("costs")
                await until(pilot, lambda: pane.last_error is not None, timeout=30)
                held = results[-1].error
                assert held.kind is ErrorKind.HELD_BACK
                assert held.retry_after_s is not None and 0 < held.retry_after_s <= TOKEN_DUE_S
                assert proxy.seen.count(CE) == 1  # nothing sent
                screen = pane_text(read_screen(app), "Costs")
                assert pane.stale and "STALE" in read_screen(app)
                assert (f"held back: Cost Explorer paced to 20/h; showing costs read at "
                        f"{first.as_of:%H:%M} UTC (ce:GetCostAndUsage)") in screen

                # No key pressed: once the token is due the probe asks again by itself.
                await until(pilot, lambda: not pane.stale, timeout=60)
                assert proxy.seen.count(CE) == 2
                assert results[-1].ok and pane.data.as_of > first.as_of
                screen = pane_text(read_screen(app), "Costs")
                assert "held back" not in screen
                assert f"{pane.data.total:,.2f} {pane.data.currency} month to date" in screen
            finally:
                await scheduler.stop()
