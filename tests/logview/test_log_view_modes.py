"""The log view (Pilot, against the emulator): rows say what lines say, `t` moves the view to
the time typed in any form the screen shows (19:45, 2026-11-28 19:45, 20m, ISO), R/w/T switch
raw lines, wrapping and the time column, and help lists each key once."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime

from tests.tail.conftest import ScreenApp, now_ms

from console.screens.help import HelpScreen
from console.screens.log_line import LogLineScreen
from console.screens.log_view import LogViewScreen
from console.widgets.tail_log import TailLog
from probes.log_sources import TailTarget


def open_view(aws, group, tmp_path, since_ms):
    return ScreenApp(lambda: LogViewScreen(aws, TailTarget((group,), title=group),
                                           since_ms=since_ms, interval_s=0.2,
                                           save_dir=tmp_path))


async def wait_for(pilot, predicate, timeout=30.0):
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


def status(app) -> str:
    return str(app.screen.query_one("#tail-status").render())


def json_line(ts: int, i: int, level: str = "info") -> str:
    moment = datetime.fromtimestamp(ts / 1000, UTC).isoformat(timespec="milliseconds")
    return json.dumps({"time": moment, "level": level, "message": f"line {i}", "n": i})


def visible(log: TailLog) -> list[str]:
    """The rows the user sees in the log, top to bottom."""
    height = log.scrollable_content_region.height
    return [log.render_line(y).text for y in range(height)]


def minute(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%H:%M")


async def jump(pilot, text: str) -> None:
    await pilot.press("t", *text, "enter")
    await pilot.pause(0.1)


async def test_t_moves_the_view_to_the_time_in_every_form_the_screen_shows(
        log_groups, aws, tmp_path):
    group = log_groups.create(["ecs/app/e99f7057"])
    start = now_ms() - 40 * 60_000
    stamps = [start + i * 6_000 for i in range(400)]  # 40 minutes, a line each 6 s
    log_groups.put(group, "ecs/app/e99f7057", [(ts, json_line(ts, i)) for i, ts in
                                               enumerate(stamps)])
    app = open_view(aws, group, tmp_path, start - 1_000)
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.screen.query_one(TailLog)
        await wait_for(pilot, lambda: len(log.entries) == 400)
        assert "INFO  line 399 n=399" in visible(log)[-1]  # following: the newest at the end

        def first_at_or_after(ms: int) -> int:
            return next(i for i, ts in enumerate(stamps) if ts >= ms)

        def landed_on(i: int) -> None:
            event = log.current()
            assert event is not None and json.loads(event.message)["n"] == i
            top = visible(log)[0]
            assert f"INFO  line {i} n={i}" in top, top  # the line is the first row shown
            assert not any("line 399 " in row for row in visible(log))
            assert "paused" in status(app)

        target = stamps[100] + 60_000 - stamps[100] % 60_000  # a whole minute, as typed
        await jump(pilot, minute(target))  # 19:45
        landed_on(first_at_or_after(target))

        await pilot.press("G")  # back to the newest
        assert "line 399 " in visible(log)[-1] and "following" in status(app)

        day = datetime.fromtimestamp(target / 1000, UTC).strftime("%Y-%m-%d")
        await jump(pilot, f"{day} {minute(target + 5 * 60_000)}")  # 2026-11-28 19:50
        landed_on(first_at_or_after(target + 5 * 60_000))

        before = time.time()
        await jump(pilot, "20m")
        after = time.time()
        i = first_at_or_after(int((before - 20 * 60) * 1000))
        assert i <= json.loads(log.current().message)["n"] <= first_at_or_after(
            int((after - 20 * 60) * 1000))
        landed_on(json.loads(log.current().message)["n"])

        iso = datetime.fromtimestamp(stamps[250] / 1000, UTC).isoformat().replace(
            "+00:00", "Z")
        await jump(pilot, iso)
        landed_on(250)

        await jump(pilot, "25:99")  # refused in one line, the view stays
        assert json.loads(log.current().message)["n"] == 250


async def test_a_time_before_what_is_loaded_is_read_from_aws_then_shown(log_groups, aws,
                                                                        tmp_path):
    group = log_groups.create(["ecs/app/e99f7057"])
    start = now_ms() - 30 * 60_000
    stamps = [start + i * 6_000 for i in range(300)]
    log_groups.put(group, "ecs/app/e99f7057", [(ts, json_line(ts, i)) for i, ts in
                                               enumerate(stamps)])
    app = open_view(aws, group, tmp_path, now_ms() - 5 * 60_000)  # the last 5 minutes
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.screen.query_one(TailLog)
        await wait_for(pilot, lambda: len(log.entries) >= 40)
        iso = datetime.fromtimestamp(stamps[20] / 1000, UTC).isoformat()
        await jump(pilot, iso)
        await wait_for(pilot, lambda: log.cursor is not None)
        assert json.loads(log.current().message)["n"] == 20
        assert "INFO  line 20 n=20" in visible(log)[0]


async def test_raw_wrap_and_time_column_toggles(log_groups, aws, tmp_path):
    group = log_groups.create(["ecs/app/e99f7057"])
    base = now_ms() - 5_000
    long = json.dumps({"time": "2026-11-28T20:19:45.569+00:00", "level": "error",
                       "message": "OutOfMemoryError: Container killed due to memory limit",
                       "detail": "x" * 150})
    log_groups.put(group, "ecs/app/e99f7057", [(base, long), (base + 1, json_line(base, 1))])
    app = open_view(aws, group, tmp_path, base - 1_000)
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.screen.query_one(TailLog)
        await wait_for(pilot, lambda: len(log.entries) == 2)
        assert " e99f7057 ERROR OutOfMemoryError: Container killed" in log.lines[0]
        assert '{"time"' not in log.lines[0] and "2026-11-28" not in log.lines[0]

        await pilot.press("w")  # wrapped: the long row on several lines, none wider
        assert len(log.lines) > 2 and len(log.entries) == len(log.lines)
        width = log.scrollable_content_region.width
        assert all(len(line) <= width for line in log.lines)
        assert "x" * 150 in "".join(line.strip() for line in log.lines[:-1])
        assert "wrap" in status(app)

        await pilot.press("T")  # no time column: rows start with the task
        assert log.lines[0].lstrip().startswith("e99f7057 ERROR OutOfMemoryError")
        await pilot.press("w", "T")
        assert len(log.lines) == 2 and log.lines[0][:8].count(":") == 2

        await pilot.press("R")  # the lines as logged
        assert '{"time": "2026-11-28T20:19:45.569+00:00", "level": "error"' in log.lines[0]
        assert "raw" in status(app)
        await pilot.press("R")
        assert " ERROR OutOfMemoryError" in log.lines[0]

        await pilot.press("home", "enter")  # the detail: what it says, and the line whole
        assert isinstance(app.screen, LogLineScreen)
        meta = str(app.screen.query_one("#line-meta").render())
        for said in ("Format    json", "Logged at 2026-11-28T20:19:45.569+00:00",
                     "Level     ERROR", "Message   OutOfMemoryError: Container killed",
                     "Fields    detail=xxx"):
            assert said in meta, meta
        body = "".join(app.screen.query_one("#line-body").lines)
        assert '"detail": "xxx' in body  # pretty-printed; J: the raw line
        await pilot.press("J")
        assert app.screen.query_one("#line-body").lines[0].startswith('{"time": "2026')


async def test_help_in_the_log_view_lists_each_key_once(log_groups, aws, tmp_path):
    group = log_groups.create(["ecs/app/t1"])
    app = open_view(aws, group, tmp_path, now_ms() - 1_000)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause(0.2)
        app.push_screen(HelpScreen())
        await pilot.pause(0.2)
        keys_here = app.screen.plain.split("Keys here", 1)[1]
        keys = [key.strip() for line in keys_here.splitlines()[1:] if line.strip()
                for key in line.split("  ", 1)[0].split(" ", 1)[0:1]]
        counts = Counter(k for line in keys for k in line.split(","))
        assert counts["c"] == 1 and counts["S"] == 1, keys_here
        assert not [k for k, n in counts.items() if n > 1], counts
        assert "In their pane" not in app.screen.plain
