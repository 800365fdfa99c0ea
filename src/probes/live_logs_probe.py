"""The dashboard's log probe with Live Tail: `LogsProbe` (its pacing and polling untouched)
whose follower switches to StartLiveTail where the account allows it, and whose batches say
how they were read (`reading`: ``live tail`` or ``polling every 2s (live tail: <AWS's
reason>)``), so the Logs pane can say it truthfully."""

from __future__ import annotations

from collections.abc import Sequence
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

    async def collect(self) -> LiveLogBatch:
        batch = await super().collect()
        values = {f.name: getattr(batch, f.name) for f in fields(batch)}
        values["reading"] = self.follower.mode_text(self.interval_s)
        return LiveLogBatch(**values)


__all__ = ["LiveLogBatch", "LiveLogsProbe"]
