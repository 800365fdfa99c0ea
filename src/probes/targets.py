"""Load balancer target health: every target group of the service, every target's state.

One DescribeTargetHealth per target group (ELB's Describe* bucket refills at 10/s shared by the
whole account), one DescribeTargetGroups and one DescribeLoadBalancers per collection.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from probes.context import AwsContext
from probes.result import Probe


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
class TargetHealthSnapshot:
    load_balancers: tuple[LoadBalancer, ...]
    groups: tuple[TargetGroupHealth, ...]

    @property
    def targets(self) -> tuple[Target, ...]:
        return tuple(t for g in self.groups for t in g.targets)

    @property
    def healthy_count(self) -> int:
        return sum(g.healthy_count for g in self.groups)

    @property
    def no_healthy_target(self) -> bool:
        """What makes an ALB answer 503."""
        return bool(self.groups) and self.healthy_count == 0

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
        return TargetHealthSnapshot(load_balancers=load_balancers, groups=tuple(groups))
