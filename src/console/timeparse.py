"""Times as people type them, in the forms the screen shows them (UTC): ``19:45`` (the last
19:45), ``2026-11-28 19:45``, ``20m`` (ago; also ``30s``, ``1h``, ``2d``, ``20m ago``), or an
ISO time (``2026-11-28T19:45:00Z``)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from console.clock import duration
from console.errors import UsageError

_AGO = re.compile(r"^\s*-?(\d+(?:\.\d+)?)\s*([smhdw])(?:\s+ago)?\s*$", re.IGNORECASE)
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?\s*(?:Z|UTC)?\s*$",
                    re.IGNORECASE)
FORMS = "19:45, 2026-11-28 19:45, 20m (ago) or 2026-11-28T19:45:00Z (UTC)"
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def _clock_time(match: re.Match[str], now_s: float) -> int | None:
    """``19:45``: that time today (UTC), or yesterday when today's is still ahead."""
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    micro = int((match[4] or "0").ljust(6, "0"))
    now = datetime.fromtimestamp(now_s, UTC)
    moment = now.replace(hour=hour, minute=minute, second=second, microsecond=micro)
    if moment > now + timedelta(minutes=1):
        moment -= timedelta(days=1)
    return int(moment.timestamp() * 1000)


def parse_since(text: str, now_s: float | None = None) -> int:
    """Milliseconds since the epoch for ``19:45``, ``2026-11-28 19:45``, ``20m`` (ago) or
    ``2026-11-28T14:00:00Z``; a time without a zone is UTC, as the screen shows times."""
    now_s = time.time() if now_s is None else now_s
    match = _AGO.match(text)
    if match:
        return int((now_s - float(match.group(1)) * _UNIT_S[match.group(2).lower()]) * 1000)
    clock = _CLOCK.match(text)
    at = _clock_time(clock, now_s) if clock else None
    if at is not None:
        return at
    cleaned = re.sub(r"\s*(?:Z|UTC)$", "+00:00", text.strip(), flags=re.IGNORECASE)
    try:
        moment = None if clock else datetime.fromisoformat(cleaned)
    except ValueError:
        moment = None
    if moment is None:
        shown = text.strip()[:40]
        raise UsageError(f"cannot read the time {shown!r}: use {FORMS}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def ago(seconds: float) -> str:
    """``42s``, ``12m``, ``3h05m``, ``2d4h``: compact ages for narrow terminals."""
    return duration(seconds, seconds_below_10m=False)
