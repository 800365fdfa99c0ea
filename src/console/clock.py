"""The UI's idea of "now", in one place so that snapshot tests and screenshots can freeze it,
and the one way the UI writes times (issue 11 point 4):

* tables: the time in UTC, with the date when it is not today (``19:45``,
  ``2026-11-19 03:20``: what every time field accepts), next to an age (``6m``);
* how long something lasted: ``1m49s``, ``2h05m``, ``3d4h`` (never negative);
* details: ISO 8601 in UTC, ``2026-11-28T19:51:15Z``, with the age.
"""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen or datetime.now(UTC)


def freeze(moment: datetime | None) -> None:
    """Freeze the UI clock at `moment` (None thaws it). For tests and screenshots only."""
    global _frozen
    _frozen = moment


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def when(moment: datetime | None, at: datetime | None = None) -> str:
    """``19:45`` today (UTC), ``2026-11-19 03:20`` another day; ``-`` for no time."""
    if moment is None:
        return "-"
    moment, today = _utc(moment), _utc(at or now()).date()
    return f"{moment:%H:%M}" if moment.date() == today else f"{moment:%Y-%m-%d %H:%M}"


def duration(seconds: float, *, seconds_below_10m: bool = True) -> str:
    """``42s``, ``1m49s``, ``12m``, ``3h05m``, ``2d4h``: how long, compact, never negative
    (seconds shown while under ten minutes: a task that ran 1m49s is not one that ran 1m;
    `seconds_below_10m=False` gives the shorter ``1m`` that headers and CLI ages use)."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10 and seconds_below_10m:
        return f"{minutes}m{seconds % 60:02d}s"
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h{minutes % 60:02d}m"
    return f"{hours // 24}d{hours % 24}h"


def age(moment: datetime | None, at: datetime | None = None) -> str:
    """How long ago `moment` was (``6m``); ``-`` for no time. A moment in the future (clock
    skew) is ``0s``, never a negative age."""
    if moment is None:
        return "-"
    return duration(((at or now()) - _utc(moment)).total_seconds())


def iso(moment: datetime | None, at: datetime | None = None) -> str:
    """``2026-11-28T19:51:15Z (6m ago)``: for details."""
    if moment is None:
        return "-"
    return f"{_utc(moment):%Y-%m-%dT%H:%M:%SZ} ({age(moment, at)} ago)"
