"""The ECS service's tasks and what ECS says about them.

moto's services never start tasks, so the fleet starts them itself with RunTask (FARGATE, group
``service:<name>``, startedBy the deployment id, as the service scheduler would), registers their
private IPs in the target group, and then sets what moto cannot: each task's status, health,
times, stop code and exit code, and the service's counts, deployments and event messages.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.demo import backend, specs
from console.demo import names as n
from console.demo.deployment import BaseDeployment
from console.demo.loglines import LogSource

# Why a task stopped: (stoppedReason, stopCode, container exit code, container reason).
OOM_REASON = "OutOfMemoryError: Container killed due to memory usage"
STOPS: dict[str, tuple[str, str, int | None, str | None]] = {
    "oom": (OOM_REASON, "EssentialContainerExited", 137, OOM_REASON),
    "container_health": ("Task failed container health checks", "ServiceSchedulerInitiated",
                         137, None),
    "elb_health": ("Task failed ELB health checks in (target-group {tg})",
                   "ServiceSchedulerInitiated", 143, None),
    # Replaced by a deployment: SIGTERM (143), or SIGKILL (137) after the stop timeout.
    "replaced": ("Scaling activity initiated by (deployment {deployment})",
                 "ServiceSchedulerInitiated", 143, None),
    "replaced_killed": ("Scaling activity initiated by (deployment {deployment})",
                        "ServiceSchedulerInitiated", 137, None),
}


@dataclass(frozen=True)
class TaskPlan:
    """One task of the service. `fate` is "serving", "starting" (ACTIVATING: registered but
    failing health checks) or a key of STOPS."""

    fate: str
    created_at: datetime
    stopped_at: datetime | None = None
    in_target_group: bool = False
    health: str = "HEALTHY"


@dataclass(frozen=True)
class LaunchedTask:
    plan: TaskPlan
    task_arn: str
    task_id: str
    private_ip: str
    availability_zone: str

    @property
    def log_source(self) -> LogSource:
        return LogSource(stream=n.log_stream_for(self.task_id), task_id=self.task_id,
                         private_ip=self.private_ip, fate=self.plan.fate,
                         started_at=self.plan.created_at + timedelta(seconds=41),
                         stopped_at=self.plan.stopped_at)


def deployment_id(rng: random.Random) -> str:
    return f"ecs-svc/{rng.randrange(10**18, 10**19)}"


def launch_tasks(base: BaseDeployment, plans: Sequence[TaskPlan], *, deployment: str,
                 task_definition: str, hosts: Sequence[int]) -> list[LaunchedTask]:
    """RunTask for every plan, then each task's state as `plan` says. Task i gets host
    number `hosts[i]` in its subnet (tasks alternate between the two zones)."""
    if not plans:
        return []
    ecs = base.api("ecs")
    started = ecs.run_task(
        cluster=n.CLUSTER, taskDefinition=task_definition, count=len(plans),
        launchType="FARGATE", platformVersion="1.4.0", startedBy=deployment,
        group=f"service:{n.SERVICE}",
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": list(base.subnet_ids), "securityGroups": [base.ecs_security_group_id],
            "assignPublicIp": "ENABLED"}})["tasks"]
    launched = []
    for index, (plan, raw, host) in enumerate(zip(plans, started, hosts, strict=True)):
        zone = n.AVAILABILITY_ZONES[index % 2]
        ip = f"{n.PUBLIC_SUBNET_CIDRS[index % 2].rsplit('.', 1)[0]}.{host}"
        task = LaunchedTask(plan, raw["taskArn"], raw["taskArn"].rsplit("/", 1)[1], ip, zone)
        backend.set_task_state(n.CLUSTER, task.task_arn, _task_state(task, base, deployment))
        launched.append(task)
    registered = [t for t in launched if t.plan.in_target_group]
    if registered:
        base.api("elbv2").register_targets(
            TargetGroupArn=base.target_group_arn,
            Targets=[{"Id": t.private_ip, "Port": n.CONTAINER_PORT,
                      "AvailabilityZone": t.availability_zone} for t in registered])
    return launched


def _task_state(task: LaunchedTask, base: BaseDeployment,
                deployment: str) -> specs.TaskStateSpec:
    plan = task.plan
    started = plan.created_at + timedelta(seconds=41)
    subnet = base.subnet_ids[n.AVAILABILITY_ZONES.index(task.availability_zone)]
    common = {"created_at": plan.created_at, "private_ip": task.private_ip,
              "availability_zone": task.availability_zone, "subnet_id": subnet}
    if plan.fate == "serving":
        return specs.TaskStateSpec("RUNNING", "RUNNING", plan.health, started_at=started,
                                   **common)
    if plan.fate == "starting":  # registered, health checks running: not started yet
        return specs.TaskStateSpec("ACTIVATING", "RUNNING", plan.health, **common)
    reason, code, exit_code, container_reason = STOPS[plan.fate]
    stopped = plan.stopped_at or started + timedelta(minutes=2)
    return specs.TaskStateSpec(
        "STOPPED", "STOPPED", plan.health, started_at=started,
        stopping_at=stopped - timedelta(seconds=31), stopped_at=stopped, stop_code=code,
        stopped_reason=reason.format(tg=base.target_group_arn, deployment=deployment),
        exit_code=exit_code, container_reason=container_reason, **common)


def service_name_tag() -> str:
    return f"(service {n.SERVICE})"


def steady_state_events(until: datetime, since: datetime) -> list[specs.ServiceEventSpec]:
    """ECS repeats "has reached a steady state." about every six hours; newest first."""
    message = f"{service_name_tag()} has reached a steady state."
    events = []
    moment = until
    while moment > since:
        events.append(specs.ServiceEventSpec(moment, message))
        moment -= timedelta(hours=6)
    return events


def rollout_events(tasks: Sequence[LaunchedTask], deployment: str, at: datetime,
                   target_group_arn: str) -> list[specs.ServiceEventSpec]:
    """What ECS says while a deployment starts tasks and completes; newest first."""
    ids = " ".join(f"(task {t.task_id})" for t in tasks)
    tag = service_name_tag()
    said = [
        (timedelta(minutes=4, seconds=12), f"{tag} has reached a steady state."),
        (timedelta(minutes=4, seconds=11), f"{tag} (deployment {deployment}) deployment "
                                           "completed."),
        (timedelta(minutes=2, seconds=3), f"{tag} registered {len(tasks)} targets in "
                                          f"(target-group {target_group_arn})"),
        (timedelta(seconds=2), f"{tag} has started {len(tasks)} tasks: {ids}."),
    ]
    return [specs.ServiceEventSpec(at + after, message) for after, message in said]


def _unhealthy_message(task: LaunchedTask, target_group_arn: str) -> str:
    return (f"{service_name_tag()} (task {task.task_id}) (port {n.CONTAINER_PORT}) is unhealthy "
            f"in (target-group {target_group_arn}) due to (reason Health checks failed with "
            "these codes: [502]).")


def crash_loop_events(stopped: Sequence[LaunchedTask], starting: Sequence[LaunchedTask],
                      target_group_arn: str,
                      gave_up_at: datetime) -> list[specs.ServiceEventSpec]:
    """What ECS says while tasks keep failing: each start, failed health check,
    deregistration and stop, and its 'unable to consistently start tasks' warning."""
    tag, events = service_name_tag(), []

    def say(at: datetime, message: str) -> None:
        events.append(specs.ServiceEventSpec(at, message))

    for task in stopped:
        began, ended = task.plan.created_at, task.plan.stopped_at or gave_up_at
        say(began + timedelta(seconds=2), f"{tag} has started 1 tasks: (task {task.task_id}).")
        if task.plan.fate == "container_health":
            say(ended - timedelta(seconds=40),
                f"{tag} (task {task.task_id}) failed container health checks.")
        if task.plan.fate == "elb_health":
            say(ended - timedelta(seconds=45), _unhealthy_message(task, target_group_arn))
            say(ended - timedelta(seconds=35),
                f"{tag} deregistered 1 targets in (target-group {target_group_arn})")
        say(ended - timedelta(seconds=30),
            f"{tag} has stopped 1 running tasks: (task {task.task_id}).")
    for task in starting:
        say(task.plan.created_at + timedelta(seconds=2),
            f"{tag} has started 1 tasks: (task {task.task_id}).")
        say(task.plan.created_at + timedelta(seconds=75),
            _unhealthy_message(task, target_group_arn))
    say(gave_up_at, f"{tag} is unable to consistently start tasks successfully. For more "
                    "information, see the Troubleshooting section of the Amazon ECS Developer "
                    "Guide.")
    return events


def replacement_events(old: Sequence[LaunchedTask], new: Sequence[LaunchedTask],
                       target_group_arn: str) -> list[specs.ServiceEventSpec]:
    """What ECS says while a rolling deployment replaces `old` tasks with `new` ones (the new
    ones started, registered and healthy; the old ones drained and stopped)."""
    tag, events = service_name_tag(), []
    for task in new:
        events.append(specs.ServiceEventSpec(
            task.plan.created_at + timedelta(seconds=2),
            f"{tag} has started 1 tasks: (task {task.task_id})."))
        events.append(specs.ServiceEventSpec(
            task.plan.created_at + timedelta(minutes=1, seconds=50),
            f"{tag} registered 1 targets in (target-group {target_group_arn})"))
    for task in old:
        stopped = task.plan.stopped_at or task.plan.created_at
        events.append(specs.ServiceEventSpec(
            stopped - timedelta(seconds=40),
            f"{tag} has begun draining connections on 1 tasks."))
        events.append(specs.ServiceEventSpec(
            stopped - timedelta(seconds=35),
            f"{tag} deregistered 1 targets in (target-group {target_group_arn})"))
        events.append(specs.ServiceEventSpec(
            stopped, f"{tag} has stopped 1 running tasks: (task {task.task_id})."))
    return events
