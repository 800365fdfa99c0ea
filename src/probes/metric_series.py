"""Typed metric data shared by the metrics probe, the Metrics & Changes screen and the incident
record.

A `MetricSeries` is one signal (ECS CPU average, ALB 5xx count...) at a fixed period, oldest point
first, with the points CloudWatch returned and nothing invented: a minute with no datapoint is
absent, not zero. A `MetricsSnapshot` is one GetMetricData answer for every signal of a deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MetricPoint:
    at: datetime  # aware UTC, the start of the period
    value: float


@dataclass(frozen=True)
class MetricSeries:
    signal: str  # stable id used in config, JSON and tests: "ecs_cpu_avg", "alb_5xx"...
    label: str  # what a person reads: "ECS CPU avg"
    unit: str  # "%", "count", "s"...
    points: tuple[MetricPoint, ...] = ()

    @property
    def latest(self) -> MetricPoint | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class MetricsSnapshot:
    start: datetime
    end: datetime
    period_s: int
    series: tuple[MetricSeries, ...] = ()
    notes: tuple[str, ...] = ()  # why a default signal is not charted (nothing discovered)

    def get(self, signal: str) -> MetricSeries | None:
        return next((s for s in self.series if s.signal == signal), None)
