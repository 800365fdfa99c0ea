"""The Logs pane's "polling every Ns" is the pace kept. While nothing comes the scheduler
stretches the logs probe's wait from 2 s to 8 s (`IDLE_INTERVALS_S`): the pane then says 8 s,
not the probe's configured 2 s. The probe reads the emulator's quiet log group; the time
between polls is a fake clock (the scheduler's waits, without waiting)."""

from __future__ import annotations

from tests.app.test_snapshots import make_app
from tests.faults.test_small_screen_truth import logs_rows

from probes.context import AwsContext
from probes.live_logs_probe import LiveLogsProbe
from probes.scheduler import IDLE_INTERVALS_S

GROUP = "/ecs/children-drawing-prod"


async def test_the_logs_pane_says_the_pace_the_scheduler_keeps(scenario, tmp_path,
                                                               read_screen):
    demo = scenario("healthy")
    now = [1000.0]
    async with AwsContext(demo.settings()) as ctx:
        probe = LiveLogsProbe(ctx, [GROUP], live_tail=False)
        probe.clock = lambda: now[0]
        results = [await probe.run()]
        now[0] += 2.0  # its own interval while lines flow
        results.append(await probe.run())
        now[0] += IDLE_INTERVALS_S["logs"]  # quiet: the scheduler waited its longest
        results.append(await probe.run())
        now[0] += 0.4  # `r` pressed: sooner than its pace, which it does not change
        results.append(await probe.run())
    assert all(r.ok for r in results), [r.error for r in results]
    readings = [r.data.reading for r in results]
    assert readings == [f"polling every {s}s (live tail: off)" for s in (2, 2, 8, 2)]

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        app.dashboard.apply(results[2])
        await pilot.pause(0.05)
        assert logs_rows(read_screen(app))[1] == "polling every 8s (live tail: off)"
