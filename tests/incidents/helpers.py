"""Shared by the incident tests: who acts, when the clock starts, and a clock that steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

ALICE = "arn:aws:sts::123456789012:assumed-role/OnCall/alice"
START = datetime(2026, 11, 28, 3, 14, 0, tzinfo=UTC)


class StepClock:
    """Each call is `step` later than the previous one: entries get distinct, known times."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=30)):
        self.moment = start - step
        self.step = step

    def __call__(self) -> datetime:
        self.moment += self.step
        return self.moment
