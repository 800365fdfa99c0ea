"""What training mode reads to judge a request, and the state changes a fix brings.

Changes go through the mechanisms the scenarios are built with: `Stage` and `fleet` start and
describe tasks, `telemetry` writes CloudWatch's reasons, and
`backend` what moto's API cannot set. The rules themselves are in `training`; the
CloudFormation and billing side is in `training_stack_costs`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from console.demo import backend, specs, telemetry
from console.demo import names as n
from console.demo.fleet import LaunchedTask, TaskPlan, deployment_id, rollout_events
from console.demo.stage import Stage

if TYPE_CHECKING:
    from console.demo.deployment import BaseDeployment
    from console.demo.training import Trainer


# -- reading ----------------------------------------------------------------------------------

def _task_definition(base: BaseDeployment, name: str) -> dict[str, Any]:
    return base.api("ecs").describe_task_definition(taskDefinition=name)["taskDefinition"]


def task_memory(base: BaseDeployment, name: str) -> int:
    """The task's memory (MiB): the task-level value, else the containers' sum."""
    spec = _task_definition(base, name)
    if str(spec.get("memory", "")).isdigit():
        return int(spec["memory"])
    return sum(int(c.get("memory") or 0) for c in spec.get("containerDefinitions", []))


def _service(base: BaseDeployment) -> dict[str, Any]:
    return base.api("ecs").describe_services(cluster=n.CLUSTER,
                                             services=[n.SERVICE])["services"][0]


def service_task_definition(base: BaseDeployment) -> str:
    return str(_service(base)["taskDefinition"])


def running_count(base: BaseDeployment) -> int:
    """Tasks of the service that run (moto's runningCount follows desiredCount at once)."""
    return len(_tasks(base, "RUNNING"))


def database_url(base: BaseDeployment, name: str) -> tuple[str, str]:
    """The app container's DATABASE_URL and its form: "absolute" (the guide's recommended
    ``sqlite:///abs/path``), else what `classify_database_url` calls it."""
    from probes.diagnostics.backups import ABSOLUTE, classify_database_url

    spec = _task_definition(base, name)
    env = next((c.get("environment", []) for c in spec.get("containerDefinitions", [])
                if c.get("name") == n.CONTAINER), [])
    url = next((e.get("value") for e in env if e.get("name") == "DATABASE_URL"), None)
    form = classify_database_url(url).form
    return str(url), "absolute" if form == ABSOLUTE else form


# -- helpers ----------------------------------------------------------------------------------

def _stage(trainer: Trainer) -> Stage:
    stage = Stage(trainer.base, datetime.now(UTC), trainer.rng)
    stage._used_hosts = trainer.used_hosts  # shared: no IP is given twice
    return stage


def _events(base: BaseDeployment) -> list[specs.ServiceEventSpec]:
    return [specs.ServiceEventSpec(e["createdAt"].astimezone(UTC), e["message"])
            for e in _service(base).get("events", [])]


def _task_spec(base: BaseDeployment, task: LaunchedTask, spec: dict[str, Any], *,
               running: bool, now: datetime) -> specs.TaskStateSpec:
    zone = task.availability_zone
    return specs.TaskStateSpec(
        "RUNNING" if running else "ACTIVATING", "RUNNING",
        "HEALTHY" if running else "UNKNOWN", created_at=task.plan.created_at,
        private_ip=task.private_ip, availability_zone=zone,
        started_at=now if running else None,
        subnet_id=base.subnet_ids[n.AVAILABILITY_ZONES.index(zone)],
        cpu=str(spec.get("cpu", "256")), memory=str(spec.get("memory", "512")))


def _start_tasks(trainer: Trainer, stage: Stage, count: int, deployment: str,
                 spec: dict[str, Any]) -> list[LaunchedTask]:
    """`count` tasks of `spec`, ACTIVATING (not yet in the target group)."""
    tasks = stage.launch([TaskPlan("starting", stage.now, health="UNKNOWN")
                          for _ in range(count)], deployment, spec["taskDefinitionArn"])
    for task in tasks:
        backend.set_task_state(n.CLUSTER, task.task_arn,
                               _task_spec(trainer.base, task, spec, running=False,
                                          now=stage.now))
    return tasks


def _serve(trainer: Trainer, tasks: list[LaunchedTask], spec: dict[str, Any]) -> None:
    """The tasks passed their health checks: RUNNING, HEALTHY, registered and healthy."""
    now = datetime.now(UTC)
    for task in tasks:
        backend.set_task_state(n.CLUSTER, task.task_arn,
                               _task_spec(trainer.base, task, spec, running=True, now=now))
    trainer.base.api("elbv2").register_targets(
        TargetGroupArn=trainer.base.target_group_arn,
        Targets=[{"Id": t.private_ip, "Port": n.CONTAINER_PORT,
                  "AvailabilityZone": t.availability_zone} for t in tasks])


def _stop_tasks(base: BaseDeployment, task_arns: Iterable[str], reason: str) -> None:
    ecs = base.api("ecs")
    for arn in task_arns:
        ecs.stop_task(cluster=n.CLUSTER, task=arn, reason=reason)


def _tasks(base: BaseDeployment, status: str) -> list[str]:
    return base.api("ecs").list_tasks(cluster=n.CLUSTER, desiredStatus=status)["taskArns"]


def _deployment(deployment: str, status: str, spec: dict[str, Any], *, desired: int,
                running: int, since: datetime, done: bool) -> specs.DeploymentSpec:
    return specs.DeploymentSpec(
        deployment, status, spec["taskDefinitionArn"], desired=desired, running=running,
        pending=desired - running, failed_tasks=0,
        rollout_state="COMPLETED" if done else "IN_PROGRESS",
        rollout_reason=f"ECS deployment {deployment} {'completed' if done else 'in progress'}.",
        created_at=since, updated_at=datetime.now(UTC))


def alarms_ok(trainer: Trainer, levels: telemetry.MetricLevels, names: Iterable[str]) -> None:
    """Metric datapoints at `levels` now, and the named alarms back to OK with CloudWatch's
    reason quoting them."""
    stage = _stage(trainer)
    values = {key: [float(getattr(levels, key))] * telemetry.SERIES_MINUTES
              for key in ("cpu", "memory", "response_time_s", "requests_per_min",
                          "elb_5xx_per_min", "target_5xx_per_min", "uploads_per_min",
                          "analysis_ms")}
    load_balancer = trainer.base.load_balancer_arn.split(":loadbalancer/", 1)[1]
    target_group = trainer.base.target_group_arn.split(":", 5)[5]
    cloudwatch = trainer.base.api("cloudwatch")
    for namespace, data in telemetry.metric_data(values, levels, stage.now, load_balancer,
                                                 target_group).items():
        latest = [d for d in data if d["Timestamp"] >= stage.now.replace(second=0,
                                                                          microsecond=0)]
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=latest)
    for name in names:
        alarm = telemetry.ALARMS_BY_NAME[name]
        points = telemetry.evaluated_datapoints(alarm, values, levels, stage.now)
        reason, data = telemetry.state_reason(alarm, points, False, stage.now)
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason=reason,
                                   StateReasonData=data)
        backend.set_alarm_state_since(name, stage.now)


def _firing(base: BaseDeployment) -> list[str]:
    return [a["AlarmName"] for a in base.api("cloudwatch").describe_alarms(
        StateValue="ALARM")["MetricAlarms"]]


# -- the fixes --------------------------------------------------------------------------------

def replace_crashing_tasks(trainer: Trainer, task_definition: str) -> None:
    """p0-outage: the new revision's tasks start now and serve after `settle_s`; the
    crash-looping tasks stop; then alarms clear and stopped tasks age out."""
    base, stage = trainer.base, _stage(trainer)
    spec = _task_definition(base, task_definition)
    new = deployment_id(trainer.rng)
    starting = [s for s in trainer.built.log_sources if s.fate == "starting"]
    if starting:
        base.api("elbv2").deregister_targets(
            TargetGroupArn=base.target_group_arn,
            Targets=[{"Id": s.private_ip, "Port": n.CONTAINER_PORT} for s in starting])
    _stop_tasks(base, _tasks(base, "RUNNING"), f"Scaling activity initiated by (deployment {new})")
    tasks = _start_tasks(trainer, stage, 2, new, spec)
    ids = " ".join(f"(task {t.task_id})" for t in tasks)
    events = [specs.ServiceEventSpec(stage.now, f"(service {n.SERVICE}) has started 2 tasks: "
                                                f"{ids}."), *_events(base)]
    stage.set_service(running=0, pending=2, events=events, deployments=[
        _deployment(new, "PRIMARY", spec, desired=2, running=0, since=stage.now, done=False)])

    def healthy() -> None:
        _serve(trainer, tasks, spec)
        backend.set_targets_healthy(s.private_ip for s in starting)
        backend.forget_tasks(n.CLUSTER, _tasks(base, "STOPPED"))
        done = rollout_events(tasks, new, stage.now, base.target_group_arn)
        later = [e for e in done if e.created_at <= datetime.now(UTC)] or done[:1]
        stage.set_service(running=2, pending=0, events=[*later, *events], deployments=[
            _deployment(new, "PRIMARY", spec, desired=2, running=2, since=stage.now,
                        done=True)])
        alarms_ok(trainer, telemetry.HEALTHY_LEVELS, _firing(base))
        trainer.restart_traffic(tasks)

    trainer.later(healthy)


def scale_out(trainer: Trainer, desired: int) -> None:
    """p1-degraded: the extra tasks serve after `settle_s`; the load spreads over them."""
    base, stage = trainer.base, _stage(trainer)
    service = _service(base)
    spec = _task_definition(base, service["deployments"][0]["taskDefinition"])
    primary = service["deployments"][0]
    before = len(_tasks(base, "RUNNING"))
    tasks = _start_tasks(trainer, stage, desired - before, primary["id"], spec)
    since = primary["createdAt"].astimezone(UTC)

    def spread() -> None:
        _serve(trainer, tasks, spec)
        stage.set_service(running=desired, pending=0, events=_events(base), deployments=[
            _deployment(primary["id"], "PRIMARY", spec, desired=desired, running=desired,
                        since=since, done=True)])
        share = before / desired
        levels = telemetry.MetricLevels(cpu=round(88.0 * share * 0.8, 1),
                                        response_time_s=round(0.18 + 0.4 * share, 2),
                                        requests_per_min=310.0)
        alarms_ok(trainer, levels, [n.ALARM_CPU, n.ALARM_RESPONSE_TIME])
        trainer.restart_traffic(tasks, keep_running=True)

    trainer.later(spread)


def run_backup_now(trainer: Trainer, task_definition: str) -> None:
    """backup-failure: tasks with the valid DATABASE_URL replace the old ones, and the
    backup service's first run writes a fresh backup."""
    base, stage = trainer.base, _stage(trainer)
    spec = _task_definition(base, task_definition)
    old = _tasks(base, "RUNNING")
    _stop_tasks(base, old, "Scaling activity initiated by a new deployment")
    tasks = stage.steady_fleet(deployed=stage.ago(minutes=5),
                               task_definition=spec["taskDefinitionArn"])
    serving = {t.private_ip for t in tasks}
    elbv2 = base.api("elbv2")
    others = [d["Target"] for d in elbv2.describe_target_health(
        TargetGroupArn=base.target_group_arn)["TargetHealthDescriptions"]
        if d["Target"]["Id"] not in serving]
    if others:
        elbv2.deregister_targets(TargetGroupArn=base.target_group_arn, Targets=others)
    backend.forget_tasks(n.CLUSTER, old)
    stage.put_backups(stage.now, count=1)
    trainer.restart_traffic(tasks)
    trainer.settled()

