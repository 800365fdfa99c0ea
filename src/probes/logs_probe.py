"""The dashboard's log probe: a `probes.logs.LogFollower` polled on the probe's interval, each
poll's new events handed to the Logs pane as a `LogBatch`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from probes.context import AwsContext
from probes.log_event import LogEvent
from probes.logs import LogFollower, now_ms
from probes.result import Probe, ProbeResult


@dataclass(frozen=True)
class LogBatch:
    """What one poll of the log probe brought: new events only."""

    groups: tuple[str, ...]
    events: tuple[LogEvent, ...]
    loss_risk: str = ""  # why an event may be missed (LogFollower.loss_risk), else empty


class LogsProbe(Probe[LogBatch]):
    """The dashboard's view of the service's logs: a `LogFollower` polled on an interval."""

    name = "logs"
    interval_s = 2.0

    def __init__(self, ctx: AwsContext, groups: Sequence[str], *, since_ms: int | None = None,
                 interval_s: float | None = None, **follower_options):
        super().__init__(ctx, interval_s=interval_s)
        start = since_ms if since_ms is not None else now_ms() - 5 * 60_000
        self.follower = LogFollower(ctx, groups, start_ms=start, **follower_options)

    async def collect(self) -> LogBatch:
        events = await self.follower.poll()
        return LogBatch(tuple(self.follower.groups), tuple(events), self.follower.loss_risk)

    def next_interval(self, result: ProbeResult[LogBatch]) -> float:
        """Catching up (a long --since, a burst): come back at once, not in `interval_s`."""
        return 0.05 if result.ok and self.follower.behind else self.interval_s
