"""Load balancer target health: every target group of the service, every target's state.

One DescribeTargetHealth per target group (ELB's Describe* bucket refills at 10/s shared by the
whole account), one DescribeTargetGroups and one DescribeLoadBalancers per collection, all in
one round when discovery named the groups and load balancers; and, only when no target is
healthy, one GetMetricData for the ALB's 5XX counts (in that same round while none was healthy
at the last look, and at the first). The values and what the ALB does with them:
`probes.target_health`.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from probes.aio import cancel_and_wait
from probes.context import AwsContext
from probes.errors import classify
from probes.result import Probe, utcnow
from probes.target_health import (  # noqa: F401 - the probe's types, imported from here too
    ERROR_WINDOW,
    ErrorCounts,
    LoadBalancer,
    Routing,
    RoutingState,
    Target,
    TargetGroupHealth,
    TargetHealthSnapshot,
    parse_target_group,
    snapshot_of,
)


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
        self._no_healthy_last: bool | None = None  # no target healthy at the last look

    async def collect(self) -> TargetHealthSnapshot:
        elb = await self.ctx.client("elbv2")
        if self.target_group_arns:
            snapshot, counts = await self._collect_by_arn(elb)
        else:
            snapshot, counts = await self._collect_by_name(elb), None
        self._no_healthy_last = snapshot.no_healthy_target
        if not (snapshot.no_healthy_target and snapshot.targets and snapshot.load_balancers):
            await cancel_and_wait(counts)  # asked for in case: not needed now
            return snapshot
        try:
            errors = await (counts or self._error_counts(snapshot.load_balancers[0].arn))
        except Exception as exc:  # noqa: BLE001 - the states are the evidence; this adds
            error = classify(exc, action="cloudwatch:GetMetricData",
                             profile=self.ctx.settings.profile)
            note = f"5XX counts not readable: {error.summary()}"
            return replace(snapshot, errors_note=note)
        return replace(snapshot, errors=errors)

    async def _collect_by_arn(self, elb) -> tuple[TargetHealthSnapshot, asyncio.Future | None]:
        """Discovery named the groups and load balancers: every request in one round (each is
        a network round trip, none depends on another). The 5XX counts go with them while
        no target was healthy at the last look (or at the first): they are read only then."""
        arns = list(self.target_group_arns)
        counts = None
        if self.load_balancer_arns and self._no_healthy_last is not False:
            counts = asyncio.ensure_future(self._error_counts(self.load_balancer_arns[0]))
        try:
            described, healths, lbs = await asyncio.gather(
                elb.describe_target_groups(TargetGroupArns=arns),
                asyncio.gather(*(self._health(elb, arn) for arn in arns)),
                self._load_balancers(elb, self.load_balancer_arns))
            raw_groups = described.get("TargetGroups", [])
            by_arn = dict(zip(arns, healths, strict=True))
            missing = [arn for g in raw_groups for arn in g.get("LoadBalancerArns", [])
                       if arn not in self.load_balancer_arns]
            if missing:  # a group the stack's load balancer does not hold: ask for it too
                more = await self._load_balancers(elb, tuple(dict.fromkeys(missing)))
                lbs = {"LoadBalancers": [*lbs.get("LoadBalancers", []),
                                         *more.get("LoadBalancers", [])]}
            healths = [by_arn.get(raw["TargetGroupArn"]) or await self._health(
                elb, raw["TargetGroupArn"]) for raw in raw_groups]
        except BaseException:
            await cancel_and_wait(counts)
            raise
        return snapshot_of(raw_groups, healths, lbs), counts

    async def _collect_by_name(self, elb) -> TargetHealthSnapshot:
        """Groups known by name or by load balancer only: the groups first, then their
        targets and load balancers in one round."""
        if self.target_group_names:
            described = await elb.describe_target_groups(Names=list(self.target_group_names))
        elif self.load_balancer_arns:
            described = await elb.describe_target_groups(
                LoadBalancerArn=self.load_balancer_arns[0])
        else:
            described = {"TargetGroups": []}
        raw_groups = described.get("TargetGroups", [])
        lb_arns = tuple(dict.fromkeys(
            list(self.load_balancer_arns)
            + [arn for g in raw_groups for arn in g.get("LoadBalancerArns", [])]))
        healths, lbs = await asyncio.gather(
            asyncio.gather(*(self._health(elb, raw["TargetGroupArn"]) for raw in raw_groups)),
            self._load_balancers(elb, lb_arns))
        return snapshot_of(raw_groups, healths, lbs)

    @staticmethod
    async def _health(elb, arn: str) -> dict:
        return await elb.describe_target_health(TargetGroupArn=arn,
                                                Include=["AnomalyDetection"])

    @staticmethod
    async def _load_balancers(elb, arns: tuple[str, ...]) -> dict:
        if not arns:
            return {"LoadBalancers": []}
        return await elb.describe_load_balancers(LoadBalancerArns=list(arns))

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
