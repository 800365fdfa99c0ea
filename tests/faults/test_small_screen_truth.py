"""What an 80x24 screen says under faults.

The Logs pane's status: what it holds on one line, how it reads on the next (never
wrapped into a third: the log keeps its rows), and how it reads said only while true. After
a failed poll the console is no longer "polling every 2s": the border and the error row say
what it is doing, in AWS's words; once the fault is lifted the line comes back.
The summary strip (all that is seen of the other panes) marks a stale pane STALE."""

from __future__ import annotations

from datetime import timedelta

from tests.app.test_pane_truth import log_batch
from tests.app.test_snapshots import make_app
from tests.faults.test_dashboard_faults import Through

from console import clock
from probes.live_logs_probe import LiveLogBatch
from probes.result import ProbeResult

ENDED = "polling every 2s (live tail: SessionClosed: the service closed the stream)"
DENIED = ("polling every 2s (live tail: AccessDeniedException: User: arn:aws:iam::123456789012:"
          "user/x is not authorized to perform: logs:StartLiveTail)")


def logs_rows(screen: str) -> list[str]:
    """The rows inside the Logs pane's border (the single pane shown at 80 columns)."""
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if "─ 4 Logs " in line)
    rows = []
    for line in lines[top + 1:]:
        if line.startswith("╰"):
            break
        rows.append(line[1:-1].rstrip())
    return rows


def batch(reading: str) -> ProbeResult:
    data = log_batch(0, 5).data
    return ProbeResult("logs", clock.now(), 0.0, data=LiveLogBatch(
        data.groups, data.events, "", reading))


async def test_at_80_columns_the_status_takes_two_lines_and_the_log_the_rest(
        tmp_path, read_screen):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        app.dashboard.apply(batch(ENDED))
        await pilot.pause(0.05)
        rows = logs_rows(read_screen(app))
        assert rows[0] == "5 lines · 0 errors · /ecs/x  (l: full log view)"
        assert rows[1] == ENDED  # whole, on its own line
        assert "INFO" in rows[2] and "request 0 served" in rows[2]  # then the log
        # AWS's longer words are cut at the pane's edge, not wrapped over the log's rows.
        app.dashboard.apply(batch(DENIED))
        await pilot.pause(0.05)
        rows = logs_rows(read_screen(app))
        assert rows[1].startswith("polling every 2s (live tail: AccessDeniedException: User:")
        assert rows[1].endswith("…") and len(rows[1]) == 78
        assert "INFO" in rows[2]


async def test_the_status_does_not_say_polling_while_polls_fail(
        faulty, open_app, until, read_screen):
    _, proxy, settings = faulty
    async with open_app(Through(settings), size=(80, 24)) as (app, pilot):
        logs = app.dashboard.panes["logs"]
        await pilot.press("4")
        await until(pilot, lambda: logs.data is not None and "polling every" in
                    "\n".join(logs_rows(read_screen(app))), timeout=90)
        proxy.fail("logs:FilterLogEvents", "throttled")
        app.scheduler.refresh("logs")
        await until(pilot, lambda: logs.stale, timeout=30)
        await until(pilot, lambda: "Rate exceeded" in read_screen(app), timeout=10)
        screen = read_screen(app)
        assert "STALE" in screen and "throttled: logs:FilterLogEvents" in screen
        rows = logs_rows(screen)
        assert rows[0].startswith(f"{len(logs.events)} lines · ")  # what it still holds
        assert not any("polling every" in row for row in rows)

        proxy.clear()
        await until(pilot, lambda: not logs.stale, timeout=90)  # after its backoff
        await until(pilot, lambda: "polling every" in "\n".join(logs_rows(read_screen(app))),
                    timeout=30)


async def test_the_summary_strip_marks_a_stale_pane_at_80_columns(
        faulty, open_app, until, read_screen):
    """At 80x24 one pane fills the screen and the strip above it is all the operator sees of
    the others: an alarm list that can no longer be read is marked there too."""
    _, proxy, settings = faulty
    async with open_app(Through(settings), size=(80, 24)) as (app, pilot):
        alarms = app.dashboard.panes["alarms"]
        await until(pilot, lambda: alarms.data is not None, timeout=90)
        await pilot.press("2")  # the ECS pane in front; Alarms only in the strip
        proxy.fail("cloudwatch:DescribeAlarms", "denied")
        app.scheduler.refresh("alarms")
        await until(pilot, lambda: alarms.stale, timeout=30)
        def strip() -> str:  # its two rows under the header and the verdict, unwrapped
            return " ".join(line.strip() for line in read_screen(app).splitlines()[2:4])

        await until(pilot, lambda: "STALE" in strip(), timeout=10)
        firing = len(alarms.data.firing)  # what the emulator held when last read
        assert f"5 Alarms {f'{firing} ALARM' if firing else 'all OK'} STALE" in strip()

        proxy.clear()
        app.scheduler.refresh("alarms")
        await until(pilot, lambda: not alarms.stale, timeout=60)
        await until(pilot, lambda: "STALE" not in strip(), timeout=10)


async def test_the_strip_marks_a_pane_gone_stale_with_no_result(tmp_path, read_screen):
    """A call that hangs brings no result (no error either): the pane turns STALE as its data
    ages past three intervals, on the clock's tick. The strip says so on that tick too."""
    from tests.app.test_snapshots import NOW, outage_results

    clock.freeze(NOW)
    try:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            for result in outage_results():
                app.dashboard.apply(result)
            await pilot.press("2")
            app.dashboard._tick()
            await pilot.pause(0.05)
            strip = " ".join(line.strip() for line in read_screen(app).splitlines()[2:4])
            assert "5 Alarms 1 ALARM" in strip and "STALE" not in strip
            # Ten minutes with no answer: the Alarms pane (30 s interval) is stale.
            clock.freeze(NOW + timedelta(minutes=10))
            app.dashboard._tick()
            await pilot.pause(0.05)
            alarms = app.dashboard.panes["alarms"]
            assert alarms.stale and alarms.last_error is None
            strip = " ".join(line.strip() for line in read_screen(app).splitlines()[2:4])
            assert "5 Alarms 1 ALARM STALE" in strip
    finally:
        clock.freeze(None)


async def test_an_old_error_does_not_come_back_when_the_logs_age(tmp_path, read_screen):
    """Throttled, then read again: the error is gone. If the lines then age past three
    intervals with no answer (a hang), the pane is STALE, without the old throttle's text."""
    from probes.errors import ErrorKind, ProbeError

    throttled = ProbeError(ErrorKind.THROTTLED, "Rate exceeded", "backing off",
                           "logs:FilterLogEvents", "ThrottlingException")
    start = clock.now()
    clock.freeze(start)
    try:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4")
            app.dashboard.apply(batch(ENDED))
            app.dashboard.apply(ProbeResult("logs", start, 0.0, error=throttled))
            await pilot.pause(0.05)
            assert "Rate exceeded" in read_screen(app)
            app.dashboard.apply(batch(ENDED))
            clock.freeze(start + timedelta(minutes=5))
            app.dashboard._tick()
            await pilot.pause(0.05)
            screen = read_screen(app)
            assert app.dashboard.panes["logs"].stale and "STALE" in screen
            assert "Rate exceeded" not in screen and "throttled" not in screen
    finally:
        clock.freeze(None)
