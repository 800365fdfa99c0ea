"""Each demo scenario, seen through the console's own probes: what an on-call engineer would
read from the panes is what the scenario promises."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest

from console.demo import names as n
from probes.alarms import AlarmsProbe, AlarmsSnapshot
from probes.context import AwsContext
from probes.costs import CostSnapshot, CostsProbe
from probes.deployment import Deployment, discover
from probes.ecs import EcsProbe, ServiceSnapshot
from probes.stack import StackProbe, StackSnapshot
from probes.targets import TargetHealthProbe, TargetHealthSnapshot

SUPPORTED_SQLITE = ("sqlite:///", "sqlite://")  # the guide's three forms all start so


class Seen:
    """Every probe's snapshot for one scenario."""

    deployment: Deployment
    stack: StackSnapshot
    ecs: ServiceSnapshot
    targets: TargetHealthSnapshot
    alarms: AlarmsSnapshot
    costs: CostSnapshot
    backups: list[dict]
    task_definition: dict
    nat_gateways: list[dict]


async def look(handle, *, backups: bool = False, nat_gateways: bool = False) -> Seen:
    """Discovery and every probe; `backups` and `nat_gateways` add the S3 and EC2 reads that
    no probe makes (each new client costs ~0.1 s of model loading)."""
    seen = Seen()
    seen.backups, seen.nat_gateways = [], []
    async with AwsContext(handle.settings()) as ctx:
        d = seen.deployment = await discover(ctx)
        probes = {
            "stack": StackProbe(ctx, d.stack),
            "ecs": EcsProbe(ctx, d.cluster, d.service),
            "targets": TargetHealthProbe(ctx, d.target_group_arns, d.load_balancer_arns),
            "alarms": AlarmsProbe(ctx, d.alarm_names, d.alarm_prefix),
            "costs": CostsProbe(ctx, None),
        }
        for name, probe in probes.items():
            result = await probe.run()
            assert result.ok, f"{name} probe failed: {result.error}"
            setattr(seen, name, result.data)
        ecs = await ctx.client("ecs")
        seen.task_definition = (await ecs.describe_task_definition(
            taskDefinition=seen.ecs.task_definition))["taskDefinition"]
        if backups:
            s3 = await ctx.client("s3")
            listed = await s3.list_objects_v2(Bucket=d.backup_bucket)
            seen.backups = sorted(listed.get("Contents", []), key=lambda o: o["LastModified"])
        if nat_gateways:
            ec2 = await ctx.client("ec2")
            seen.nat_gateways = (await ec2.describe_nat_gateways())["NatGateways"]
    return seen


def database_url(task_definition: dict) -> str:
    env = task_definition["containerDefinitions"][0]["environment"]
    return next(e["value"] for e in env if e["name"] == "DATABASE_URL")


def newest_backup_age(seen: Seen) -> timedelta:
    assert seen.backups, "the backups bucket is empty"
    return datetime.now(UTC) - seen.backups[-1]["LastModified"]


def firing(seen: Seen) -> set[str]:
    return {a.name for a in seen.alarms.firing}


async def test_healthy(scenario):
    seen = await look(scenario("healthy"), backups=True)
    d = seen.deployment  # discovery finds the whole deployment from the stack name
    assert (d.cluster, d.service) == (n.CLUSTER, n.SERVICE)
    assert d.log_groups == (n.LOG_GROUP,)
    assert [arn.split("/")[1] for arn in d.target_group_arns] == [n.TARGET_GROUP]
    assert [arn.split("/")[2] for arn in d.load_balancer_arns] == [n.LOAD_BALANCER]
    assert set(d.buckets) == {n.DRAWINGS_BUCKET, n.BACKUPS_BUCKET}
    assert d.backup_bucket == n.BACKUPS_BUCKET
    assert {arn.rsplit(":", 1)[1] for arn in d.topic_arns} == {n.COST_TOPIC, n.ALERTS_TOPIC}
    assert d.distribution_id, "the CloudFront distribution is a stack resource"
    assert set(d.alarm_names) == {n.ALARM_CPU, n.ALARM_MEMORY, n.ALARM_5XX,
                                  n.ALARM_RESPONSE_TIME, n.ALARM_UNHEALTHY_HOSTS}
    assert d.secret_id and f":secret:{n.SECRET}-" in d.secret_id
    assert set(d.role_names) == {n.TASK_ROLE, n.EXECUTION_ROLE}
    assert d.task_definition and d.task_definition.endswith(f"/{n.TASK_FAMILY}:1")
    assert d.nat_gateway_ids == ()
    ecs = seen.ecs
    assert (ecs.desired, ecs.running, ecs.pending) == (2, 2, 0)
    assert ecs.launch_type == "FARGATE"
    assert [(d.status, d.rollout_state, d.failed_tasks) for d in ecs.deployments] == [
        ("PRIMARY", "COMPLETED", 0)]
    assert len(ecs.running_tasks) == 2 and not ecs.stopped_tasks
    vpc = ipaddress.ip_network(n.VPC_CIDR)
    for task in ecs.running_tasks:
        assert (task.last_status, task.health) == ("RUNNING", "HEALTHY")
        assert ipaddress.ip_address(task.private_ip) in vpc
        assert task.exit_codes == () and task.cpu == "256" and task.memory == "512"
    assert {t.target_id for t in seen.targets.targets} == {t.private_ip for t in
                                                           ecs.running_tasks}
    assert all(t.state == "healthy" for t in seen.targets.targets)
    assert seen.targets.dns_name.startswith(n.LOAD_BALANCER)
    assert len(seen.alarms.alarms) == 5 and not seen.alarms.firing
    assert all(a.reason.startswith("Threshold Crossed") for a in seen.alarms.alarms)
    assert seen.stack.status == "UPDATE_COMPLETE" and not seen.stack.failures
    assert newest_backup_age(seen) < timedelta(hours=6, minutes=5)
    assert len(seen.backups) >= 8
    assert database_url(seen.task_definition) == n.DATABASE_URL
    (budget,) = seen.costs.budgets
    assert budget.name == n.BUDGET and budget.limit == n.BUDGET_LIMIT_USD
    assert not budget.exceeded and budget.forecast < budget.limit
    assert 0 < seen.costs.total < n.BUDGET_LIMIT_USD
    assert abs(seen.costs.total - budget.actual) < 0.5


async def test_p0_outage(scenario):
    seen = await look(scenario("p0-outage"))
    ecs = seen.ecs
    assert (ecs.desired, ecs.running, ecs.pending) == (2, 0, 2)
    primary = ecs.primary
    assert primary is not None and primary.failed_tasks > 0
    assert primary.rollout_state == "IN_PROGRESS"
    oom = [t for t in ecs.stopped_tasks if t.stopped_reason.startswith("OutOfMemoryError")]
    assert oom, "some tasks stopped out of memory"
    assert all(t.exit_codes == (137,) and t.stop_code == "EssentialContainerExited"
               and t.stopped_at is not None for t in oom)
    reasons = {t.stopped_reason.split(" (")[0] for t in ecs.stopped_tasks}
    assert {"Task failed container health checks",
            "Task failed ELB health checks in"} <= reasons
    targets = seen.targets.targets
    assert targets and seen.targets.no_healthy_target
    assert {(t.state, t.reason, t.description) for t in targets} == {
        ("unhealthy", "Target.ResponseCodeMismatch",
         "Health checks failed with these codes: [502]")}
    messages = [e.message for e in ecs.events]
    assert any("has started 1 tasks" in m for m in messages)
    assert any("is unhealthy in (target-group" in m and "[502]" in m for m in messages)
    assert any("deregistered 1 targets in (target-group" in m for m in messages)
    assert ecs.events[0].created_at >= ecs.events[-1].created_at, "events newest first"
    states = [a.state for a in seen.alarms.alarms]
    assert {n.ALARM_5XX, n.ALARM_CPU} <= firing(seen)
    assert states == sorted(states, key=lambda s: s != "ALARM"), "ALARM first"
    five_xx = next(a for a in seen.alarms.alarms if a.name == n.ALARM_5XX)
    assert "were greater than the threshold (10.0)" in five_xx.reason
    assert datetime.now(UTC) - five_xx.since > timedelta(minutes=30)


async def test_p1_degraded(scenario):
    seen = await look(scenario("p1-degraded"))
    assert firing(seen) == {n.ALARM_RESPONSE_TIME, n.ALARM_CPU}
    assert all(a.firing for a in seen.alarms.alarms[:2]), "ALARM first"
    slow = next(a for a in seen.alarms.alarms if a.name == n.ALARM_RESPONSE_TIME)
    assert slow.metric == "TargetResponseTime" and slow.threshold == 2.0
    assert all(t.state == "healthy" for t in seen.targets.targets)
    assert (seen.ecs.running, seen.ecs.desired) == (2, 2)


async def test_stack_rollback(scenario):
    seen = await look(scenario("stack-rollback"))
    stack = seen.stack
    assert stack.status == "UPDATE_ROLLBACK_COMPLETE"
    statuses = [e.status for e in stack.events if e.logical_id == n.STACK]
    for status in ("UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS",
                   "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE"):
        assert status in statuses
    failed = next(e for e in stack.failures if e.status == "UPDATE_FAILED")
    assert failed.logical_id == "Service" and failed.resource_type == "AWS::ECS::Service"
    assert failed.reason.startswith("Resource handler returned message: \"Invalid request "
                                    "provided: UpdateService error: The container app does "
                                    "not exist in the task definition.")
    assert any(e.status == "CREATE_FAILED" for e in stack.failures)
    assert "failed to update: [Service]" in next(
        e.reason for e in stack.events if e.status == "UPDATE_ROLLBACK_IN_PROGRESS")
    assert not seen.alarms.firing and seen.ecs.running == 2


async def test_cost_overrun(scenario):
    seen = await look(scenario("cost-overrun"), nat_gateways=True)
    (nat,) = seen.nat_gateways
    assert seen.deployment.nat_gateway_ids == (nat["NatGatewayId"],)
    assert nat["State"] == "available" and nat["SubnetId"] in {
        r.physical_id for r in seen.deployment.resources if r.logical_id == "PublicSubnet1"}
    top = seen.costs.top(2)
    assert [s.service for s in top] == ["EC2 - Other", "AWS Data Transfer"]
    (budget,) = seen.costs.budgets
    assert budget.exceeded and budget.actual > budget.limit
    assert budget.forecast is not None and budget.forecast > 1.2 * budget.limit
    assert abs(seen.costs.total - budget.actual) < 0.5


async def test_backup_failure(scenario):
    seen = await look(scenario("backup-failure"), backups=True)
    assert newest_backup_age(seen) > timedelta(hours=24)
    url = database_url(seen.task_definition)
    assert url == n.BROKEN_DATABASE_URL and not url.startswith(SUPPORTED_SQLITE)
    assert seen.ecs.task_definition.endswith(f"/{n.TASK_FAMILY}:2")
    assert {t.revision for t in seen.ecs.running_tasks} == {f"{n.TASK_FAMILY}:2"}
    assert not seen.alarms.firing


async def test_rolling_deploy(scenario):
    seen = await look(scenario("rolling-deploy"))
    ecs = seen.ecs
    assert (ecs.desired, ecs.running, ecs.pending) == (2, 2, 0)
    assert [(d.status, d.rollout_state, d.failed_tasks) for d in ecs.deployments] == [
        ("PRIMARY", "IN_PROGRESS", 0), ("ACTIVE", "COMPLETED", 0)]
    assert ecs.rolling_out and ecs.primary.revision == f"{n.TASK_FAMILY}:2"
    assert {t.revision for t in ecs.running_tasks} == {f"{n.TASK_FAMILY}:2"}
    old_id = ecs.deployments[1].deployment_id
    stopped = [(t.stop_code, t.stopped_reason, t.exit_codes) for t in ecs.stopped_tasks]
    reason = f"Scaling activity initiated by (deployment {old_id})"
    assert stopped == [("ServiceSchedulerInitiated", reason, (137,)),
                       ("ServiceSchedulerInitiated", reason, (143,))]
    assert ecs.failed_tasks == () and not any(t.out_of_memory for t in ecs.stopped_tasks)
    assert all(t.state == "healthy" for t in seen.targets.targets)
    assert seen.targets.errors is None  # 5XX counts are read only when no target is healthy
    messages = [e.message for e in ecs.events]
    assert sum("has stopped 1 running tasks" in m for m in messages) == 2
    assert not seen.alarms.firing


async def test_fail_open(scenario):
    seen = await look(scenario("fail-open"))
    targets = seen.targets
    assert len(targets.targets) == 2 and targets.no_healthy_target
    assert {(t.state, t.reason, t.description) for t in targets.targets} == {
        ("unhealthy", "Target.ResponseCodeMismatch",
         "Health checks failed with these codes: [404]")}
    assert targets.groups[0].health_check_path == "/healthz"
    routing = targets.routing
    assert routing.reason.startswith("fail-open: routing to unhealthy targets")
    assert targets.errors is not None and targets.errors.total == 0  # read, and none
    assert not routing.failing_users
    assert (seen.ecs.running, seen.ecs.desired) == (2, 2) and seen.ecs.failed_tasks == ()
    assert firing(seen) == {n.ALARM_UNHEALTHY_HOSTS}


def test_unknown_scenario_names_the_valid_ones(emulator):
    from console.demo import DemoRun, build_scenario

    for attempt in (lambda: build_scenario(emulator.endpoint_url, "p2-meh"),
                    lambda: DemoRun("p2-meh", emulator=emulator)):
        with pytest.raises(ValueError, match=r"p2-meh.*healthy, p0-outage, p1-degraded, "
                                             r"stack-rollback, cost-overrun, backup-failure"):
            attempt()
