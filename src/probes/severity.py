"""How bad a log line looks: level words, JSON level fields and HTTP status codes.

Cheap enough to run on every line of a fast tail: one regex search per line, plus a JSON
field read only for lines that start with ``{``.
"""

from __future__ import annotations

import json
import re
from enum import IntEnum


class Severity(IntEnum):
    DEBUG = 10
    INFO = 20
    CLIENT_ERROR = 25  # HTTP 4xx
    WARNING = 30
    ERROR = 40  # includes HTTP 5xx
    CRITICAL = 50


_LEVEL_WORDS = {
    "TRACE": Severity.DEBUG, "DEBUG": Severity.DEBUG, "INFO": Severity.INFO,
    "NOTICE": Severity.INFO, "WARN": Severity.WARNING, "WARNING": Severity.WARNING,
    "ERROR": Severity.ERROR, "ERR": Severity.ERROR, "EXCEPTION": Severity.ERROR,
    "TRACEBACK": Severity.ERROR, "FATAL": Severity.CRITICAL, "CRITICAL": Severity.CRITICAL,
    "PANIC": Severity.CRITICAL, "OUTOFMEMORYERROR": Severity.CRITICAL,
}
_LEVEL_RE = re.compile(
    r"\b(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERR(?:OR)?|EXCEPTION|Traceback|FATAL|CRITICAL|"
    r"PANIC|OutOfMemoryError)\b")
# An access-log status: after the quoted request line, or "status=503" / "status": 503.
_HTTP_RE = re.compile(r'(?:HTTP/\d(?:\.\d)?"\s+|\bstatus[=:]\s*"?)([1-5]\d\d)\b')


def _json_level(line: str) -> Severity | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for key in ("level", "severity", "levelname", "log.level", "lvl"):
        value = data.get(key)
        if isinstance(value, str) and value.upper() in _LEVEL_WORDS:
            return _LEVEL_WORDS[value.upper()]
    status = data.get("status") or data.get("status_code")
    if isinstance(status, int):
        return _status_severity(status)
    return None


def _status_severity(status: int) -> Severity:
    if status >= 500:
        return Severity.ERROR
    if status >= 400:
        return Severity.CLIENT_ERROR
    return Severity.INFO


def severity_of(line: str) -> Severity:
    stripped = line.lstrip()
    if stripped.startswith("{"):
        level = _json_level(stripped)
        if level is not None:
            return level
    http = _HTTP_RE.search(line)
    if http:
        return _status_severity(int(http.group(1)))
    match = _LEVEL_RE.search(line)
    if match:
        return _LEVEL_WORDS.get(match.group(1).upper(), Severity.INFO)
    return Severity.INFO


def is_error(line: str) -> bool:
    """ERROR and worse, HTTP 5xx included."""
    return severity_of(line) >= Severity.ERROR
