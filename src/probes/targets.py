"""Load balancer target health: every target group of the service, every target's state.

One DescribeTargetHealth per target group (ELB's Describe* bucket refills at 10/s shared by the
whole account), one DescribeTargetGroups and one DescribeLoadBalancers per collection; and,
only when no target is healthy, one GetMetricData for the ALB's 5XX counts.

What the ALB does with no healthy target (see `Routing`): when every registered target is
unhealthy it *fails open* and routes to all of them (users may still be served); it answers 503
only when it has no target to route to (none registered, or only draining / initial ones).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from probes.context import AwsContext
from probes.result import Probe, utcnow

ERROR_WINDOW = timedelta(minutes=10)
_DRAINING = ("draining", "unhealthy.draining")


@dataclass(frozen=True)
class Target:
    target_id: str
    port: int | None
    state: str  # healthy, unhealthy, initial, draining, unused, unavailable
    reason: str  # e.g. Target.ResponseCodeMismatch
    description: str
    availability_zone: str = ""
    # AnomalyDetection (asked for with Include): "anomalous"/"normal", and whether ALB's
    # automatic target weights are routing less traffic to it ("yes"/"no"); "" if not given.
    anomaly: str = ""
    mitigation: str = ""

    @property
    def healthy(self) -> bool:
        return self.state == "healthy"

    @property
    def draining(self) -> bool:
        """Being deregistered (``draining``, or ``unhealthy.draining`` while it fails)."""
        return self.state in _DRAINING


@dataclass(frozen=True)
class TargetGroupHealth:
    arn: str
    name: str
    port: int | None
    protocol: str
    health_check_path: str
    targets: tuple[Target, ...]

    @property
    def healthy_count(self) -> int:
        return sum(1 for t in self.targets if t.healthy)


@dataclass(frozen=True)
class LoadBalancer:
    arn: str
    name: str
    dns_name: str
    state: str  # active, provisioning, active_impaired, failed
    scheme: str
    security_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErrorCounts:
    """The ALB's 5XX answers over the last `minutes` (CloudWatch reports none when zero)."""

    elb_5xx: float
    target_5xx: float
    minutes: int

    @property
    def total(self) -> float:
        return self.elb_5xx + self.target_5xx

    def describe(self) -> str:
        if not self.total:
            return f"no 5XX in {self.minutes} min"
        return (f"{self.elb_5xx:.0f} ALB 5XX + {self.target_5xx:.0f} target 5XX in "
                f"{self.minutes} min")


class Routing(StrEnum):
    SERVING = "serving"  # at least one healthy target (or no target group to judge)
    FAIL_OPEN = "fail-open"  # no healthy target: the ALB routes to the unhealthy ones
    NOTHING = "nothing"  # no target to route to: the ALB answers 503


@dataclass(frozen=True)
class RoutingState:
    state: Routing
    reason: str  # in words, e.g. "fail-open: routing to unhealthy targets (0/2 healthy, ...)"
    # Users are (or may be) failed: 5XX answers counted, or the counts could not be read.
    failing_users: bool = False

    @property
    def short(self) -> str:
        """The reason without its counts, for a narrow pane."""
        return {Routing.FAIL_OPEN: "fail-open: routing to unhealthy targets",
                Routing.NOTHING: "nothing to route to: the ALB answers 503"}.get(self.state, "")


@dataclass(frozen=True)
class TargetHealthSnapshot:
    load_balancers: tuple[LoadBalancer, ...]
    groups: tuple[TargetGroupHealth, ...]
    errors: ErrorCounts | None = None  # read only when no target is healthy
    errors_note: str = ""  # why `errors` is unknown, when it is

    @property
    def targets(self) -> tuple[Target, ...]:
        return tuple(t for g in self.groups for t in g.targets)

    @property
    def healthy_count(self) -> int:
        return sum(g.healthy_count for g in self.groups)

    @property
    def no_healthy_target(self) -> bool:
        """No target passes its health checks (the ALB fails open or answers 503: `routing`)."""
        return bool(self.groups) and self.healthy_count == 0

    @property
    def draining_count(self) -> int:
        return sum(1 for t in self.targets if t.draining)

    @property
    def routing(self) -> RoutingState:
        """What the ALB does with these targets, from their states and the 5XX counts."""
        if not self.no_healthy_target:
            return RoutingState(Routing.SERVING, "")
        targets = self.targets
        unhealthy = sum(1 for t in targets if t.state == "unhealthy")
        draining = self.draining_count
        if not unhealthy:
            parts = [f"{count} {what}" for count, what in (
                (draining, "draining"),
                (sum(1 for t in targets if t.state == "initial"), "initial"),
                (sum(1 for t in targets if t.state not in ("initial", *_DRAINING)), "other"))
                if count]
            held = f"no target to route to ({', '.join(parts)})" if parts \
                else "no target registered"
            return RoutingState(Routing.NOTHING, f"{held}: the ALB answers 503")
        errors = self.errors.describe() if self.errors is not None else "5XX unknown"
        extra = f", {draining} draining" if draining else ""
        return RoutingState(
            Routing.FAIL_OPEN, f"fail-open: routing to unhealthy targets (0/{len(targets)} "
                               f"healthy{extra}, {errors})",
            failing_users=self.errors is None or self.errors.total > 0)

    @property
    def dns_name(self) -> str:
        return self.load_balancers[0].dns_name if self.load_balancers else ""


def _name_from_arn(arn: str) -> str:
    parts = arn.split("/")
    return parts[-2] if len(parts) >= 3 else arn


def parse_target_group(group: dict, health: dict) -> TargetGroupHealth:
    """A DescribeTargetGroups entry and its DescribeTargetHealth response, as one group."""
    targets = tuple(
        Target(
            target_id=d.get("Target", {}).get("Id", ""),
            port=d.get("Target", {}).get("Port"),
            state=d.get("TargetHealth", {}).get("State", ""),
            reason=d.get("TargetHealth", {}).get("Reason", "") or "",
            description=d.get("TargetHealth", {}).get("Description", "") or "",
            availability_zone=d.get("Target", {}).get("AvailabilityZone", "") or "",
            anomaly=(d.get("AnomalyDetection") or {}).get("Result", "") or "",
            mitigation=(d.get("AnomalyDetection") or {}).get("MitigationInEffect", "") or "",
        )
        for d in health.get("TargetHealthDescriptions", [])
    )
    return TargetGroupHealth(
        arn=group["TargetGroupArn"],
        name=group.get("TargetGroupName", _name_from_arn(group["TargetGroupArn"])),
        port=group.get("Port"),
        protocol=group.get("Protocol", "") or "",
        health_check_path=group.get("HealthCheckPath", "") or "",
        targets=tuple(sorted(targets, key=lambda t: (t.target_id, t.port or 0))),
    )


async def _no_load_balancers() -> dict:
    return {"LoadBalancers": []}


class TargetHealthProbe(Probe[TargetHealthSnapshot]):
    name = "targets"
    interval_s = 15.0

    def __init__(self, ctx: AwsContext, target_group_arns: tuple[str, ...],
                 load_balancer_arns: tuple[str, ...] = (), *, interval_s: float | None = None,
                 target_group_names: tuple[str, ...] = ()):
        super().__init__(ctx, interval_s=interval_s)
        self.target_group_arns = target_group_arns
        self.target_group_names = target_group_names
        self.load_balancer_arns = load_balancer_arns

    async def collect(self) -> TargetHealthSnapshot:
        elb = await self.ctx.client("elbv2")
        if self.target_group_arns:
            described = await elb.describe_target_groups(
                TargetGroupArns=list(self.target_group_arns))
        elif self.target_group_names:
            described = await elb.describe_target_groups(Names=list(self.target_group_names))
        elif self.load_balancer_arns:
            described = await elb.describe_target_groups(
                LoadBalancerArn=self.load_balancer_arns[0])
        else:
            described = {"TargetGroups": []}
        raw_groups = described.get("TargetGroups", [])
        lb_arns = list(dict.fromkeys(
            list(self.load_balancer_arns)
            + [arn for g in raw_groups for arn in g.get("LoadBalancerArns", [])]))
        # One DescribeTargetHealth per group and the load balancers, all at once: each is a
        # network round trip, and none depends on another.
        healths, lbs = await asyncio.gather(
            asyncio.gather(*(elb.describe_target_health(TargetGroupArn=raw["TargetGroupArn"],
                                                        Include=["AnomalyDetection"])
                             for raw in raw_groups)),
            elb.describe_load_balancers(LoadBalancerArns=lb_arns) if lb_arns
            else _no_load_balancers())
        groups = [parse_target_group(raw, health) for raw, health in zip(raw_groups, healths,
                                                                         strict=True)]
        load_balancers = tuple(
            LoadBalancer(
                arn=lb["LoadBalancerArn"],
                name=lb.get("LoadBalancerName", ""),
                dns_name=lb.get("DNSName", ""),
                state=(lb.get("State") or {}).get("Code", ""),
                scheme=lb.get("Scheme", "") or "",
                security_groups=tuple(lb.get("SecurityGroups", [])),
            )
            for lb in lbs.get("LoadBalancers", [])
        )
        snapshot = TargetHealthSnapshot(load_balancers=load_balancers, groups=tuple(groups))
        if snapshot.no_healthy_target and snapshot.targets and load_balancers:
            try:
                errors = await self._error_counts(load_balancers[0].arn)
            except Exception as exc:  # noqa: BLE001 - the states are the evidence; this adds
                note = f"5XX counts not readable: {type(exc).__name__}"
                return TargetHealthSnapshot(load_balancers, tuple(groups), errors_note=note)
            return TargetHealthSnapshot(load_balancers, tuple(groups), errors=errors)
        return snapshot

    async def _error_counts(self, load_balancer_arn: str) -> ErrorCounts:
        """HTTPCode_ELB_5XX_Count and HTTPCode_Target_5XX_Count over `ERROR_WINDOW`, in one
        GetMetricData (the ALB publishes these only when they are not zero)."""
        dimension = [{"Name": "LoadBalancer",
                      "Value": load_balancer_arn.split(":loadbalancer/", 1)[-1]}]
        end = utcnow()
        queries = [{"Id": query_id, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": metric,
                       "Dimensions": dimension}, "Period": 60, "Stat": "Sum"}}
            for query_id, metric in (("elb5xx", "HTTPCode_ELB_5XX_Count"),
                                     ("target5xx", "HTTPCode_Target_5XX_Count"))]
        cloudwatch = await self.ctx.client("cloudwatch")
        answer = await cloudwatch.get_metric_data(
            MetricDataQueries=queries, StartTime=end - ERROR_WINDOW, EndTime=end)
        sums = {r.get("Id"): sum(r.get("Values", [])) for r in answer.get("MetricDataResults", [])}
        return ErrorCounts(sums.get("elb5xx", 0.0), sums.get("target5xx", 0.0),
                           int(ERROR_WINDOW.total_seconds() // 60))
