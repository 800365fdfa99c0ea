"""Which CloudWatch metrics make up the deployment's signals, and with which dimensions.

The twelve default signals (issue 13): ECS CPU and memory (average and maximum) and the running
task count for the service; the ALB's request count, target and ELB 5xx counts and target
response time p50/p95; the target group's healthy and unhealthy host counts. Their dimension
values come from discovery: the cluster and service names, and the ARN suffixes CloudWatch uses
for the load balancer (``app/name/id``) and the target group (``targetgroup/name/id``).

A config's ``[env.NAME.metrics]`` table overrides any of them (``alb_5xx = { metric =
"HTTPCode_ELB_5XX_Count", stat = "Sum" }``), drops one (``ecs_running_tasks = false``) or adds
one (a new id with namespace, metric and stat). `check_overrides` says what is wrong with a
table, one line per mistake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from probes.deployment import Deployment

_ID = re.compile(r"^[a-z][a-zA-Z0-9_]{0,254}$")  # a MetricDataQuery Id
_STAT = re.compile(r"^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d+)?|p100)$")
OVERRIDE_KEYS = ("namespace", "metric", "stat", "dimensions", "label", "unit")
DEFAULT_IDS = ("ecs_cpu_avg", "ecs_cpu_max", "ecs_mem_avg", "ecs_mem_max", "ecs_running_tasks",
               "alb_requests", "alb_target_5xx", "alb_elb_5xx", "alb_latency_p50",
               "alb_latency_p95", "tg_healthy", "tg_unhealthy")


@dataclass(frozen=True)
class Signal:
    """One line of a chart: a metric, a statistic and its dimensions."""

    id: str  # also the MetricDataQuery Id and the key in config and JSON
    label: str
    unit: str
    namespace: str
    metric: str
    stat: str
    dimensions: tuple[tuple[str, str], ...]

    def query(self, period_s: int) -> dict[str, Any]:
        return {"Id": self.id, "Label": self.label, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": self.namespace, "MetricName": self.metric,
                       "Dimensions": [{"Name": k, "Value": v} for k, v in self.dimensions]},
            "Period": period_s, "Stat": self.stat}}


@dataclass(frozen=True)
class SignalPlan:
    """The signals to ask for, and why any default one is missing."""

    signals: tuple[Signal, ...]
    notes: tuple[str, ...] = ()


def load_balancer_dimension(arn: str) -> str:
    """``arn:...:loadbalancer/app/name/id`` -> ``app/name/id`` (CloudWatch's LoadBalancer)."""
    return arn.split(":loadbalancer/", 1)[1] if ":loadbalancer/" in arn else arn


def target_group_dimension(arn: str) -> str:
    """``arn:...:targetgroup/name/id`` -> ``targetgroup/name/id`` (CloudWatch's TargetGroup)."""
    return arn.split(":", 5)[5] if arn.startswith("arn:") and arn.count(":") >= 5 else arn


def default_signals(deployment: Deployment) -> SignalPlan:
    """The issue's twelve signals, with the dimensions discovery found."""
    service = (("ClusterName", deployment.cluster), ("ServiceName", deployment.service))
    ecs, alb = "AWS/ECS", "AWS/ApplicationELB"
    signals = [
        Signal("ecs_cpu_avg", "CPU avg", "%", ecs, "CPUUtilization", "Average", service),
        Signal("ecs_cpu_max", "CPU max", "%", ecs, "CPUUtilization", "Maximum", service),
        Signal("ecs_mem_avg", "Memory avg", "%", ecs, "MemoryUtilization", "Average", service),
        Signal("ecs_mem_max", "Memory max", "%", ecs, "MemoryUtilization", "Maximum", service),
        Signal("ecs_running_tasks", "Running tasks", "tasks", "ECS/ContainerInsights",
               "RunningTaskCount", "Average", service),
    ]
    notes: list[str] = []
    if deployment.load_balancer_arns:
        lb = (("LoadBalancer", load_balancer_dimension(deployment.load_balancer_arns[0])),)
        signals += [
            Signal("alb_requests", "Requests", "count", alb, "RequestCount", "Sum", lb),
            Signal("alb_target_5xx", "Target 5xx", "count", alb, "HTTPCode_Target_5XX_Count",
                   "Sum", lb),
            Signal("alb_elb_5xx", "ELB 5xx", "count", alb, "HTTPCode_ELB_5XX_Count", "Sum", lb),
            Signal("alb_latency_p50", "Latency p50", "s", alb, "TargetResponseTime", "p50", lb),
            Signal("alb_latency_p95", "Latency p95", "s", alb, "TargetResponseTime", "p95", lb),
        ]
        if deployment.target_group_arns:
            tg = (("TargetGroup", target_group_dimension(deployment.target_group_arns[0])), *lb)
            signals += [
                Signal("tg_healthy", "Healthy hosts", "hosts", alb, "HealthyHostCount",
                       "Minimum", tg),
                Signal("tg_unhealthy", "Unhealthy hosts", "hosts", alb, "UnHealthyHostCount",
                       "Maximum", tg),
            ]
        else:
            notes.append("no target group discovered: host counts not charted")
    else:
        notes.append("no load balancer discovered: ALB signals not charted "
                     "(set them in the config's [env.NAME.metrics])")
    return SignalPlan(tuple(signals), tuple(notes))


def check_overrides(table: Mapping[str, Any]) -> list[str]:
    """Every mistake in a ``metrics`` table, one line each, keyed as in the file."""
    problems: list[str] = []
    for signal_id, value in table.items():
        where = f"metrics.{signal_id}"
        if not _ID.match(str(signal_id)):
            problems.append(f"{where}: a signal id starts with a lowercase letter and has "
                            "only letters, digits and _ (e.g. alb_5xx)")
        elif value is False:
            continue
        elif not isinstance(value, dict):
            problems.append(f"{where} should be false (drop it) or a table like "
                            "{ metric = \"CPUUtilization\", stat = \"Maximum\" }")
        else:
            unknown = sorted(set(value) - set(OVERRIDE_KEYS))
            if unknown:
                problems.append(f"{where}: unknown key {unknown[0]!r} (known keys: "
                                f"{', '.join(OVERRIDE_KEYS)})")
            missing = [k for k in ("namespace", "metric", "stat") if k not in value]
            if signal_id not in DEFAULT_IDS and missing:
                problems.append(f"{where}: a new signal needs namespace, metric and stat "
                                f"(missing: {', '.join(missing)}); known signals: "
                                f"{', '.join(DEFAULT_IDS)}")
            for key in ("namespace", "metric", "stat", "label", "unit"):
                if key in value and not (isinstance(value[key], str) and value[key]):
                    problems.append(f"{where}.{key} should be a non-empty string")
            stat = value.get("stat")
            if isinstance(stat, str) and stat and not _STAT.match(stat):
                problems.append(f"{where}.stat should be Average, Sum, Minimum, Maximum, "
                                f"SampleCount or a percentile like p95, not {stat!r}")
            dims = value.get("dimensions")
            if dims is not None and not (isinstance(dims, dict) and all(
                    isinstance(v, str) for v in dims.values())):
                problems.append(f"{where}.dimensions should be a table of name = \"value\"")
    return problems


def apply_overrides(plan: SignalPlan, table: Mapping[str, Any] | None) -> SignalPlan:
    """The plan with the config's overrides applied (the table is checked already)."""
    if not table:
        return plan
    signals = {s.id: s for s in plan.signals}
    for signal_id, value in table.items():
        if value is False:
            signals.pop(signal_id, None)
            continue
        dims = value.get("dimensions")
        fields: dict[str, Any] = {k: value[k] for k in ("namespace", "metric", "stat", "label",
                                                       "unit") if k in value}
        if dims is not None:
            fields["dimensions"] = tuple((str(k), str(v)) for k, v in dims.items())
        if signal_id in signals:
            signals[signal_id] = replace(signals[signal_id], **fields)
        elif {"namespace", "metric", "stat"} <= set(fields):
            signals[signal_id] = Signal(
                signal_id, fields.get("label", signal_id), fields.get("unit", ""),
                fields["namespace"], fields["metric"], fields["stat"],
                fields.get("dimensions", ()))
    return replace(plan, signals=tuple(signals.values()))
