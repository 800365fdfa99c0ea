"""The full-screen log view, driven by keys (Pilot) against the emulator: what the `Log`
widget holds (never an escape, C1, CR or other control character), pause and the waiting
count, local filter with highlights, inverse, context, detail, copy, save, load older."""

from __future__ import annotations

import re

from tests.tail.conftest import HOSTILE, ScreenApp, forbidden_in, now_ms

from console.screens.log_line import LogLineScreen
from console.screens.log_view import LogViewScreen
from console.widgets.tail_log import TailLog
from probes.log_sources import TailTarget


def open_view(aws, group, tmp_path, since_ms):
    return ScreenApp(lambda: LogViewScreen(aws, TailTarget((group,), title=group),
                                           since_ms=since_ms, interval_s=0.2,
                                           save_dir=tmp_path))


async def wait_for(pilot, predicate, timeout=10.0):
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


def status(app) -> str:
    return str(app.screen.query_one("#tail-status").render())


async def test_hostile_lines_reach_the_log_inert_and_whole_in_the_detail(log_groups, aws,
                                                                         tmp_path):
    group = log_groups.create(["ecs/app/t1"])
    base = now_ms() - 5_000
    messages = [*HOSTILE.values(), "y" * 1_000_000]
    log_groups.put(group, "ecs/app/t1", [(base + i, m) for i, m in enumerate(messages)])
    app = open_view(aws, group, tmp_path, base - 1_000)
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.screen.query_one(TailLog)
        await wait_for(pilot, lambda: len(log.entries) == len(messages))
        assert len(log.lines) == len(messages)  # no line split another in two
        for line in log.lines:
            assert not forbidden_in(line), line[:100]
        assert "[bold red]not bold[/]" in log.lines[0]
        assert len(log.lines[-1]) < 3_000 and "chars]" in log.lines[-1]
        await pilot.press("end", "enter")  # the 1 MB line, whole, in the detail
        assert isinstance(app.screen, LogLineScreen)
        body = app.screen.query_one("#line-body")
        assert sum(len(row) for row in body.lines) == 1_000_000
        await pilot.press("y")
        assert app.clipboard.count("y") >= 100_000 and not forbidden_in(app.clipboard)
        await pilot.press("escape", "home", "enter")  # the first (markup) line's detail
        meta = str(app.screen.query_one("#line-meta").render())
        assert "Event id" in meta and "ecs/app/t1" in meta and "Ingested" in meta
        await pilot.press("escape", "y")
        assert not forbidden_in(app.clipboard)


async def test_pause_filter_invert_context_save_and_older(log_groups, aws, tmp_path):
    group = log_groups.create(["ecs/app/t1", "ecs/app/t2"])
    since = now_ms() - 20_000
    old = [(since - 5_000 + i, f"old {i}") for i in range(3)]
    words = ["a", "b", "ERROR one", "c", "d", "e", "f", "error two", "g"]
    log_groups.put(group, "ecs/app/t1", [*old, *((since + 1_000 + i, w)
                                                 for i, w in enumerate(words))])
    app = open_view(aws, group, tmp_path, since)
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.screen.query_one(TailLog)
        await wait_for(pilot, lambda: len(log.entries) == len(words))

        await pilot.press("p")
        log_groups.put(group, "ecs/app/t2", [(now_ms() - 1_000 + i, f"new {i}")
                                              for i in range(5)])
        await wait_for(pilot, lambda: "5 new lines waiting" in status(app))
        assert len(log.entries) == len(words) and "paused" in status(app)
        await pilot.press("p")
        await wait_for(pilot, lambda: len(log.entries) == len(words) + 5)

        await pilot.press("slash", *"error", "enter")
        shown = [line.rsplit(" ", 1)[-1] for line in log.lines]
        assert shown == ["one", "two"]
        strip = log.render_line(0)  # the match is highlighted (reverse video)
        assert any(seg.style and seg.style.reverse and seg.text.lower() == "error"
                   for seg in strip)
        await pilot.press("exclamation_mark")
        assert not any("rror" in line for line in log.lines) and len(log.lines) == 12
        await pilot.press("exclamation_mark", "c", "backspace", "1", "enter")
        shown = [line.rsplit(" ", 1)[-1] for line in log.lines]
        assert shown == ["b", "one", "c", "--", "f", "two", "g"]

        await pilot.press("s", "enter")
        await pilot.pause(0.2)
        saved = list(tmp_path.glob("incident-console-logs-view-*.log"))
        assert len(saved) == 1 and saved[0].read_text().splitlines()[3] == "--"

        await pilot.press("escape", "o")
        await wait_for(pilot, lambda: any("old 0" in line for line in log.lines))
        assert "paused" in status(app)


async def test_the_status_line_says_when_loss_is_possible(log_groups, aws, tmp_path):
    """An event CloudWatch ingested 70 s after its timestamp (beyond the 60 s window), while
    the view follows: later ones like it may be missed, and the view says so. (What was
    already there at the first read was read whole: it raises nothing.)"""
    group = log_groups.create(["ecs/app/t1"])
    log_groups.put(group, "ecs/app/t1", [(now_ms() - 70_000, "there before the view")])
    app = open_view(aws, group, tmp_path, now_ms() - 120_000)
    async with app.run_test(size=(160, 24)) as pilot:
        log = app.screen.query_one(TailLog)
        await wait_for(pilot, lambda: len(log.entries) == 1)
        assert "loss possible" not in status(app)
        log_groups.put(group, "ecs/app/t1", [(now_ms() - 70_000, "flushed late")])
        await wait_for(pilot, lambda: len(log.entries) == 2, timeout=60.0)
        await wait_for(pilot, lambda: "loss possible" in status(app), timeout=60.0)
        assert re.search(r"events arrive up to 7\d s late \(window 60 s\)", status(app))
