"""The dashboard's log probe with Live Tail: `LogsProbe` (its pacing and polling untouched)
whose follower switches to StartLiveTail where the account allows it, and whose batches say
how they were read (`reading`: ``live tail`` or ``polling every 2s (live tail: <AWS's
reason>)``), so the Logs pane can say it truthfully. The interval said is the one kept:
the time since the previous poll (the scheduler stretches it to 8 s while nothing comes),
never less than the probe's own (a refresh that came sooner is not the pace)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from probes.context import AwsContext
from probes.live_tail import LiveTailFollower
from probes.logs import LogBatch, LogsProbe


@dataclass(frozen=True)
class LiveLogBatch(LogBatch):
    reading: str = ""  # how these events were read (LiveTailFollower.mode_text)


class LiveLogsProbe(LogsProbe):
    """`LogsProbe`, reading by Live Tail whenever it can (`live_tail=False`: never)."""

    def __init__(self, ctx: AwsContext, groups: Sequence[str], *, live_tail: bool = True,
                 **options: Any) -> None:
        super().__init__(ctx, groups, **options)
        self.follower = LiveTailFollower.around(self.follower, live=live_tail)
        self.clock: Callable[[], float] = time.monotonic
        self._polled_at: float | None = None

    async def collect(self) -> LiveLogBatch:
        pace = self._pace()
        batch = await super().collect()
        values = {f.name: getattr(batch, f.name) for f in fields(batch)}
        values["reading"] = self.follower.mode_text(pace)
        return LiveLogBatch(**values)

    def _pace(self) -> float:
        """The seconds since the previous poll, whole, when clearly longer than the probe's
        interval (the scheduler's quiet pacing); else the interval."""
        now, previous = self.clock(), self._polled_at
        self._polled_at = now
        since = 0.0 if previous is None else now - previous
        return round(since) if since >= self.interval_s + 0.5 else self.interval_s


__all__ = ["LiveLogBatch", "LiveLogsProbe"]
