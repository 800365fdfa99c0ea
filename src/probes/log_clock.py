"""AWS's "now", as the tail engine must judge it: from AWS's answers, not the local clock.

The engine seals timestamps once they are `overlap` old. Judged by a local clock that runs fast
(40 s is common on a laptop back from sleep), it sealed events that CloudWatch had not even
ingested yet, and they were lost without a word. Every FilterLogEvents answer carries two
readings of CloudWatch's own clock:

* the HTTP ``Date`` header (whole seconds, taken when the answer was made), and
* each event's ``ingestionTime`` (when CloudWatch stored it: always before now).

Both are *lower* bounds of AWS's time when the answer arrives (an old event's a weak one), so
the estimate `now()` (the local clock plus the largest offset read in the last two minutes)
errs only towards the past, by about a second once a Date header was seen: the engine then
seals a little later, never too early. A Date reading also drops readings it contradicts (the
local clock was stepped). Until an answer has been seen the local clock
is all there is (`calibrated` is False) and the engine does not seal.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

READING_TTL_MS = 120_000  # a reading counts this long (local time): a stepped clock ages out
DATE_SLACK_MS = 1_500  # Date is whole seconds: a truer reading may exceed it by about this


def response_date_ms(response: Mapping[str, Any]) -> int | None:
    """The ``Date`` header of a botocore response, in ms (None when absent or unreadable)."""
    headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
    raw = headers.get("date") or headers.get("Date")
    if not raw:
        return None
    try:
        return int(parsedate_to_datetime(raw).timestamp() * 1000)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class AwsClock:
    """The local clock corrected by what AWS's answers say its time is."""

    def __init__(self, local: Callable[[], int]) -> None:
        self._local = local
        self._readings: deque[tuple[int, int]] = deque()  # (local time, AWS - local)

    @property
    def calibrated(self) -> bool:
        return bool(self._readings)

    @property
    def offset_ms(self) -> int:
        """AWS's time minus the local clock (0 until calibrated)."""
        return max(offset for _, offset in self._readings) if self._readings else 0

    def now(self) -> int:
        return self._local() + self.offset_ms

    def observe(self, response: Mapping[str, Any], events: Iterable[Mapping[str, Any]] = ()
                ) -> None:
        """Take AWS's time from one answer (just received)."""
        local = self._local()
        readings = self._readings
        while readings and (readings[0][0] < local - READING_TTL_MS or readings[0][0] > local):
            readings.popleft()
        date = response_date_ms(response)
        newest = max((e["ingestionTime"] for e in events if "ingestionTime" in e), default=None)
        if date is not None:
            date_offset = date - local
            kept = [r for r in readings if r[1] <= date_offset + DATE_SLACK_MS]
            if len(kept) != len(readings):
                readings.clear()
                readings.extend(kept)
            readings.append((local, date_offset))
        if newest is not None:
            readings.append((local, newest - local))
