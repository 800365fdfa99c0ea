"""The service's CloudWatch metrics of the last minutes: CPU, memory and response time.

One GetMetricData call (up to 500 metrics a call, 500 calls/s: the cheapest way to read
several series) is shared by the performance and memory diagnostics. Thresholds come from the
deployment's own alarms when there are some, so the diagnostics agree with what pages people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean

from probes.alarms import AlarmsSnapshot
from probes.diagnostics.inputs import DiagnosticInputs

WINDOW = timedelta(minutes=15)
PERIOD_S = 60
DEFAULT_THRESHOLDS = {"CPUUtilization": 80.0, "MemoryUtilization": 85.0,
                      "TargetResponseTime": 1.0}


@dataclass(frozen=True)
class Series:
    """One statistic of one metric, oldest point first."""

    metric: str
    stat: str
    points: tuple[tuple[datetime, float], ...] = ()

    @property
    def mean(self) -> float | None:
        return fmean(v for _, v in self.points) if self.points else None

    @property
    def peak(self) -> float | None:
        return max(v for _, v in self.points) if self.points else None

    @property
    def latest(self) -> float | None:
        return self.points[-1][1] if self.points else None

    def describe(self, unit: str = "", digits: int = 1) -> str:
        """``mean 91.2%, peak 97.0%, latest 95.1% (15 points)``, or ``no data``."""
        if not self.points:
            return "no data"
        fmt = f"{{:.{digits}f}}{unit}"
        return (f"mean {fmt.format(self.mean)}, peak {fmt.format(self.peak)}, latest "
                f"{fmt.format(self.latest)} ({len(self.points)} points)")


@dataclass(frozen=True)
class ServiceMetrics:
    cpu: Series
    memory: Series
    memory_peak: Series
    response_time: Series
    window: timedelta = WINDOW


def load_balancer_dimension(arn: str) -> str | None:
    """``arn:...:loadbalancer/app/name/id`` -> ``app/name/id`` (CloudWatch's dimension)."""
    return arn.split(":loadbalancer/", 1)[1] if ":loadbalancer/" in arn else None


def thresholds(alarms: AlarmsSnapshot | None) -> dict[str, float]:
    """Per metric, the lowest threshold of the deployment's alarms on it, else a default."""
    found = dict(DEFAULT_THRESHOLDS)
    seen: set[str] = set()
    for alarm in alarms.alarms if alarms is not None else ():
        if alarm.metric in found and alarm.threshold is not None:
            value = float(alarm.threshold)
            found[alarm.metric] = value if alarm.metric not in seen else min(
                value, found[alarm.metric])
            seen.add(alarm.metric)
    return found


def _query(query_id: str, namespace: str, metric: str, dimensions: list[dict[str, str]],
           stat: str) -> dict:
    return {"Id": query_id, "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": namespace, "MetricName": metric, "Dimensions": dimensions},
        "Period": PERIOD_S, "Stat": stat}}


async def service_metrics(inputs: DiagnosticInputs) -> ServiceMetrics:
    """The last `WINDOW` of the service's CPU, memory and the ALB's response time."""

    async def fetch() -> ServiceMetrics:
        d = inputs.deployment
        service_dims = [{"Name": "ClusterName", "Value": d.cluster},
                        {"Name": "ServiceName", "Value": d.service}]
        queries = [
            _query("cpu", "AWS/ECS", "CPUUtilization", service_dims, "Average"),
            _query("memory", "AWS/ECS", "MemoryUtilization", service_dims, "Average"),
            _query("memory_peak", "AWS/ECS", "MemoryUtilization", service_dims, "Maximum"),
        ]
        lb = next((load_balancer_dimension(a) for a in d.load_balancer_arns
                   if load_balancer_dimension(a)), None)
        if lb:
            queries.append(_query("response_time", "AWS/ApplicationELB", "TargetResponseTime",
                                  [{"Name": "LoadBalancer", "Value": lb}], "Average"))
        cloudwatch = await inputs.ctx.client("cloudwatch")
        points: dict[str, list[tuple[datetime, float]]] = {q["Id"]: [] for q in queries}
        request = {"MetricDataQueries": queries, "StartTime": inputs.now - WINDOW,
                   "EndTime": inputs.now, "ScanBy": "TimestampAscending"}
        while True:
            page = await cloudwatch.get_metric_data(**request)
            for result in page.get("MetricDataResults", []):
                points.setdefault(result["Id"], []).extend(
                    zip(result.get("Timestamps", []), result.get("Values", []), strict=False))
            token = page.get("NextToken")
            if not token:
                break
            request["NextToken"] = token

        def series(key: str, metric: str, stat: str) -> Series:
            return Series(metric, stat, tuple(sorted(points.get(key, []))))

        return ServiceMetrics(
            cpu=series("cpu", "CPUUtilization", "Average"),
            memory=series("memory", "MemoryUtilization", "Average"),
            memory_peak=series("memory_peak", "MemoryUtilization", "Maximum"),
            response_time=series("response_time", "TargetResponseTime", "Average"))

    return await inputs.shared("service-metrics", fetch)
