"""Times as people type them: ``30s``, ``10m``, ``1h``, ``2d`` ago, or an ISO time."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from console.errors import UsageError

_AGO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now_s: float | None = None) -> int:
    """Milliseconds since the epoch for ``10m`` (ago) or ``2026-11-28T14:00:00Z``."""
    now_s = time.time() if now_s is None else now_s
    match = _AGO.match(text)
    if match:
        return int((now_s - float(match.group(1)) * _UNIT_S[match.group(2).lower()]) * 1000)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"cannot read the time {text!r}: use an age like 30s, 10m, 1h, 2d or an ISO time "
            "like 2026-11-28T14:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def ago(seconds: float) -> str:
    """``42s``, ``12m``, ``3h05m``, ``2d4h``: compact ages for narrow terminals."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h{minutes % 60:02d}m"
    return f"{hours // 24}d{hours % 24}h"
