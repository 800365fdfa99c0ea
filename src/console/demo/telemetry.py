"""CloudWatch for the demo: the deployment's alarms, metric data, and alarm states whose
reasons quote the datapoints the metric data holds, as CloudWatch's own reasons do.

moto never evaluates alarms, so a scenario decides which fire; this module makes that decision
look like CloudWatch's (reason text, reason data, the time the state began).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from console.demo import names as n

SERIES_MINUTES = 60  # metric history written per scenario, one datapoint a minute


@dataclass(frozen=True)
class AlarmDefinition:
    logical_id: str
    name: str
    namespace: str
    metric: str
    statistic: str  # Average, Sum, Maximum
    comparison: str
    threshold: float
    period_s: int
    evaluation_periods: int
    dimensions: str  # "service", "load_balancer" or "target_group"
    description: str
    unit: str | None = None

    def put_request(self, topic_arn: str, load_balancer: str, target_group: str) -> dict[str, Any]:
        """PutMetricAlarm's parameters; `load_balancer`/`target_group` are the dimension values
        (``app/name/id``, ``targetgroup/name/id``)."""
        dims = {
            "service": [{"Name": "ClusterName", "Value": n.CLUSTER},
                        {"Name": "ServiceName", "Value": n.SERVICE}],
            "load_balancer": [{"Name": "LoadBalancer", "Value": load_balancer}],
            "target_group": [{"Name": "TargetGroup", "Value": target_group},
                             {"Name": "LoadBalancer", "Value": load_balancer}],
        }[self.dimensions]
        request: dict[str, Any] = {
            "AlarmName": self.name, "AlarmDescription": self.description,
            "ActionsEnabled": True, "AlarmActions": [topic_arn], "OKActions": [topic_arn],
            "Namespace": self.namespace, "MetricName": self.metric, "Statistic": self.statistic,
            "Dimensions": dims, "Period": self.period_s,
            "EvaluationPeriods": self.evaluation_periods,
            "DatapointsToAlarm": self.evaluation_periods, "Threshold": self.threshold,
            "ComparisonOperator": self.comparison, "TreatMissingData": "notBreaching",
        }
        if self.unit:
            request["Unit"] = self.unit
        return request


ALARMS: tuple[AlarmDefinition, ...] = (
    AlarmDefinition("EcsCpuHighAlarm", n.ALARM_CPU, "AWS/ECS", "CPUUtilization", "Average",
                    "GreaterThanThreshold", 80.0, 300, 2, "service",
                    "ECS service CPU above 80% for 10 minutes"),
    AlarmDefinition("EcsMemoryHighAlarm", n.ALARM_MEMORY, "AWS/ECS", "MemoryUtilization",
                    "Average", "GreaterThanThreshold", 85.0, 300, 2, "service",
                    "ECS service memory above 85% for 10 minutes"),
    AlarmDefinition("Alb5xxHighAlarm", n.ALARM_5XX, "AWS/ApplicationELB",
                    "HTTPCode_ELB_5XX_Count", "Sum", "GreaterThanThreshold", 10.0, 300, 1,
                    "load_balancer", "ALB answered more than 10 5xx responses in 5 minutes"),
    AlarmDefinition("AlbResponseTimeHighAlarm", n.ALARM_RESPONSE_TIME, "AWS/ApplicationELB",
                    "TargetResponseTime", "Average", "GreaterThanThreshold", 2.0, 300, 2,
                    "load_balancer", "Average target response time above 2 s for 10 minutes",
                    unit="Seconds"),
    AlarmDefinition("UnhealthyHostsAlarm", n.ALARM_UNHEALTHY_HOSTS, "AWS/ApplicationELB",
                    "UnHealthyHostCount", "Maximum", "GreaterThanThreshold", 0.0, 60, 2,
                    "target_group", "At least one unhealthy target for 2 minutes"),
)
ALARMS_BY_NAME = {a.name: a for a in ALARMS}


@dataclass(frozen=True)
class MetricLevels:
    """Where each metric sits now; `ramp_minutes` is how long ago a change began, from the
    healthy levels to these (0: no change)."""

    cpu: float = 22.0
    memory: float = 41.0
    response_time_s: float = 0.18
    requests_per_min: float = 240.0
    elb_5xx_per_min: float = 0.0
    target_5xx_per_min: float = 0.1
    healthy_hosts: int = 2
    unhealthy_hosts: int = 0
    uploads_per_min: float = 3.0
    analysis_ms: float = 850.0
    ramp_minutes: int = 0
    running_tasks: float = 2.0  # ECS/ContainerInsights RunningTaskCount (metric_history)


HEALTHY_LEVELS = MetricLevels()


def series(levels: MetricLevels, rng: random.Random) -> dict[str, list[float]]:
    """One value a minute for the last `SERIES_MINUTES`, oldest first, per metric name."""
    base = HEALTHY_LEVELS
    out: dict[str, list[float]] = {}
    for name in ("cpu", "memory", "response_time_s", "requests_per_min", "elb_5xx_per_min",
                 "target_5xx_per_min", "uploads_per_min", "analysis_ms"):
        start, end = getattr(base, name), getattr(levels, name)
        values = []
        for minute in range(SERIES_MINUTES):
            minutes_ago = SERIES_MINUTES - 1 - minute
            if levels.ramp_minutes and minutes_ago < levels.ramp_minutes:
                weight = 1.0 - minutes_ago / levels.ramp_minutes
                level = start + (end - start) * min(1.0, weight * 1.6)
            else:
                level = start if levels.ramp_minutes else end
            wobble = 1.0 + 0.06 * math.sin(minute / 3.0) + rng.uniform(-0.05, 0.05)
            values.append(max(0.0, round(level * wobble, 3)))
        out[name] = values
    if levels.cpu > 100 or levels.memory > 100:
        raise ValueError("utilisation is a percentage")
    out["cpu"] = [min(v, 99.9) for v in out["cpu"]]
    out["memory"] = [min(v, 99.9) for v in out["memory"]]
    return out


def metric_data(values: dict[str, list[float]], levels: MetricLevels, now: datetime,
                load_balancer: str, target_group: str) -> dict[str, list[dict[str, Any]]]:
    """PutMetricData batches by namespace for `values` (from `series`)."""
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=SERIES_MINUTES - 1)
    service = [{"Name": "ClusterName", "Value": n.CLUSTER},
               {"Name": "ServiceName", "Value": n.SERVICE}]
    alb = [{"Name": "LoadBalancer", "Value": load_balancer}]
    tg = [{"Name": "TargetGroup", "Value": target_group}, *alb]
    plan: list[tuple[str, str, list[dict[str, str]], str, str]] = [
        ("AWS/ECS", "CPUUtilization", service, "cpu", "Percent"),
        ("AWS/ECS", "MemoryUtilization", service, "memory", "Percent"),
        ("AWS/ApplicationELB", "TargetResponseTime", alb, "response_time_s", "Seconds"),
        ("AWS/ApplicationELB", "RequestCount", alb, "requests_per_min", "Count"),
        ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", alb, "elb_5xx_per_min", "Count"),
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", alb, "target_5xx_per_min", "Count"),
        (n.METRICS_NAMESPACE, "DrawingsUploaded", [{"Name": "Environment",
                                                    "Value": "production"}],
         "uploads_per_min", "Count"),
        (n.METRICS_NAMESPACE, "AnalysisDuration", [{"Name": "Environment",
                                                    "Value": "production"}],
         "analysis_ms", "Milliseconds"),
    ]
    batches: dict[str, list[dict[str, Any]]] = {}
    for namespace, metric, dims, key, unit in plan:
        for minute, value in enumerate(values[key]):
            batches.setdefault(namespace, []).append({
                "MetricName": metric, "Dimensions": dims, "Unit": unit,
                "Timestamp": start + timedelta(minutes=minute), "Value": value})
    for name, value in (("HealthyHostCount", levels.healthy_hosts),
                        ("UnHealthyHostCount", levels.unhealthy_hosts)):
        batches["AWS/ApplicationELB"].extend(
            {"MetricName": name, "Dimensions": tg, "Unit": "Count",
             "Timestamp": start + timedelta(minutes=m), "Value": float(value)}
            for m in range(SERIES_MINUTES))
    return batches


_SERIES_OF_METRIC = {"CPUUtilization": "cpu", "MemoryUtilization": "memory",
                     "TargetResponseTime": "response_time_s",
                     "HTTPCode_ELB_5XX_Count": "elb_5xx_per_min"}


def evaluated_datapoints(alarm: AlarmDefinition, values_by_metric: dict[str, list[float]],
                         levels: MetricLevels, now: datetime, at: datetime | None = None,
                         ) -> list[tuple[datetime, float]]:
    """The alarm's last `evaluation_periods` datapoints before `at` (the moment it was
    evaluated, default `now`), newest first, from `values_by_metric` (one value a minute
    ending at `now`, as `series` writes them). A moment older than the series reads its
    oldest values (the healthy baseline) at that moment's times."""
    if alarm.metric == "UnHealthyHostCount":
        values = [float(levels.unhealthy_hosts)] * SERIES_MINUTES
    else:
        values = values_by_metric[_SERIES_OF_METRIC[alarm.metric]]
    per = alarm.period_s // 60
    end = (at or now).replace(second=0, microsecond=0)
    behind = int((now.replace(second=0, microsecond=0) - end).total_seconds() // 60)
    last = max(per * alarm.evaluation_periods, len(values) - max(0, behind))
    points = []
    for index in range(alarm.evaluation_periods):
        chunk = values[last - per * (index + 1): last - per * index]
        value = {"Sum": sum(chunk), "Maximum": max(chunk)}.get(alarm.statistic,
                                                                sum(chunk) / len(chunk))
        points.append((end - timedelta(minutes=per * (index + 1)), round(value, 4)))
    return points


def state_reason(alarm: AlarmDefinition, points: list[tuple[datetime, float]], firing: bool,
                 now: datetime) -> tuple[str, str]:
    """CloudWatch's StateReason and StateReasonData for a threshold alarm's transition."""
    listed = ", ".join(f"{v:g} ({t.strftime('%d/%m/%y %H:%M:%S')})" for t, v in points)
    count = len(points)
    relation = "greater than" if firing else "not greater than"
    transition = (f"minimum {count} datapoint{'s' if count > 1 else ''} for OK -> ALARM "
                  "transition" if firing else "minimum 1 datapoint for ALARM -> OK transition")
    reason = (f"Threshold Crossed: {count} out of the last {count} datapoints [{listed}] were "
              f"{relation} the threshold ({alarm.threshold:.1f}) ({transition}).")
    stamp = "%Y-%m-%dT%H:%M:%S.000+0000"
    data = {
        "version": "1.0", "queryDate": now.strftime(stamp),
        "startDate": points[-1][0].strftime(stamp), "statistic": alarm.statistic,
        "period": alarm.period_s, "recentDatapoints": [v for _, v in reversed(points)],
        "threshold": alarm.threshold,
        "evaluatedDatapoints": [{"timestamp": t.strftime(stamp), "sampleCount": 5.0,
                                 "value": v} for t, v in points],
    }
    return reason, json.dumps(data)
