"""The deployment's metrics: one GetMetricData request per interval for every signal.

Each collection asks for the last 3 hours at 1-minute resolution, every signal in one request
(a GetMetricData takes up to 500 queries and returns up to 100,800 datapoints: 12 signals x 181
minutes fit in one page; a NextToken, should CloudWatch send one, is followed). The result is a
`MetricsSnapshot` with the points CloudWatch returned and nothing invented: a minute without a
datapoint is absent. The probe's last result is what every view reads (dashboard, Metrics &
Changes screen, `status --json`): nothing else asks CloudWatch for these series.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from probes.context import AwsContext
from probes.deployment import Deployment
from probes.metric_series import MetricPoint, MetricSeries, MetricsSnapshot
from probes.metric_signals import Signal, SignalPlan, apply_overrides, default_signals
from probes.result import Probe

WINDOW = timedelta(hours=3)
PERIOD_S = 60


def _utcnow() -> datetime:
    return datetime.now(UTC)


def window_end(now: datetime) -> datetime:
    """The end of the window: the start of the minute after `now` (the minute in progress is
    included, as CloudWatch's console shows it)."""
    return now.replace(second=0, microsecond=0) + timedelta(seconds=PERIOD_S)


def parse_results(signals: tuple[Signal, ...], results: list[dict[str, Any]]) -> dict[
        str, list[MetricPoint]]:
    """MetricDataResults -> points by signal id (a result may come in several pages)."""
    known = {s.id for s in signals}
    points: dict[str, list[MetricPoint]] = {s.id: [] for s in signals}
    for result in results:
        signal_id = result.get("Id")
        if signal_id not in known:
            continue
        for at, value in zip(result.get("Timestamps") or [], result.get("Values") or [],
                             strict=False):
            if value is None:
                continue
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            points[signal_id].append(MetricPoint(at.astimezone(UTC), float(value)))
    return points


class MetricsProbe(Probe[MetricsSnapshot]):
    """Every signal of the deployment over the last 3 hours, one GetMetricData a collection."""

    name = "metrics"
    interval_s = 60.0

    def __init__(self, ctx: AwsContext, plan: SignalPlan, *, interval_s: float | None = None,
                 clock: Callable[[], datetime] = _utcnow, window: timedelta = WINDOW):
        super().__init__(ctx, interval_s=interval_s)
        self.plan = plan
        self.clock = clock
        self.window = window
        self.overrides: Mapping[str, Any] | None = None

    @classmethod
    def for_deployment(cls, ctx: AwsContext, deployment: Deployment,
                       overrides: Mapping[str, Any] | None = None,
                       **kwargs: Any) -> MetricsProbe:
        probe = cls(ctx, apply_overrides(default_signals(deployment), overrides), **kwargs)
        probe.overrides = overrides
        return probe

    def retarget(self, deployment: Deployment) -> bool:
        """Ask for `deployment`'s dimensions from now on (rediscovery found new names);
        True when the signals changed."""
        plan = apply_overrides(default_signals(deployment), self.overrides)
        changed = plan != self.plan
        self.plan = plan
        return changed

    async def collect(self) -> MetricsSnapshot:
        end = window_end(self.clock())
        return await self.collect_window(end - self.window, end)

    async def collect_window(self, start: datetime, end: datetime,
                             period_s: int = PERIOD_S) -> MetricsSnapshot:
        """Every signal between `start` and `end` at `period_s`, in one GetMetricData. The
        poll asks for the last 3 h at 1 minute; the screen, zoomed out past 3 h, for a wider
        window at 5 minutes (a 70-column chart cannot show 1,440 minutes anyway)."""
        signals = self.plan.signals
        results: list[dict[str, Any]] = []
        if signals:
            cw = await self.ctx.client("cloudwatch")
            request: dict[str, Any] = {
                "MetricDataQueries": [s.query(period_s) for s in signals],
                "StartTime": start, "EndTime": end, "ScanBy": "TimestampAscending"}
            while True:
                response = await cw.get_metric_data(**request)
                results += response.get("MetricDataResults", [])
                token = response.get("NextToken")
                if not token:
                    break
                request["NextToken"] = token
        points = parse_results(signals, results)
        series = tuple(
            MetricSeries(s.id, s.label, s.unit, tuple(sorted(points[s.id], key=lambda p: p.at)))
            for s in signals)
        return MetricsSnapshot(start, end, period_s, series, self.plan.notes)
