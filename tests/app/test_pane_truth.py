"""Pane truth (issue 9): what a pane shows is the newest data, or it says STALE and why.

The Logs pane keeps following its newest line past its 1,000 kept lines; a result that
arrives before a pane is composed is shown once it is; a pane that cannot render a result
says so in the pane (STALE · display error) and renders again with the next result."""

from datetime import UTC, datetime, timedelta

import pytest
from tests.app.test_snapshots import NOW, make_app, outage_results

from console import clock
from console.panes.logs import KEEP_LINES
from probes.logs import LogBatch, LogEvent
from probes.result import ProbeResult


@pytest.fixture
def frozen():
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


T0 = int(datetime(2026, 11, 28, 3, 0, tzinfo=UTC).timestamp() * 1000)


def log_batch(start: int, count: int) -> ProbeResult:
    events = tuple(LogEvent("/ecs/x", "ecs/app/1", T0 + n * 100, n, f"e{n}",
                            f"INFO request {n} served")
                   for n in range(start, start + count))
    return ProbeResult("logs", clock.now(), 0.0, data=LogBatch(("/ecs/x",), events))


def last_log_line(app, read_screen) -> str:
    """The last line of the Logs pane's text on screen that shows a log message."""
    lines = [line for line in read_screen(app).splitlines() if "INFO request" in line]
    return lines[-1] if lines else ""


async def test_logs_pane_follows_the_newest_line_past_its_kept_lines(tmp_path, read_screen):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        sent = 0
        for size in (60, 400, 700, 45, 1_500, 3, 1, 250):  # bursts and trickles, > 2 x 1,000
            app.dashboard.apply(log_batch(sent, size))
            sent += size
            await pilot.pause(0.02)
            assert f"INFO request {sent - 1} served" in last_log_line(app, read_screen), sent
        assert len(app.dashboard.panes["logs"].events) == KEEP_LINES


async def test_logs_pane_scrolled_up_stays_put_and_end_follows_again(tmp_path, read_screen):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.dashboard.apply(log_batch(0, KEEP_LINES + 200))
        await pilot.press("4")
        await pilot.pause(0.02)
        await pilot.press("pageup", "pageup")
        app.dashboard.apply(log_batch(1_200, 50))
        await pilot.pause(0.02)
        assert "INFO request 1249 served" not in last_log_line(app, read_screen)
        assert "scrolled up: End follows the newest line" in read_screen(app)
        await pilot.press("end")
        app.dashboard.apply(log_batch(1_250, 50))
        await pilot.pause(0.02)
        assert "INFO request 1299 served" in last_log_line(app, read_screen)


async def test_results_that_arrive_before_the_panes_are_composed_are_shown(
        tmp_path, read_screen, until, frozen):
    """A warm cost cache answers before the UI is up (start_probes_early buffers it)."""
    app = make_app(tmp_path)
    app._early_results = outage_results()  # what start_probes_early collected
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: all(p.data is not None for p in app.dashboard.panes.values()))
        await pilot.pause(0.05)
        text = read_screen(app)
    assert "month to date" in text and "loading…" not in text
    assert "could not show" not in text and "STALE" not in text


async def test_a_render_failure_is_shown_in_the_pane_and_retried(tmp_path, read_screen,
                                                                monkeypatch, frozen):
    from console.panes.costs import CostsPane

    app = make_app(tmp_path)
    results = {r.probe: r for r in outage_results()}
    async with app.run_test(size=(120, 40)) as pilot:
        for result in results.values():
            app.dashboard.apply(result)
        await pilot.pause(0.05)
        pane = app.dashboard.panes["costs"]
        assert not pane.stale

        def broken(self, data):
            raise ValueError("no [bold]budget[/bold] row")

        monkeypatch.setattr(CostsPane, "status_line", broken)
        newer = results["costs"].data.__class__(**{**results["costs"].data.__dict__,
                                                   "total": 999.0})
        app.dashboard.apply(ProbeResult("costs", clock.now(), 0.0, data=newer))
        await pilot.pause(0.05)
        text = read_screen(app)
        assert "STALE" in text and "display error: ValueError" in text
        assert "no [bold]budget[/bold] row" in text  # the message, literally
        assert pane.stale and "999" not in text

        monkeypatch.undo()
        app.dashboard.apply(ProbeResult("costs", clock.now() + timedelta(seconds=1), 0.0,
                                        data=newer))
        await pilot.pause(0.05)
        text = read_screen(app)
        assert not pane.stale and "display error" not in text
        assert "999.00 USD month to date" in text


async def test_a_log_widget_that_drops_the_newest_line_makes_the_pane_stale(
        tmp_path, read_screen, monkeypatch):
    """A full buffer that keeps old lines instead of new ones must not pass for fresh."""
    from textual.widgets import Log

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.dashboard.apply(log_batch(0, 100))
        await pilot.pause(0.02)
        keep = Log.write_lines
        monkeypatch.setattr(Log, "write_lines",
                            lambda self, lines, scroll_end=None: keep(self, [], scroll_end))
        app.dashboard.apply(log_batch(100, 10))
        await pilot.pause(0.02)
        pane = app.dashboard.panes["logs"]
        assert pane.stale and "STALE" in read_screen(app)
        assert "did not keep the newest line" in read_screen(app)
        monkeypatch.undo()
        app.dashboard.apply(log_batch(110, 10))  # retried: the kept lines are drawn again
        await pilot.pause(0.02)
        assert not pane.stale
        assert "INFO request 119 served" in last_log_line(app, read_screen)


async def test_logs_pane_says_when_an_event_may_have_been_missed(tmp_path, read_screen):
    # The engine's evidence (events arriving later than its overlap window) reaches the pane.
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        batch = log_batch(0, 5)
        risky = ProbeResult("logs", clock.now(), 0.0, data=LogBatch(
            batch.data.groups, batch.data.events, "events arrived 75 s late"))
        app.dashboard.apply(risky)
        await pilot.press("4")
        await pilot.pause(0.05)
        assert "loss possible: events arrived 75 s late" in read_screen(app)
