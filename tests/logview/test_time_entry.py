"""Time entry: every field that takes a time (the log view's `t`, `tail --since`, `status
--since`) reads the forms the screen shows, in UTC, against a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.errors import UsageError
from console.timeparse import parse_since

NOW = datetime(2026, 11, 28, 20, 30, 15, tzinfo=UTC).timestamp()


def at(text: str) -> datetime:
    return datetime.fromtimestamp(parse_since(text, now_s=NOW) / 1000, UTC)


@pytest.mark.parametrize(("typed", "meant"), [
    ("19:45", datetime(2026, 11, 28, 19, 45, tzinfo=UTC)),
    ("19:45:30", datetime(2026, 11, 28, 19, 45, 30, tzinfo=UTC)),
    ("20:19:45.569", datetime(2026, 11, 28, 20, 19, 45, 569000, tzinfo=UTC)),
    ("20:31", datetime(2026, 11, 28, 20, 31, tzinfo=UTC)),  # within a minute: today
    ("21:00", datetime(2026, 11, 27, 21, 0, tzinfo=UTC)),  # not yet today: yesterday's
    ("2026-11-28 19:45", datetime(2026, 11, 28, 19, 45, tzinfo=UTC)),
    ("2026-11-27 23:59:59", datetime(2026, 11, 27, 23, 59, 59, tzinfo=UTC)),
    ("2026-11-28 19:45 UTC", datetime(2026, 11, 28, 19, 45, tzinfo=UTC)),
    ("2026-11-28T19:45:00Z", datetime(2026, 11, 28, 19, 45, tzinfo=UTC)),
    ("2026-11-28T20:45:00+01:00", datetime(2026, 11, 28, 19, 45, tzinfo=UTC)),
    ("20m", datetime(2026, 11, 28, 20, 10, 15, tzinfo=UTC)),
    ("20m ago", datetime(2026, 11, 28, 20, 10, 15, tzinfo=UTC)),
    ("1h", datetime(2026, 11, 28, 19, 30, 15, tzinfo=UTC)),
    ("2d", datetime(2026, 11, 26, 20, 30, 15, tzinfo=UTC)),
])
def test_the_forms_the_screen_shows(typed, meant):
    assert at(typed) == meant


@pytest.mark.parametrize("typed", ["25:00", "19:61", "banana", "", "19:45x", "\x1b[2J"])
def test_what_cannot_be_read_says_which_forms_can_in_one_line(typed):
    with pytest.raises(UsageError) as caught:
        parse_since(typed, now_s=NOW)
    said = str(caught.value)
    assert "\n" not in said and "\x1b" not in said
    assert "19:45, 2026-11-28 19:45, 20m" in said
