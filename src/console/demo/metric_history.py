"""Three hours of CloudWatch metrics for a demo scenario: a healthy baseline, then the
scenario's signature from its incident time.

The signature follows what the scenario already says elsewhere: the levels it ends at
(`MetricLevels`), when its change began (`ramp_minutes` ago: the incident time), and when each
of its alarms began firing. A step signal (5xx counts, host counts, running tasks) jumps at the
moment its alarm's evaluation window began; a gradual one (CPU, memory, latency) climbs from
the incident time. So in p0-outage the ELB 5xx rise a little while old tasks die, then jump
when the last healthy host goes (right after the forced deployment); memory climbs to ~100 %;
in p1-degraded latency p95 and CPU climb.

Datapoints are written as CloudWatch receives them: one value per task per minute for ECS
utilisation (so Average and Maximum differ), several response times per minute (so p50 and p95
are percentiles of real samples), one count per minute for the rest.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from console.demo import names as n
from console.demo.telemetry import ALARMS_BY_NAME, HEALTHY_LEVELS, MetricLevels

HISTORY_MINUTES = 180
LATENCY_SAMPLES = 8  # response times written per minute
_LATENCY_SIGMA = 0.45  # spread of the log-normal response times (p95 ~ 1.9x the mean)
# level name -> the alarm whose start times its change
_ALARM_OF = {"cpu": n.ALARM_CPU, "memory": n.ALARM_MEMORY,
             "response_time_s": n.ALARM_RESPONSE_TIME, "elb_5xx_per_min": n.ALARM_5XX,
             "unhealthy_hosts": n.ALARM_UNHEALTHY_HOSTS}
_GRADUAL = ("cpu", "memory", "response_time_s", "requests_per_min", "uploads_per_min",
            "analysis_ms")


def onset_minutes(name: str, levels: MetricLevels, firing: Mapping[str, timedelta]) -> float:
    """Minutes ago the level `name` starts to change: where its alarm's evaluation window
    began if that alarm fires, else the incident time."""
    alarm = ALARMS_BY_NAME.get(_ALARM_OF.get(name, ""))
    if alarm is not None and alarm.name in firing:
        window = alarm.period_s * alarm.evaluation_periods / 60
        return firing[alarm.name].total_seconds() / 60 + window
    return float(levels.ramp_minutes)


def _shape(name: str, start: float, end: float, minutes_ago: float, onset: float,
           incident: float) -> float:
    """The level of `name` at `minutes_ago`, from `start` (healthy) to `end` (now)."""
    if start == end:
        return end
    if name not in _GRADUAL:  # a step where its alarm's window began (or never: level now)
        return end if minutes_ago < onset or onset <= 0 else start
    if not incident:
        return end
    begin = max(onset, incident) if name in _ALARM_OF else incident
    if minutes_ago >= begin:
        return start
    progress = (begin - minutes_ago) / max(begin, 1.0)
    return start + (end - start) * (1 - math.exp(-4.0 * progress)) / (1 - math.exp(-4.0))


def _climb(start: float, end: float, threshold: float, minutes_ago: float, onset: float,
           incident: float) -> float:
    """A gradual level whose alarm fired: it climbs from the incident time (at least ten
    minutes before the alarm's evaluation window) to well past the threshold by the time that
    window begins, then on to `end`; so the datapoints the alarm evaluated cross its
    threshold, as its reason says."""
    cross = threshold + 0.75 * (end - threshold) if end > threshold else end
    begin = max(incident, onset + 10)
    if minutes_ago >= begin:
        return start
    if minutes_ago >= onset:
        progress = (begin - minutes_ago) / (begin - onset)
        return start + (cross - start) * math.sin(progress * math.pi / 2)
    return cross + (end - cross) * (onset - minutes_ago) / max(onset, 1.0)


def levels_by_minute(levels: MetricLevels, firing: Mapping[str, timedelta] | None = None,
                     ) -> dict[str, list[float]]:
    """The underlying level of every metric, one value a minute, oldest first."""
    firing = firing or {}
    base = HEALTHY_LEVELS
    incident = float(levels.ramp_minutes)
    hosts_onset = onset_minutes("unhealthy_hosts", levels, firing)
    out: dict[str, list[float]] = {}
    for name in ("cpu", "memory", "response_time_s", "requests_per_min", "elb_5xx_per_min",
                 "target_5xx_per_min", "uploads_per_min", "analysis_ms", "healthy_hosts",
                 "unhealthy_hosts", "running_tasks"):
        start, end = float(getattr(base, name)), float(getattr(levels, name))
        onset = hosts_onset if name in ("healthy_hosts", "running_tasks",
                                        "target_5xx_per_min") else onset_minutes(
            name, levels, firing)
        alarm = ALARMS_BY_NAME.get(_ALARM_OF.get(name, ""))
        firing_alarm = alarm if alarm is not None and alarm.name in firing else None
        values = []
        for minute in range(HISTORY_MINUTES):
            ago = HISTORY_MINUTES - 1 - minute
            if name in _GRADUAL and firing_alarm is not None:
                value = _climb(start, end, firing_alarm.threshold, ago, onset, incident)
            else:
                value = _shape(name, start, end, ago, onset, incident)
            if name == "elb_5xx_per_min" and hosts_onset < onset and ago < onset \
                    and ago >= hosts_onset:
                value = start + (end - start) * 0.08  # a trickle until the last host goes
            values.append(value)
        out[name] = values
    return out


def _noisy(level: float, minute: int, rng: random.Random, spread: float = 0.05) -> float:
    wobble = 1.0 + 0.05 * math.sin(minute / 9.0) + rng.uniform(-spread, spread)
    return max(0.0, level * wobble)


def metric_data(levels_per_minute: dict[str, list[float]], now: datetime, load_balancer: str,
                target_group: str, rng: random.Random) -> tuple[
                    dict[str, list[dict[str, Any]]], dict[str, list[float]]]:
    """PutMetricData batches by namespace (the datapoints CloudWatch would have received),
    and per minute the Average/Sum of what was written for the alarms' reasons to quote."""
    first = now.replace(second=0, microsecond=0) - timedelta(minutes=HISTORY_MINUTES - 1)
    service = [{"Name": "ClusterName", "Value": n.CLUSTER},
               {"Name": "ServiceName", "Value": n.SERVICE}]
    alb = [{"Name": "LoadBalancer", "Value": load_balancer}]
    tg = [{"Name": "TargetGroup", "Value": target_group}, *alb]
    app = [{"Name": "Environment", "Value": "production"}]
    batches: dict[str, list[dict[str, Any]]] = {}
    written: dict[str, list[float]] = {}

    def put(namespace: str, metric: str, dims: list[dict[str, str]], unit: str,
            at: datetime, value: float) -> None:
        batches.setdefault(namespace, []).append({
            "MetricName": metric, "Dimensions": dims, "Unit": unit, "Timestamp": at,
            "Value": round(value, 4)})

    def note(key: str, values: list[float]) -> None:
        written.setdefault(key, []).append(round(sum(values) / len(values), 4))

    for minute in range(HISTORY_MINUTES):
        at = first + timedelta(minutes=minute)
        level = {k: v[minute] for k, v in levels_per_minute.items()}
        for metric, key in (("CPUUtilization", "cpu"), ("MemoryUtilization", "memory")):
            mean, skew = _noisy(level[key], minute, rng), rng.uniform(0.02, 0.09)
            # one datapoint per task: Average and Maximum differ
            tasks = [round(min(99.9, mean * (1 + sign * skew)), 4) for sign in (1, -1)]
            for value in tasks:
                put("AWS/ECS", metric, service, "Percent", at, value)
            note(key, tasks)
        running = level["running_tasks"]
        put("ECS/ContainerInsights", "RunningTaskCount", service, "Count", at,
            running if running >= 2 else max(0.0, round(running + rng.uniform(-0.6, 0.6))))
        samples = [round(level["response_time_s"] * math.exp(
            rng.gauss(0, _LATENCY_SIGMA) - _LATENCY_SIGMA ** 2 / 2), 4)
            for _ in range(LATENCY_SAMPLES)]
        for sample in samples:
            put("AWS/ApplicationELB", "TargetResponseTime", alb, "Seconds", at, sample)
        note("response_time_s", samples)
        for metric, key in (("RequestCount", "requests_per_min"),
                            ("HTTPCode_ELB_5XX_Count", "elb_5xx_per_min"),
                            ("HTTPCode_Target_5XX_Count", "target_5xx_per_min")):
            count = round(_noisy(level[key], minute, rng, 0.15))
            put("AWS/ApplicationELB", metric, alb, "Count", at, count)
            note(key, [count])
        put("AWS/ApplicationELB", "HealthyHostCount", tg, "Count", at, level["healthy_hosts"])
        put("AWS/ApplicationELB", "UnHealthyHostCount", tg, "Count", at,
            level["unhealthy_hosts"])
        put(n.METRICS_NAMESPACE, "DrawingsUploaded", app, "Count", at,
            _noisy(level["uploads_per_min"], minute, rng))
        put(n.METRICS_NAMESPACE, "AnalysisDuration", app, "Milliseconds", at,
            _noisy(level["analysis_ms"], minute, rng))
    return batches, written
