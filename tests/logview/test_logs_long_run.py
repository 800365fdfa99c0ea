"""Long runs: thousands of lines in every format through the Logs pane (a hundred poll
results, fake clock) and through the log view (from the emulator): the newest line's message
is on screen, parsed, and the counts match what was sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from tests.app.test_snapshots import NOW, make_app
from tests.tail.conftest import ScreenApp, now_ms

from console import clock
from console.panes.logs import KEEP_LINES
from console.screens.log_view import LogViewScreen
from console.widgets.tail_log import TailLog
from probes.log_sources import TailTarget
from probes.logs import LogBatch, LogEvent
from probes.result import ProbeResult

T0 = int(datetime(2026, 11, 28, 3, 0, tzinfo=UTC).timestamp() * 1000)
TASK = "e99f7057aa11bb22cc33dd44ee55ff66"


def message(n: int, ts: int) -> tuple[str, str]:
    """Line n in one of four formats, and what its row must say."""
    stamp = datetime.fromtimestamp(ts / 1000, UTC)
    kind = n % 4
    if kind == 0:
        return (json.dumps({"time": stamp.isoformat(timespec="milliseconds"),
                            "level": "error", "message": f"OutOfMemoryError {n}",
                            "task_id": TASK}),
                f"ERROR OutOfMemoryError {n}")
    if kind == 1:
        return (f"{stamp:%Y-%m-%d %H:%M:%S},123 WARNING app.db: slow query {n}",
                f"WARN  slow query {n} logger=app.db")
    if kind == 2:
        return (f"[{stamp:%Y-%m-%d %H:%M:%S} +0000] [7] [INFO] Booting worker {n}",
                f"INFO  Booting worker {n} pid=7")
    return (f'10.0.0.9 - - [{stamp:%d/%b/%Y:%H:%M:%S} +0000] "GET /r/{n} HTTP/1.1" 503 9 '
            f'"-" "curl/8"', f"503   GET /r/{n} bytes=9 client=10.0.0.9 ua=curl/8")


@pytest.fixture
def frozen():
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


def batch(start: int, count: int) -> tuple[ProbeResult, list[str]]:
    events, said = [], []
    for n in range(start, start + count):
        ts = T0 + n * 50
        text, expected = message(n, ts)
        events.append(LogEvent("/ecs/x", f"ecs/app/{TASK}", ts, ts, f"e{n}", text))
        said.append(expected)
    return ProbeResult("logs", clock.now(), 0.0, data=LogBatch(("/ecs/x",), tuple(events))), \
        said


async def test_a_hundred_polls_of_mixed_lines_through_the_pane(frozen, tmp_path, read_screen):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        sent = 0
        for cycle in range(100):
            size = (7, 120, 3, 45)[cycle % 4]  # trickles and bursts: 4,375 lines in all
            result, said = batch(sent, size)
            app.dashboard.apply(result)
            sent += size
            await pilot.pause(0.01)
            rows = [line for line in read_screen(app).splitlines() if " e99f7057 " in line]
            newest = rows[-1].split(" e99f7057 ", 1)[1].rstrip(" │┃")
            assert said[-1].startswith(newest) and len(newest) >= 20, (cycle, newest, said[-1])
            assert not any('{"time"' in row or "2026-11-28 0" in row for row in rows)
        pane = app.dashboard.panes["logs"]
        assert sent == 4_375 and len(pane.events) == KEEP_LINES
        # errors among the kept lines: the JSON ERROR lines and the 503s, half of them
        assert pane.errors == KEEP_LINES // 2


async def test_five_thousand_lines_through_the_log_view(log_groups, aws, tmp_path):
    group = log_groups.create(["ecs/app/" + TASK])
    start = now_ms() - 60_000
    app = ScreenApp(lambda: LogViewScreen(aws, TailTarget((group,), title=group),
                                          since_ms=start - 1_000, interval_s=0.2,
                                          save_dir=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.screen.query_one(TailLog)
        said: list[str] = []
        for part in range(10):  # written while the view follows
            lines = []
            for n in range(part * 500, part * 500 + 500):
                ts = start + n * 10
                text, expected = message(n, ts)
                lines.append((ts, text))
                said.append(expected)
            log_groups.put(group, "ecs/app/" + TASK, lines)
            for _ in range(600):
                if len(log.entries) == (part + 1) * 500:
                    break
                await pilot.pause(0.05)
        assert len(log.entries) == 5_000
        await pilot.pause(0.3)
        height = log.scrollable_content_region.height
        shown = [log.render_line(y).text for y in range(height)]
        assert shown[-1].split(" e99f7057 ", 1)[1].startswith(said[-1][:50])
        assert all(line.split(" e99f7057 ", 1)[1] for line in shown)
        assert not any('{"time"' in line for line in log.lines)
