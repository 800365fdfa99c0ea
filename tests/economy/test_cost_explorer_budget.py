"""Cost Explorer under the request budget (issue 12): a Throttling halves the family's rate
(20/h -> 10/h), so its next token is minutes away. The costs probe does not wait for it: it
fails as *held back* at once, without a request, saying the pace, AWS's words and when the
costs still shown were read; the pane keeps those costs, marked stale. Time is the budget's
fake clock; what AWS receives is counted by the fault proxy."""

from __future__ import annotations

from datetime import timedelta

from tests.app.test_snapshots import make_app
from tests.economy.test_request_budget import fake_budget

from console import clock
from probes.context import AwsContext
from probes.costs import CostCache, CostsProbe
from probes.errors import ErrorKind

CE = "ce:GetCostAndUsage"


def pane_text(screen: str, title: str) -> str:
    """The words inside the rightmost pane of the rows under `title`'s border, unwrapped."""
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if f" {title} " in line)
    column = lines[top].rindex("╭")
    words = []
    for line in lines[top + 1:]:
        inner = line[column + 1:].rstrip().removesuffix("│")
        if inner.startswith("─") or "╰" in line[column:column + 1]:
            break
        words.append(inner.strip())
    return " ".join(w for w in words if w)


def ce_calls(proxy) -> int:
    return proxy.seen.count(CE)


async def test_a_throttled_cost_explorer_is_held_back_not_waited_for(faulty, tmp_path):
    _, proxy, settings = faulty
    async with AwsContext(settings) as ctx:
        fake = fake_budget(ctx)
        probe = CostsProbe(ctx, CostCache(tmp_path), account="123456789012")
        first = await probe.run()
        assert first.ok, first.error
        read_at = first.data.as_of

        proxy.fail(CE, "throttled")
        probe.force_next()  # the operator asks for fresh costs
        throttled = await probe.run()
        assert throttled.error.kind is ErrorKind.THROTTLED
        proxy.clear()

        before, slept = ce_calls(proxy), len(fake.slept)
        probe.force_next()
        held = await probe.run()
        assert ce_calls(proxy) == before  # nothing sent
        assert sum(fake.slept[slept:]) <= 5.0  # and it did not wait minutes for a token
        assert held.error is not None and held.error.kind is ErrorKind.HELD_BACK
        assert held.error.action == CE
        assert held.error.summary().startswith(
            "held back: Cost Explorer paced to 10/h after AWS said ThrottlingException")
        assert f"; showing costs read at {read_at:%H:%M} UTC" in held.error.message
        assert ctx.budget.status() == (
            "holding back: CostExplorer slowed to 10/h: AWS said ThrottlingException: "
            "Rate exceeded")

        # Once the budget has a token again (10/h: six minutes), the next run asks AWS.
        fake.now += 6 * 60
        probe.force_next()
        again = await probe.run()
        assert again.ok, again.error
        assert ce_calls(proxy) == before + 1


async def test_held_back_with_nothing_read_yet_says_so(faulty, tmp_path):
    _, proxy, settings = faulty
    async with AwsContext(settings) as ctx:
        fake_budget(ctx)
        bucket = ctx.budget.bucket("CostExplorer", "us-east-1")
        bucket.tokens = 0.0  # the console's 20 a burst spent by others in this process
        probe = CostsProbe(ctx, CostCache(tmp_path), account="123456789012")
        held = await probe.run()
        assert ce_calls(proxy) == 0
        assert held.error.kind is ErrorKind.HELD_BACK
        assert held.error.message == "Cost Explorer paced to 20/h; no costs read yet"


async def test_the_costs_pane_keeps_its_costs_stale_with_the_held_back_line(
        faulty, tmp_path, read_screen):
    _, proxy, settings = faulty
    async with AwsContext(settings) as ctx:
        fake = fake_budget(ctx)
        probe = CostsProbe(ctx, CostCache(tmp_path / "cache"), account="123456789012")
        results = [await probe.run()]
        proxy.fail(CE, "throttled")
        probe.force_next()
        results.append(await probe.run())
        proxy.clear()
        fake.now += 10  # ten seconds on: minutes from a token at the pace AWS forced
        probe.force_next()
        results.append(await probe.run())
    good, _, held = results
    assert good.ok and held.error.kind is ErrorKind.HELD_BACK
    clock.freeze(good.data.as_of + timedelta(minutes=2))
    try:
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            for result in results:
                app.dashboard.apply(result)
            app.dashboard._tick()
            await pilot.pause(0.05)
            text = read_screen(app)
            pane = app.dashboard.panes["costs"]
            costs = pane_text(text, "Costs")
            assert pane.stale and "STALE" in text
            # The costs read before the throttle, as the emulator holds them...
            assert f"{good.data.total:,.2f} {good.data.currency} month to date" in costs
            # ...and why they are not newer, in AWS's words.
            assert ("held back: Cost Explorer paced to 10/h after AWS said ThrottlingException: "
                    "Rate exceeded; showing costs read at "
                    f"{good.data.as_of:%H:%M} UTC (ce:GetCostAndUsage)") in costs
    finally:
        clock.freeze(None)
