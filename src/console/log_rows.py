"""Rows of the Logs pane and the log view: ``20:19:45 e99f7057 ERROR OutOfMemoryError: …``.

The time (the event's, once), the task, then what the line says (`console.log_parse`): level,
message, and the other fields after it as ``key=value``. Raw mode shows the line as it was
logged instead. Every row is sanitised (`console.sanitize.clean`) and one line; wrapping
splits a row into several lines, the continuation lines indented under the message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from console.log_parse import ParsedLine, parse_line
from console.sanitize import clean
from console.severity import Severity, severity_of
from console.tail.format import CONTEXT_MARK, LABEL_WIDTH, LATE_MARK, clock_s, stream_tag
from probes.log_event import LogEvent

LEVEL_WIDTH = 5
ROW_LIMIT = 2_000  # characters of a message on one row; the detail has it all
MIN_WRAP = 20


def _value(text: str) -> str:
    if text and not any(c.isspace() for c in text):
        return text
    return json.dumps(text, ensure_ascii=False)


def said(parsed: ParsedLine, task_tag: str = "") -> str:
    """``ERROR OutOfMemoryError: … rss_mib=511`` (raw: the caller sanitises). The line's own
    timestamp is left out (the row shows the event's time), and its task id too when it is
    the task of the stream the row names."""
    parts = [f"{parsed.level:<{LEVEL_WIDTH}}"] if parsed.level else []
    if parsed.message:
        parts.append(parsed.message)
    fields = list(parsed.fields)
    if parsed.task and not (task_tag and parsed.task.startswith(task_tag)):
        fields.append(("task", parsed.task))
    parts += [f"{key}={_value(value)}" for key, value in fields]
    return " ".join(parts)


def message_of(event_message: str, task_tag: str = "", *, raw: bool = False,
               limit: int | None = ROW_LIMIT) -> str:
    """The message part of a row, sanitised and cut."""
    text = event_message if raw else said(parse_line(event_message), task_tag)
    return clean(text, limit=limit)


def row_severity(message: str) -> Severity:
    """How bad a row's message part looks: an access row leads with its HTTP status."""
    head = message[:3]
    if head.isdigit() and message[3:4] in ("", " ") and head[0] in "12345":
        status = int(head)
        return (Severity.ERROR if status >= 500 else
                Severity.CLIENT_ERROR if status >= 400 else Severity.INFO)
    return severity_of(message)


def pane_line(event: LogEvent, *, raw: bool = False) -> str:
    """A row of the Logs pane: ``HH:MM:SS task8 message``."""
    tag = stream_tag(event.stream)
    return f"{clock_s(event.timestamp)} {tag:<8} {message_of(event.message, tag, raw=raw)}"


@dataclass
class RowStyle:
    """How the log view writes rows: parsed or raw, with or without the time, wrapped at a
    width or one line per event."""

    raw: bool = False
    show_time: bool = True
    wrap: int | None = None

    @property
    def time_width(self) -> int:
        return 8 if self.show_time else 0


def view_lines(event: LogEvent | None, label: str | None, style: RowStyle,
               mark: str = " ") -> list[str]:
    """The lines of one row of the log view (several when wrapped). ``--`` separates
    context groups."""
    if event is None:
        return ["--"]
    mark = LATE_MARK if event.late and mark == " " else mark
    head = (clock_s(event.timestamp) if style.show_time else "") + mark
    if label is not None:
        head += f"{label[:LABEL_WIDTH]:<{LABEL_WIDTH}} "
    tag = stream_tag(event.stream)
    head += f"{tag:<8} "
    body = message_of(event.message, tag, raw=style.raw)
    if not style.wrap or len(head) + len(body) <= style.wrap:
        return [head + body]
    width = max(MIN_WRAP, style.wrap - len(head))
    indent = " " * (len(head) - 1) + CONTEXT_MARK if mark == CONTEXT_MARK else " " * len(head)
    chunks = [body[i:i + width] for i in range(0, len(body), width)]
    return [head + chunks[0], *(indent + chunk for chunk in chunks[1:])]
