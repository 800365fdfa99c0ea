"""What the load balancer says of its targets, as typed values: target groups, their
targets' states, the load balancers, the 5XX counts, and what the ALB does with them
(`Routing`). Read by `probes.targets.TargetHealthProbe`.

What the ALB does with no healthy target (see `Routing`): when every registered target is
unhealthy it *fails open* and routes to all of them (users may still be served); it answers 503
only when it has no target to route to (none registered, or only draining / initial ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

ERROR_WINDOW = timedelta(minutes=10)  # the 5XX counts' window
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


def snapshot_of(raw_groups: list[dict], healths: list[dict], lbs: dict) -> TargetHealthSnapshot:
    groups = [parse_target_group(raw, health)
              for raw, health in zip(raw_groups, healths, strict=True)]
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
    return TargetHealthSnapshot(load_balancers=load_balancers, groups=tuple(groups))
