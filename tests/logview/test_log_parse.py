"""The line parser over the formats services write (JSON, Python logging, gunicorn, access
logs), plain lines and hostile ones: what the row says, with the timestamp once."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.tail.conftest import HOSTILE, forbidden_in

from console.log_parse import parse_line
from console.log_rows import RowStyle, message_of, said, view_lines
from probes.log_event import LogEvent

OOM = json.dumps({"time": "2026-11-28T20:19:45.569+00:00", "level": "error",
                  "logger": "app.supervisor",
                  "message": "OutOfMemoryError: Container killed due to memory limit",
                  "request_id": "9f1c", "task_id": "e99f7057aa11", "rss_mib": 511})


def row(message: str, tag: str = "e99f7057") -> str:
    return said(parse_line(message), tag)


def test_json_line_reads_level_message_then_fields_without_its_time():
    assert row(OOM) == ("ERROR OutOfMemoryError: Container killed due to memory limit "
                        "logger=app.supervisor request_id=9f1c rss_mib=511")
    # another task's id than the stream's stays, as a field
    assert row(OOM, tag="0000aaaa").endswith("task=e99f7057aa11")
    pino = '{"level":50,"time":1764361185569,"msg":"db down","err":{"code":"ECONNREFUSED"}}'
    assert row(pino) == 'ERROR db down err={"code":"ECONNREFUSED"}'


def test_python_logging_gunicorn_and_access_lines():
    assert row("2026-11-28 20:19:45,569 WARNING app.memory: memory usage 490 MiB of 512 MiB") \
        == "WARN  memory usage 490 MiB of 512 MiB logger=app.memory"
    assert row("[2026-11-28 20:19:45 +0000] [7] [INFO] Booting worker with pid: 7") \
        == "INFO  Booting worker with pid: 7 pid=7"
    combined = ('10.0.0.1 - - [28/Nov/2026:20:19:45 +0000] "GET /api/x?y=1 HTTP/1.1" 503 96 '
                '"-" "Mozilla/5.0 (X11)"')
    assert row(combined) == '503   GET /api/x?y=1 bytes=96 client=10.0.0.1 ua="Mozilla/5.0 (X11)"'
    demo = ('2026-11-28 20:19:45,569 INFO access: 10.0.1.7 "POST /api/v1/drawings HTTP/1.1" '
            '201 512 0.031s rid=ab12 ua="ELB-HealthChecker/2.0"')
    assert row(demo) == ("201   POST /api/v1/drawings bytes=512 time=0.031s client=10.0.1.7 "
                         "rid=ab12 ua=ELB-HealthChecker/2.0")
    assert row("2026-11-28T20:19:45Z ERROR Traceback (most recent call last):\n  File x") \
        == "ERROR Traceback (most recent call last):\n  File x"


def test_plain_and_broken_lines_stay_whole():
    for text in ("plain words", "{not json", "[1, 2]", '{"unterminated": ', "", "   ",
                 "ERRORS are words too", "12:00 lunch"):
        parsed = parse_line(text)
        assert parsed.kind == "plain" and text.strip() in said(parsed), text
    assert row("ERROR one") == "ERROR one"


def test_hostile_lines_stay_inert_in_every_mode():
    messages = [*HOSTILE.values(),
                json.dumps({"level": "error", "message": "\x1b]52;c;ZXZpbA==\x07 pwned",
                            "k\x1b[2J": "v\u202e"}),
                '2026-11-28 20:19:45,569 ERROR app.x: \x9b2J [bold]x[/]\r\n\u2028next']
    for message in messages:
        event = LogEvent("/g", "ecs/app/e99f7057", 1, 1, message, "id")
        for raw in (False, True):
            for style in (RowStyle(raw=raw), RowStyle(raw=raw, wrap=30, show_time=False)):
                for line in view_lines(event, None, style):
                    assert not forbidden_in(line), repr(line)
    assert "[bold]x[/]" in message_of(messages[-1])  # markup stays literal text


printable = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
values = st.one_of(printable, st.integers(), st.booleans(), st.none(),
                   st.lists(st.integers(), max_size=3))


@settings(max_examples=300, deadline=None)
@given(message=printable, level=st.sampled_from(["error", "warning", "info", "debug", 50]),
       extra=st.dictionaries(st.text(min_size=1, max_size=10).filter(
           lambda k: k not in {"level", "message", "msg", "time", "task_id", "severity",
                               "levelname", "log.level", "lvl", "loglevel", "event", "log",
                               "text", "timestamp", "@timestamp", "ts", "asctime",
                               "datetime", "date", "ecs_task_id", "task"}),
           values, max_size=4))
def test_any_json_object_keeps_its_message_and_every_other_field(message, level, extra):
    line = json.dumps({"time": "2026-11-28T20:19:45Z", "level": level, "message": message,
                       **extra})
    parsed = parse_line(line)
    assert parsed.kind == "json" and parsed.stamp == "2026-11-28T20:19:45Z"
    assert parsed.level in {"ERROR", "WARN", "INFO", "DEBUG"}
    assert parsed.message == (message or "")
    assert [k for k, _ in parsed.fields] == list(extra)
    assert "2026-11-28T20:19:45Z" not in said(parsed)  # the time once: the row's


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_parses_without_raising_and_renders_one_clean_line(text):
    event = LogEvent("/g", "ecs/app/abc", 1, 1, text, "id")
    lines = view_lines(event, "label", RowStyle())
    assert len(lines) == 1 and not forbidden_in(lines[0])
    wrapped = view_lines(event, None, RowStyle(wrap=40))
    assert all(len(line) <= 40 for line in wrapped) and not any(map(forbidden_in, wrapped))
