"""The scenarios: each applies its state on top of the base deployment.

Every scenario sets the whole picture (tasks, service, alarms and metrics, backups, costs), so
any pane of the console shows something coherent: in `p0-outage` the alarms, the stopped
tasks, the unhealthy targets, the service events and the log lines tell one story.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from console.demo import backend, billing, fleet, history, specs
from console.demo import names as n
from console.demo.deployment import register_task_definition
from console.demo.fleet import TaskPlan
from console.demo.stage import Stage
from console.demo.telemetry import HEALTHY_LEVELS, MetricLevels


def latest_backup(now: datetime) -> datetime:
    """Backups run at 00:02, 06:02, 12:02 and 18:02 UTC: the last run before `now`."""
    slot = now.replace(hour=now.hour - now.hour % 6, minute=2, second=0, microsecond=0)
    return slot if slot < now else slot - timedelta(hours=6)


def _quiet_basics(stage: Stage, profile: billing.CostProfile = billing.MODEST) -> None:
    stage.put_backups(latest_backup(stage.now) + timedelta(seconds=stage.rng.randrange(5, 50)))
    stage.put_drawings()
    stage.seed_costs(profile)


def _last_deploy(stage: Stage) -> datetime:
    return stage.ago(days=9, hours=4, minutes=stage.rng.randrange(60))


def healthy(stage: Stage) -> None:
    """Two healthy tasks, healthy targets, every alarm OK, a recent backup, modest costs."""
    stage.steady_fleet(deployed=_last_deploy(stage))
    stage.set_telemetry(HEALTHY_LEVELS)
    _quiet_basics(stage)


def p0_outage(stage: Stage) -> None:
    """Tasks keep dying (OOM, failed health checks); the ALB has no healthy target."""
    first_deploy, forced = _last_deploy(stage), stage.ago(minutes=31)
    old, new = fleet.deployment_id(stage.rng), fleet.deployment_id(stage.rng)
    # (fate, minutes ago it stopped), oldest first; the first two are the old steady tasks.
    old_stops = [("oom", 44), ("oom", 41), ("container_health", 37), ("oom", 35)]
    new_stops = [("elb_health", 27), ("oom", 24), ("oom", 19), ("container_health", 15),
                 ("elb_health", 11), ("oom", 6)]

    def plans(stops: list[tuple[str, int]], created: datetime | None) -> list[TaskPlan]:
        return [TaskPlan(fate, created or stage.ago(minutes=ago + 2.5),
                         stopped_at=stage.ago(minutes=ago), health="UNHEALTHY")
                for fate, ago in stops]

    stopped_old = stage.launch(plans(old_stops[:2], first_deploy) + plans(old_stops[2:], None),
                               old)
    stopped_new = stage.launch(plans(new_stops, None), new)
    starting = stage.launch([TaskPlan("starting", stage.ago(minutes=minutes),
                                      in_target_group=True, health="UNKNOWN")
                             for minutes in (3.2, 1.6)], new)
    backend.set_targets_unhealthy(t.private_ip for t in starting)

    events = fleet.crash_loop_events(stopped_old + stopped_new, starting,
                                     stage.base.target_group_arn,
                                     gave_up_at=stage.ago(minutes=9))
    events += fleet.steady_state_events(stage.ago(minutes=47), first_deploy + timedelta(hours=6))
    stage.set_service(running=0, pending=2, events=events, deployments=[specs.DeploymentSpec(
        new, "PRIMARY", stage.base.task_definition_arn, desired=2, running=0, pending=2,
        failed_tasks=len(new_stops), rollout_state="IN_PROGRESS",
        rollout_reason=f"ECS deployment {new} in progress.", created_at=forced,
        updated_at=starting[-1].plan.created_at)])
    stage.set_telemetry(
        MetricLevels(cpu=93.5, memory=97.0, response_time_s=0.9, elb_5xx_per_min=86.0,
                     target_5xx_per_min=7.0, healthy_hosts=0, unhealthy_hosts=2,
                     uploads_per_min=0.2, ramp_minutes=50, running_tasks=0.5),
        firing={n.ALARM_5XX: timedelta(minutes=38), n.ALARM_CPU: timedelta(minutes=33),
                n.ALARM_MEMORY: timedelta(minutes=40),
                n.ALARM_UNHEALTHY_HOSTS: timedelta(minutes=29)})
    _quiet_basics(stage)


def p1_degraded(stage: Stage) -> None:
    """Everything up, but slow: response time and CPU alarms fire, slow queries in the logs."""
    stage.steady_fleet(deployed=_last_deploy(stage))
    stage.set_telemetry(
        MetricLevels(cpu=88.0, memory=63.0, response_time_s=3.4, target_5xx_per_min=0.6,
                     requests_per_min=310.0, analysis_ms=2900.0, ramp_minutes=35),
        firing={n.ALARM_RESPONSE_TIME: timedelta(minutes=17), n.ALARM_CPU: timedelta(minutes=12)})
    _quiet_basics(stage)


def stack_rollback(stage: Stage) -> None:
    """A stack update failed on the ECS service and rolled back; the app itself is fine."""
    stage.steady_fleet(deployed=_last_deploy(stage))
    stage.set_telemetry(HEALTHY_LEVELS)
    _quiet_basics(stage)
    started = stage.ago(minutes=26, seconds=stage.rng.randrange(60))
    new_td = stage.base.task_definition_arn.rsplit(":", 1)[0] + ":2"
    events = stage.stack_events + history.failed_update_events(
        started, stage.base.service_arn, stage.base.task_definition_arn, new_td)
    backend.set_stack_history(n.STACK, events, status="UPDATE_ROLLBACK_COMPLETE",
                              created_at=stage.base.created_at, last_updated_at=started)


def cost_overrun(stage: Stage) -> None:
    """A NAT gateway and data transfer dominate month-to-date cost; the budget is exceeded."""
    stage.steady_fleet(deployed=_last_deploy(stage))
    stage.set_telemetry(MetricLevels(requests_per_min=420.0))
    ec2 = stage.base.api("ec2")
    eip = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=stage.base.subnet_ids[0],
                                 AllocationId=eip["AllocationId"],
                                 TagSpecifications=[{"ResourceType": "natgateway", "Tags": [
                                     {"Key": "Name", "Value": f"{n.STACK}-nat"}]}])
    nat_id = nat["NatGateway"]["NatGatewayId"]
    backend.add_stack_resources(n.STACK, [
        specs.StackResourceSpec("NatGatewayEip", "AWS::EC2::EIP", eip["PublicIp"]),
        specs.StackResourceSpec("NatGateway", "AWS::EC2::NatGateway", nat_id)])
    added = stage.ago(days=billing.NAT_AND_TRANSFER_SURGE.surge_days - 1, hours=7)
    events = stage.stack_events + history.nat_gateway_update_events(added, eip["PublicIp"],
                                                                    nat_id)
    backend.set_stack_history(n.STACK, events, status="UPDATE_COMPLETE",
                              created_at=stage.base.created_at, last_updated_at=added)
    _quiet_basics(stage, billing.NAT_AND_TRANSFER_SURGE)


def backup_failure(stage: Stage) -> None:
    """A deploy three days ago shipped a malformed DATABASE_URL: no backup since."""
    task_definition = register_task_definition(
        stage.base.endpoint_url, n.BROKEN_DATABASE_URL,
        stage.base.resources["AdminPasswordSecret"], image_tag="1.8.3")
    ecs = stage.base.api("ecs")
    ecs.update_service(cluster=n.CLUSTER, service=n.SERVICE, taskDefinition=task_definition)
    deployed = stage.ago(days=3, hours=2, minutes=stage.rng.randrange(60))
    stage.steady_fleet(deployed=deployed, task_definition=task_definition)
    stage.set_telemetry(HEALTHY_LEVELS)
    stage.put_backups(latest_backup(deployed) + timedelta(seconds=31))
    stage.put_drawings()
    stage.seed_costs(billing.MODEST)


def rolling_deploy(stage: Stage) -> None:
    """A healthy deployment in progress: two new tasks serve, the two old ones were stopped by
    the scheduler (SIGTERM, exit 143; one SIGKILLed after its stop timeout, exit 137)."""
    first_deploy, started = _last_deploy(stage), stage.ago(minutes=6, seconds=20)
    new_td = register_task_definition(stage.base.endpoint_url, n.DATABASE_URL,
                                      stage.base.resources["AdminPasswordSecret"],
                                      image_tag="1.9.0")
    stage.base.api("ecs").update_service(cluster=n.CLUSTER, service=n.SERVICE,
                                         taskDefinition=new_td)
    old_id, new_id = fleet.deployment_id(stage.rng), fleet.deployment_id(stage.rng)
    old = stage.launch([TaskPlan(fate, first_deploy + timedelta(seconds=5 + i),
                                 stopped_at=stage.ago(minutes=minutes))
                        for i, (fate, minutes) in enumerate((("replaced", 2.4),
                                                             ("replaced_killed", 0.8)))], old_id)
    new = stage.launch([TaskPlan("serving", started + timedelta(seconds=5 + 40 * i),
                                 in_target_group=True) for i in range(2)], new_id, new_td)
    events = fleet.rollout_events(old, old_id, first_deploy, stage.base.target_group_arn)
    events += fleet.steady_state_events(stage.ago(minutes=stage.rng.randrange(20, 300)),
                                        first_deploy + timedelta(hours=6))
    events += fleet.replacement_events(old, new, stage.base.target_group_arn)
    stage.set_service(running=2, pending=0, events=events, deployments=[
        specs.DeploymentSpec(new_id, "PRIMARY", new_td, desired=2, running=2, pending=0,
                             failed_tasks=0, rollout_state="IN_PROGRESS",
                             rollout_reason=f"ECS deployment {new_id} in progress.",
                             created_at=started, updated_at=stage.ago(minutes=0.8)),
        specs.DeploymentSpec(old_id, "ACTIVE", stage.base.task_definition_arn, desired=0,
                             running=0, pending=0, failed_tasks=0, rollout_state="COMPLETED",
                             rollout_reason=f"ECS deployment {old_id} completed.",
                             created_at=first_deploy, updated_at=stage.ago(minutes=0.8))])
    stage.set_telemetry(HEALTHY_LEVELS)
    _quiet_basics(stage)


def fail_open(stage: Stage) -> None:
    """The target group's health check moved to a path the app does not serve: every target
    is unhealthy (404), and the ALB fails open, still routing to all of them without errors."""
    tasks = stage.steady_fleet(deployed=_last_deploy(stage))
    stage.base.api("elbv2").modify_target_group(TargetGroupArn=stage.base.target_group_arn,
                                                HealthCheckPath="/healthz")
    backend.set_targets_unhealthy((t.private_ip for t in tasks), "Target.ResponseCodeMismatch",
                                  "Health checks failed with these codes: [404]")
    stage.set_telemetry(MetricLevels(target_5xx_per_min=0.0, healthy_hosts=0, unhealthy_hosts=2),
                        firing={n.ALARM_UNHEALTHY_HOSTS: timedelta(minutes=14)})
    _quiet_basics(stage)


SCENARIO_BUILDERS: dict[str, Callable[[Stage], None]] = {
    "healthy": healthy,
    "p0-outage": p0_outage,
    "p1-degraded": p1_degraded,
    "stack-rollback": stack_rollback,
    "cost-overrun": cost_overrun,
    "backup-failure": backup_failure,
    "rolling-deploy": rolling_deploy,
    "fail-open": fail_open,
}
if tuple(SCENARIO_BUILDERS) != n.SCENARIOS:
    raise RuntimeError("names.SCENARIOS and SCENARIO_BUILDERS disagree")
