"""CloudWatch alarms of the deployment: state, reason, since when, metric and threshold.

Alarms are found by name (from the stack's resources) and by name prefix (``<stack>-``), since
alarms are often created outside the stack. ALARM first, then INSUFFICIENT_DATA, then OK; within
a state, the most recent change first.

DescribeAlarms returns metric alarms only unless AlarmTypes asks for composites too: both are
asked for. "Since" is StateTransitionedTimestamp (when the state last changed), not
StateUpdatedTimestamp (which moves whenever the reason or data is re-evaluated). A metric-math
alarm (`Metrics`, no MetricName) is read with GetMetricData, a composite has no datapoints.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime

from probes.context import AwsContext
from probes.result import Probe

STATE_ORDER = {"ALARM": 0, "INSUFFICIENT_DATA": 1, "OK": 2}
_OPERATORS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside",
    "LessThanLowerThreshold": "<",
    "GreaterThanUpperThreshold": ">",
}
_DESCRIBE_BY_NAME_LIMIT = 100
ALARM_TYPES = ["CompositeAlarm", "MetricAlarm"]
# ALARM("name"), OK(name), INSUFFICIENT_DATA("arn:aws:cloudwatch:...:alarm:name") in a rule.
_RULE_ALARM = re.compile(r'\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^")]+?)"?\s*\)')


@dataclass(frozen=True)
class Alarm:
    name: str
    state: str
    reason: str
    since: datetime | None
    namespace: str
    metric: str
    statistic: str
    comparison: str
    threshold: float | None
    period_s: int | None
    evaluation_periods: int | None
    dimensions: tuple[tuple[str, str], ...]
    actions: tuple[str, ...]  # AlarmActions
    actions_enabled: bool
    description: str = ""
    arn: str = ""
    rule: str = ""  # a composite alarm's AlarmRule
    metrics: tuple[dict, ...] = ()  # a metric-math alarm's Metrics (MetricDataQuery)

    @property
    def firing(self) -> bool:
        return self.state == "ALARM"

    @property
    def composite(self) -> bool:
        return bool(self.rule)

    @property
    def children(self) -> tuple[str, ...]:
        """The alarms a composite's rule names (names; ARNs reduced to names)."""
        return tuple(dict.fromkeys(
            name.rsplit(":alarm:", 1)[-1] for name in _RULE_ALARM.findall(self.rule)))

    @property
    def expression(self) -> str:
        """What a metric-math alarm evaluates: its returned expression (or metric)."""
        for query in self.metrics:
            if query.get("ReturnData", True):
                stat = query.get("MetricStat") or {}
                return query.get("Expression") or (stat.get("Metric") or {}).get(
                    "MetricName", "") or query.get("Id", "")
        return ""

    @property
    def condition(self) -> str:
        """``CPUUtilization Average > 80 for 2x300s``; a composite's rule."""
        if self.composite:
            return self.rule
        if self.metrics and not self.metric:
            return _math_condition(self)
        op = _OPERATORS.get(self.comparison, self.comparison)
        threshold = "" if self.threshold is None else f"{self.threshold:g}"
        periods = (f" for {self.evaluation_periods}x{self.period_s}s"
                   if self.evaluation_periods and self.period_s else "")
        return f"{self.metric} {self.statistic} {op} {threshold}{periods}".strip()


@dataclass(frozen=True)
class AlarmsSnapshot:
    alarms: tuple[Alarm, ...]

    @property
    def firing(self) -> tuple[Alarm, ...]:
        return tuple(a for a in self.alarms if a.firing)


def _math_condition(alarm: Alarm) -> str:
    op = _OPERATORS.get(alarm.comparison, alarm.comparison)
    threshold = "" if alarm.threshold is None else f" {alarm.threshold:g}"
    periods = f" for {alarm.evaluation_periods} periods" if alarm.evaluation_periods else ""
    return f"{alarm.expression} {op}{threshold}{periods}".strip()


def parse_composite_alarm(raw: dict) -> Alarm:
    return Alarm(
        name=raw.get("AlarmName", ""), state=raw.get("StateValue", ""),
        reason=raw.get("StateReason", "") or "",
        since=raw.get("StateTransitionedTimestamp") or raw.get("StateUpdatedTimestamp"),
        namespace="", metric="", statistic="", comparison="", threshold=None, period_s=None,
        evaluation_periods=None, dimensions=(), actions=tuple(raw.get("AlarmActions", [])),
        actions_enabled=bool(raw.get("ActionsEnabled", True)),
        description=raw.get("AlarmDescription", "") or "", arn=raw.get("AlarmArn", "") or "",
        rule=raw.get("AlarmRule", "") or "")


def parse_alarm(raw: dict) -> Alarm:
    return Alarm(
        name=raw.get("AlarmName", ""),
        state=raw.get("StateValue", ""),
        reason=raw.get("StateReason", "") or "",
        since=raw.get("StateTransitionedTimestamp") or raw.get("StateUpdatedTimestamp"),
        namespace=raw.get("Namespace", "") or "",
        metric=raw.get("MetricName", "") or "",
        statistic=raw.get("Statistic", "") or raw.get("ExtendedStatistic", "") or "",
        comparison=raw.get("ComparisonOperator", "") or "",
        threshold=raw.get("Threshold"),
        period_s=raw.get("Period"),
        evaluation_periods=raw.get("EvaluationPeriods"),
        dimensions=tuple((d.get("Name", ""), d.get("Value", ""))
                         for d in raw.get("Dimensions", [])),
        actions=tuple(raw.get("AlarmActions", [])),
        actions_enabled=bool(raw.get("ActionsEnabled", True)),
        description=raw.get("AlarmDescription", "") or "",
        arn=raw.get("AlarmArn", "") or "",
        metrics=tuple(raw.get("Metrics") or ()),
    )


def order_alarms(alarms: list[Alarm]) -> tuple[Alarm, ...]:
    by_recent = sorted(alarms, key=lambda a: (a.since.timestamp() if a.since else 0.0),
                       reverse=True)
    return tuple(sorted(by_recent, key=lambda a: STATE_ORDER.get(a.state, 3)))


class AlarmsProbe(Probe[AlarmsSnapshot]):
    name = "alarms"
    interval_s = 30.0

    def __init__(self, ctx: AwsContext, names: tuple[str, ...] = (), prefix: str | None = None,
                 *, interval_s: float | None = None):
        super().__init__(ctx, interval_s=interval_s)
        self.names = names
        self.prefix = prefix

    async def collect(self) -> AlarmsSnapshot:
        cw = await self.ctx.client("cloudwatch")
        found: dict[str, Alarm] = {}
        paginator = cw.get_paginator("describe_alarms")
        queries: list[dict] = []
        if self.prefix:
            queries.append({"AlarmNamePrefix": self.prefix})
        names = [n for n in self.names if not (self.prefix and n.startswith(self.prefix))]
        for start in range(0, len(names), _DESCRIBE_BY_NAME_LIMIT):
            queries.append({"AlarmNames": names[start:start + _DESCRIBE_BY_NAME_LIMIT]})

        async def read(query: dict) -> list[Alarm]:
            alarms: list[Alarm] = []
            async for page in paginator.paginate(AlarmTypes=ALARM_TYPES, **query):
                alarms += [parse_alarm(raw) for raw in page.get("MetricAlarms", [])]
                alarms += [parse_composite_alarm(raw) for raw in page.get("CompositeAlarms", [])]
            return alarms

        for alarms in await asyncio.gather(*(read(q) for q in queries)):  # prefix and names
            for alarm in alarms:
                found[alarm.name] = alarm
        return AlarmsSnapshot(order_alarms(list(found.values())))


@dataclass(frozen=True)
class Datapoint:
    timestamp: datetime
    value: float


async def recent_datapoints(ctx: AwsContext, alarm: Alarm, minutes: int = 60) -> tuple[
        Datapoint, ...]:
    """The alarm's metric over the last `minutes`, at the alarm's own period and statistic
    (what the alarm evaluated), oldest first. Read on demand for the alarm's detail view."""
    from datetime import UTC, timedelta

    if alarm.composite:
        return ()
    cw = await ctx.client("cloudwatch")
    end = datetime.now(UTC)
    if alarm.metrics and not alarm.metric:
        return await _math_datapoints(cw, alarm, end, minutes)
    period = alarm.period_s or 60
    statistic = alarm.statistic if alarm.statistic in (
        "SampleCount", "Average", "Sum", "Minimum", "Maximum") else None
    request: dict = {
        "Namespace": alarm.namespace, "MetricName": alarm.metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in alarm.dimensions],
        "StartTime": end - timedelta(minutes=max(minutes, 2 * period // 60)),
        "EndTime": end, "Period": period,
    }
    if statistic:
        request["Statistics"] = [statistic]
    else:
        request["ExtendedStatistics"] = [alarm.statistic]
    response = await cw.get_metric_statistics(**request)
    points = []
    for raw in response.get("Datapoints", []):
        value = raw.get(statistic) if statistic else (raw.get("ExtendedStatistics") or {}).get(
            alarm.statistic)
        if value is not None:
            points.append(Datapoint(raw["Timestamp"], float(value)))
    return tuple(sorted(points, key=lambda p: p.timestamp))


async def _math_datapoints(cw, alarm: Alarm, end: datetime, minutes: int) -> tuple[
        Datapoint, ...]:
    """A metric-math alarm's evaluated series: GetMetricData with the alarm's own queries
    (GetMetricStatistics would be sent an empty namespace and be refused)."""
    from datetime import timedelta

    queries = [{key: value for key, value in query.items()
                if key in ("Id", "Expression", "MetricStat", "Label", "ReturnData", "Period")}
               for query in alarm.metrics]
    periods = [q.get("Period") or (q.get("MetricStat") or {}).get("Period") or 60
               for q in queries]
    start = end - timedelta(minutes=max(minutes, 2 * max(periods) // 60))
    points: list[Datapoint] = []
    kwargs: dict = {"MetricDataQueries": queries, "StartTime": start, "EndTime": end}
    returned = {q["Id"] for q in queries if q.get("ReturnData", True)}
    while True:
        response = await cw.get_metric_data(**kwargs)
        for result in response.get("MetricDataResults", []):
            if result.get("Id") in returned:
                points += [Datapoint(t, float(v)) for t, v in
                           zip(result.get("Timestamps", []), result.get("Values", []),
                               strict=False)]
        if not response.get("NextToken"):
            break
        kwargs["NextToken"] = response["NextToken"]
    return tuple(sorted(points, key=lambda p: p.timestamp))
