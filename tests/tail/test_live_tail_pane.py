"""The Logs pane says how it reads: ``live tail``, or ``polling every Ns`` with AWS's reason
when live tail is refused or ended (issue 14.4). From a batch as the probe makes it, and from
the real app on the emulator, whose StartLiveTail ends after one snapshot."""

from __future__ import annotations

from tests.app.test_pane_truth import log_batch
from tests.app.test_snapshots import make_app

from console import clock
from probes.live_logs_probe import LiveLogBatch
from probes.result import ProbeResult

DENIED = ("polling every 2s (live tail: AccessDeniedException: User: arn:aws:iam::"
          "123456789012:user/x is not authorized to perform: logs:StartLiveTail)")


def batch(reading: str) -> ProbeResult:
    data = log_batch(0, 5).data
    return ProbeResult("logs", clock.now(), 0.0, data=LiveLogBatch(
        data.groups, data.events, "", reading))


async def test_the_logs_pane_says_live_tail_or_polling_with_aws_s_reason(tmp_path,
                                                                         read_screen):
    app = make_app(tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        app.dashboard.apply(batch("live tail"))
        await pilot.press("4")
        await pilot.pause(0.05)
        assert "│live tail" in read_screen(app)  # its own line, under the counts
        app.dashboard.apply(batch(DENIED + "\x1b[2J"))  # AWS's text: sanitised
        await pilot.pause(0.05)
        screen = read_screen(app)
        assert "│polling every 2s (live tail: AccessDeniedException: User: arn:aws:iam::" \
            in screen
        assert "\x1b" not in screen and "│live tail" not in screen


async def test_the_app_on_the_emulator_says_it_polls_after_moto_s_session_ends(
        scenario, open_app, until, read_screen):
    demo = scenario("healthy")
    async with open_app(demo, size=(200, 50)) as (app, pilot):
        await pilot.press("4")
        await until(pilot, lambda: "(live tail: SessionClosed" in read_screen(app),
                    timeout=90)
        assert "polling every" in read_screen(app)
