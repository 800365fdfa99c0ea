"""The UI's idea of "now", in one place so that snapshot tests and screenshots can freeze it."""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen or datetime.now(UTC)


def freeze(moment: datetime | None) -> None:
    """Freeze the UI clock at `moment` (None thaws it). For tests and screenshots only."""
    global _frozen
    _frozen = moment
