"""What a log line says, picked out of the formats services write: JSON objects, Python
logging lines (``2026-11-28 20:19:45,569 ERROR app.db: message``), gunicorn's error log
(``[2026-11-28 20:19:45 +0000] [7] [INFO] message``) and access logs (common/combined, and
the ``client "GET /path HTTP/1.1" status size latency`` form), else the plain line.

Each becomes a `ParsedLine`: level, message and the other fields in their order, with the
line's own timestamp taken out (the row already shows the event's time once). The text stays
raw here: whoever shows it sanitises it (`console.sanitize.clean`). Nothing here guesses: a
line that matches no format is the plain line, whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

Fields = tuple[tuple[str, str], ...]

_TS = (r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"
       r"(?:\s?(?:Z|UTC|[+-]\d{2}:?\d{2}))?")
_LEVEL = r"TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|CRIT(?:ICAL)?|FATAL|PANIC"
_LOGGER = r"[a-z_][\w\-]*(?:\.[\w\-]+)+|root|access|__main__|werkzeug|uvicorn|gunicorn"
_GUNICORN = re.compile(r"\[(?P<ts>[^\]]{10,40})\] \[(?P<pid>\d+)\] \[(?P<level>[A-Za-z]+)\] "
                       r"(?P<msg>.*)", re.DOTALL)
_COMBINED = re.compile(
    r'(?P<client>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<ts>[^\]]+)\] "(?P<request>[^"]*)" '
    r'(?P<status>\d{3}) (?P<size>\d+|-)(?: "(?P<referer>[^"]*)" "(?P<agent>[^"]*)")?'
    r"(?P<rest>.*)", re.DOTALL)
_SHORT_ACCESS = re.compile(
    r'(?P<client>[\w.:\-]+) "(?P<request>[^"]*)" (?P<status>\d{3}) (?P<size>\d+|-)'
    r"(?: (?P<latency>\d+(?:\.\d+)?(?:ms|s)))?(?P<rest>.*)", re.DOTALL)
_STAMPED = re.compile(
    rf"\[?(?P<ts>{_TS})\]?(?:\s+-)?\s+(?:\[?(?P<level>(?i:{_LEVEL}))\]?(?::|\s+-)?\s+)?"
    rf"(?:(?P<logger>{_LOGGER})(?::|\s+-)\s+)?(?P<msg>.*)", re.DOTALL)
_PAIR = re.compile(r'\s*([A-Za-z_][\w.\-]*)=("(?:[^"\\]|\\.)*"|\S*)')

TIME_KEYS = ("time", "timestamp", "@timestamp", "ts", "asctime", "datetime", "date")
LEVEL_KEYS = ("level", "severity", "levelname", "log.level", "lvl", "loglevel")
MESSAGE_KEYS = ("message", "msg", "event", "log", "text")
TASK_KEYS = ("task_id", "ecs_task_id", "task")
_LEVEL_NAMES = {"TRACE": "TRACE", "DEBUG": "DEBUG", "INFO": "INFO", "NOTICE": "INFO",
                "WARN": "WARN", "WARNING": "WARN", "ERR": "ERROR", "ERROR": "ERROR",
                "CRIT": "CRIT", "CRITICAL": "CRIT", "FATAL": "FATAL", "PANIC": "FATAL"}
_NUMERIC_LEVELS = {10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL"}


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """One line's parts (raw text). `level` is a level name (``ERROR``) or, for an access
    line, its HTTP status (``503``); `stamp` the timestamp text the line carried."""

    message: str
    level: str = ""
    fields: Fields = ()
    task: str = ""
    stamp: str = ""
    kind: str = "plain"  # json | access | gunicorn | logging | plain


def normal_level(value: object) -> str:
    """``warning`` -> ``WARN``, pino's ``50`` -> ``ERROR``; unknown words upper-cased."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return _NUMERIC_LEVELS.get(value, "")
    word = str(value).strip().upper()
    return _LEVEL_NAMES.get(word, word[:8])


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), default=str)


def _looks_like_time(value: object) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value > 1e9  # epoch seconds or milliseconds
    return isinstance(value, str) and re.match(_TS, value.strip()) is not None


def parse_json(text: str) -> ParsedLine | None:
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    level = message = task = stamp = ""
    said = False
    fields: list[tuple[str, str]] = []
    for key, value in data.items():
        if not level and key in LEVEL_KEYS:
            level = normal_level(value)
        elif not said and key in MESSAGE_KEYS:
            said = value not in (None, "")  # an empty message is no message: read on
            message = _text(value) if said else ""
        elif not stamp and key in TIME_KEYS and _looks_like_time(value):
            stamp = _text(value)
        elif not task and key in TASK_KEYS and isinstance(value, str):
            task = value
        else:
            fields.append((str(key), _text(value)))
    return ParsedLine(message, level, tuple(fields), task, stamp, "json")


def pairs(rest: str) -> tuple[Fields, str]:
    """``rid=ab ua="curl/8"`` -> the pairs, and what did not read as pairs (kept as text)."""
    found: list[tuple[str, str]] = []
    position = 0
    for match in _PAIR.finditer(rest):
        if match.start() != position:
            break
        key, value = match.groups()
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except ValueError:
                value = value[1:-1]
        found.append((key, value))
        position = match.end()
    left = rest[position:].strip()
    return tuple(found), left


def _access(match: re.Match[str], stamp: str = "") -> ParsedLine:
    parts = match.groupdict()
    request = parts["request"].split(" ")
    said = " ".join(request[:2]) if len(request) >= 2 else parts["request"]
    fields: list[tuple[str, str]] = []
    if parts["size"] != "-":
        fields.append(("bytes", parts["size"]))
    if parts.get("latency"):
        fields.append(("time", parts["latency"]))
    fields.append(("client", parts["client"]))
    for key in ("user", "referer"):
        if parts.get(key) not in (None, "-", ""):
            fields.append((key, parts[key]))
    if parts.get("agent"):
        fields.append(("ua", parts["agent"]))
    extra, left = pairs(parts["rest"])
    fields.extend(extra)
    if left:
        said = f"{said} {left}"
    return ParsedLine(said, parts["status"], tuple(fields), stamp=stamp, kind="access")


def parse_line(text: str) -> ParsedLine:
    """The line's parts; the plain line, whole, when no format matches. Never raises."""
    parsed = parse_json(text)
    if parsed is not None:
        return parsed
    head = text.lstrip()
    match = _COMBINED.match(head)
    if match:
        return _access(match, match["ts"])
    match = _GUNICORN.match(head)
    if match and re.match(r"\d{4}-\d{2}-\d{2}", match["ts"]):
        return ParsedLine(match["msg"], normal_level(match["level"]), (("pid", match["pid"]),),
                          stamp=match["ts"], kind="gunicorn")
    match = _STAMPED.match(head)
    if match:
        said, logger = match["msg"], match["logger"]
        access = _SHORT_ACCESS.match(said)
        if access:
            return _access(access, match["ts"])
        level = normal_level(match["level"]) if match["level"] else ""
        fields = (("logger", logger),) if logger else ()
        return ParsedLine(said, level, fields, stamp=match["ts"], kind="logging")
    return ParsedLine(text)  # a level word it starts with is shown where it is
