"""How a log event is written: plain lines, JSON lines, rows of the log view.

Every text field of an event is untrusted: it goes through `console.sanitize.clean` before any
terminal, widget or file sees it, except in JSON, where `json.dumps(ensure_ascii=True)` escapes
every control and non-ASCII character (so the output is inert and still exact).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from console.sanitize import clean
from probes.log_event import LogEvent

VIEW_LINE_LIMIT = 2_000  # characters of a message shown on one row; the detail has it all
TTY_LINE_LIMIT = 20_000  # `tail` to a terminal: cut monster lines (pipes get them whole)
LABEL_WIDTH = 12
LATE_MARK = "↶"
CONTEXT_MARK = "·"
LEVEL_KEYS = ("level", "severity", "levelname", "log.level", "lvl", "loglevel")
MESSAGE_KEYS = ("message", "msg", "event", "log", "text")


def iso_ms(ms: int) -> str:
    """``2026-11-28T14:03:22.123Z``."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def clock_s(ms: int) -> str:
    """``14:03:22`` (UTC): what a narrow row has room for."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%H:%M:%S")


def group_labels(groups: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Short, distinct labels for groups: the shortest tail of path segments that tells each
    apart (``/ecs/app-prod`` and ``/ecs/worker-prod`` -> ``app-prod``, ``worker-prod``)."""
    labels: dict[str, str] = {}
    parts = {g: [p for p in g.split("/") if p] or [g] for g in groups}
    for group in groups:
        for depth in range(1, len(parts[group]) + 1):
            label = "/".join(parts[group][-depth:])
            others = ["/".join(parts[o][-depth:]) for o in groups if o != group]
            if label not in others:
                break
        labels[group] = clean(label, limit=LABEL_WIDTH * 4)
    return labels


def short_task_id(task_id: str) -> str:
    """The first 8 characters of a task id: what the ECS pane, the log pane and the log view
    all show (and what `tail --task` accepts)."""
    return task_id[:8]


def stream_tag(stream: str) -> str:
    """``ecs/app/5f3c…`` -> the task's short id: which task said it."""
    return clean(short_task_id(stream.rsplit("/", 1)[-1]), limit=8)


def plain_line(event: LogEvent, label: str | None = None, *, limit: int | None = None) -> str:
    """`tail`'s default line: ISO time, group label (several groups), stream, message."""
    parts = [iso_ms(event.timestamp)]
    if label is not None:
        parts.append(label)
    parts.append(clean(event.stream, limit=512))
    parts.append(clean(event.message, limit=limit))
    return " ".join(parts)


def json_line(event: LogEvent) -> str:
    """`tail --json`: one object per event; ASCII-only, so nothing in it reaches a terminal."""
    return json.dumps({
        "group": event.group, "stream": event.stream,
        "timestamp": iso_ms(event.timestamp), "timestamp_ms": event.timestamp,
        "ingestion_time": iso_ms(event.ingestion_time), "event_id": event.event_id,
        "late": event.late, "message": event.message,
    }, ensure_ascii=True)


def json_fields(message: str) -> tuple[str, str, dict[str, Any]] | None:
    """A JSON log line's level, message and other fields; None when it is not a JSON object."""
    text = message.strip()
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    level = next((str(data[k]) for k in LEVEL_KEYS if k in data), "")
    said = next((str(data[k]) for k in MESSAGE_KEYS if k in data), "")
    rest = {k: v for k, v in data.items() if k not in LEVEL_KEYS and k not in MESSAGE_KEYS}
    return level, said, rest


def json_summary(message: str) -> str | None:
    """``ERROR  payment failed  order=42 user=7``: a JSON line with its level and message
    picked out (raw: the caller sanitises)."""
    fields = json_fields(message)
    if fields is None:
        return None
    level, said, rest = fields
    extras = " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" if not isinstance(v, str)
                      else f"{k}={v}" for k, v in rest.items())
    return "  ".join(part for part in (level.upper()[:8], said, extras) if part)


def view_prefix_width(labelled: bool) -> int:
    return 8 + 1 + (LABEL_WIDTH + 1 if labelled else 0) + 9


def view_line(event: LogEvent, label: str | None, *, mark: str = " ",
              pretty_json: bool = False) -> str:
    """A row of the log view: ``14:03:22 label        5f3c00e1 message`` (sanitised, cut)."""
    message = event.message
    if pretty_json:
        message = json_summary(message) or message
    head = clock_s(event.timestamp) + (LATE_MARK if event.late and mark == " " else mark)
    if label is not None:
        head += f"{label[:LABEL_WIDTH]:<{LABEL_WIDTH}} "
    return f"{head}{stream_tag(event.stream):<8} {clean(message, limit=VIEW_LINE_LIMIT)}"
