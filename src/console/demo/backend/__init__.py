"""Every touch of moto's internals, and nothing else.

moto's API cannot produce the states an incident console exists for: unhealthy targets, stopped
tasks with exit codes, ECS service events, failed stack events, alarm or object ages. The
emulator runs in this process, so these functions set such states on moto's backend objects,
and the normal API calls then return them. They are internal structures of moto 5.2.5 (pinned
in pyproject.toml); tests/demo/test_backend.py fails loudly, naming the internal, when an
upgrade moves one. `INTERNALS` lists them for that test.

Datetimes given here are aware (UTC); moto stores naive UTC, so they are converted. The
emulator's strict mode (`strict.py`) and training mode's request observer (`observe.py`) live in
this package too, under the same rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moto.acm.models import acm_backends
from moto.cloudformation.models import Event, cloudformation_backends
from moto.cloudwatch.models import cloudwatch_backends
from moto.ecs.models import ecs_backends
from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup
from moto.s3.models import s3_backends

from console.demo.names import ACCOUNT_ID, REGION
from console.demo.specs import (
    DeploymentSpec,
    ServiceEventSpec,
    StackEventSpec,
    StackResourceSpec,
    TaskStateSpec,
)

# What this module relies on, as "module: attribute" lines; checked by test_backend.py.
INTERNALS = (
    "moto.elbv2.models: FakeTargetGroup.health_for(self, target, ec2_backend)",
    "moto.elbv2.models: FakeHealthStatus(id, port, health_port, status, reason, description)",
    "moto.cloudformation.models: cloudformation_backends[account][region].get_stack(name)",
    "moto.cloudformation.models: Stack.events (list of Event), .status, .creation_time",
    "moto.cloudformation.models: Stack.resource_map._resource_json_map / ._parsed_resources",
    "moto.cloudformation.models: Event(stack_id, stack_name, logical_resource_id, ...)",
    "moto.ecs.models: ecs_backends[account][region].services['cluster:service']",
    "moto.ecs.models: Service.events/.deployments/.running_count/.pending_count/.launch_type",
    "moto.ecs.models: ecs_backends[account][region].tasks[cluster][task_arn]",
    "moto.ecs.models: Task.status (ManagedState), .attachments, .containers[0]",
    "moto.ecs.models: Container.exitCode/.last_status/.health_status/.reason",
    "moto.s3.models: s3_backends[account]['aws'].get_object(bucket, key).last_modified",
    "moto.cloudwatch.models: cloudwatch_backends[account][region].alarms[name]",
    "moto.acm.models: acm_backends[account][region].get_certificate(arn).status",
    "moto.moto_server.threaded_moto_server: ThreadedMotoServer._server (werkzeug server)",
    "moto.cloudformation.responses: CloudFormationResponse.describe_stack_events(self)",
    "moto.ecs.responses: EC2ContainerServiceResponse.list_tasks(self)",
    "moto.cloudwatch.responses: CloudWatchResponse.describe_alarms/.put_metric_alarm(self)",
    "moto.core.responses: BaseResponse._get_param(name), ActionResult(dict)",
    "moto.cloudwatch.models: Alarm.rule/.state_updated_timestamp (composite: rule set)",
    "werkzeug.serving: BaseWSGIServer.app (the WSGI app every request goes through)",
    "moto.ecs.models: ecs_backends[account][region].tasks[cluster] (dict by task ARN)",
    "moto.logs.models: LogGroup.filter_log_events(self, log_group_name, log_stream_names, ...)",
    "moto.logs.models: LogGroup.streams (dict name -> LogStream)",
    "moto.logs.exceptions: ResourceNotFoundException(msg)",
    "moto.logs.models: LogStream.put_log_events/.filter_log_events/.get_log_events, .events",
    "moto.logs.models: LogEvent.ingestion_time, LogStream.log_group.name/.log_stream_name",
    "moto.cloudwatch.models: Alarm.history (StateUpdate tuples)/.state_value/.state_reason",
    "moto.ecs.models: ecs_backends[account][region].task_definitions[family][rev].registered_at",
)

_UNHEALTHY_REASON = "Target.ResponseCodeMismatch"
_UNHEALTHY_DESCRIPTION = "Health checks failed with these codes: [502]"

# Target id -> (reason code, description) of targets that report unhealthy. Cleared by reset().
_unhealthy_targets: dict[str, tuple[str, str]] = {}
_PATCH_MARK = "_incident_console_demo_patch"


def _naive(moment: datetime) -> datetime:
    """moto keeps naive UTC datetimes."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


# -- lifecycle ------------------------------------------------------------------------------

def install() -> None:
    """Install the patches (idempotent): target health answers from `_unhealthy_targets`;
    DescribeAlarmHistory is served (alarm_history.py); GetMetricData answers p50/p95, fast."""
    from console.demo.backend import alarm_history, metric_data

    alarm_history.install()
    metric_data.install()
    original = FakeTargetGroup.health_for
    if getattr(original, _PATCH_MARK, False):
        return

    def health_for(self: FakeTargetGroup, target: dict[str, Any],
                   ec2_backend: Any) -> FakeHealthStatus:
        status = original(self, target, ec2_backend)
        injected = _unhealthy_targets.get(target["Id"])
        if injected is None or status.status != "healthy":
            return status
        reason, description = injected
        return FakeHealthStatus(status.instance_id, status.port, self.health_check_port,
                                "unhealthy", reason, description)

    setattr(health_for, _PATCH_MARK, True)
    health_for.__wrapped__ = original  # type: ignore[attr-defined]
    FakeTargetGroup.health_for = health_for  # type: ignore[method-assign]


def reset() -> None:
    """Forget every injected state (call with moto's own reset, between scenarios)."""
    _unhealthy_targets.clear()


def quiet_server_errors(server: Any) -> None:
    """socketserver prints a traceback to stderr when a request handler fails (a client that
    hangs up mid-response): inside a full-screen app that is screen corruption."""
    wsgi_server = server._server
    wsgi_server.handle_error = lambda request, client_address: None


# -- ELBv2 ----------------------------------------------------------------------------------

def set_targets_unhealthy(target_ids: Iterable[str], reason: str = _UNHEALTHY_REASON,
                          description: str = _UNHEALTHY_DESCRIPTION) -> None:
    """DescribeTargetHealth reports these registered targets unhealthy."""
    for target_id in target_ids:
        _unhealthy_targets[target_id] = (reason, description)


# -- CloudFormation -------------------------------------------------------------------------

@dataclass
class _BoundResource:
    """What ListStackResources reads from a resource-map entry."""

    logical_resource_id: str
    physical_resource_id: str
    cf_resource_type: str


def _stack(name: str, region: str) -> Any:
    return cloudformation_backends[ACCOUNT_ID][region].get_stack(name)


def add_stack_resources(stack_name: str, resources: Sequence[StackResourceSpec],
                        region: str = REGION) -> None:
    """List resources made through their own API among the stack's resources, as a real
    template would have created them (alarms, the secret, the distribution, a NAT gateway)."""
    resource_map = _stack(stack_name, region).resource_map
    for spec in resources:
        resource_map._resource_json_map[spec.logical_id] = {
            "Type": spec.resource_type, "Properties": dict(spec.properties)}
        resource_map._parsed_resources[spec.logical_id] = _BoundResource(
            spec.logical_id, spec.physical_id, spec.resource_type)


def _events(stack: Any, events: Sequence[StackEventSpec]) -> list[Any]:
    made = []
    for spec in events:
        physical = spec.physical_id or (stack.stack_id if spec.logical_id == stack.name else "")
        event = Event(stack_id=stack.stack_id, stack_name=stack.name,
                      logical_resource_id=spec.logical_id, physical_resource_id=physical,
                      resource_type=spec.resource_type, resource_status=spec.status,
                      resource_status_reason=spec.reason or None, resource_properties=None)
        event.timestamp = _naive(spec.timestamp)
        made.append(event)
    return made


def set_stack_history(stack_name: str, events: Sequence[StackEventSpec], *, status: str,
                      created_at: datetime, last_updated_at: datetime | None = None,
                      status_reason: str | None = None, region: str = REGION) -> None:
    """Replace the stack's events (given oldest first) and set its status and times."""
    stack = _stack(stack_name, region)
    stack.events = _events(stack, events)
    stack.status = status
    stack.creation_time = _naive(created_at)
    stack.last_updated_time = _naive(last_updated_at) if last_updated_at else None
    stack.status_reason = status_reason


def append_stack_events(stack_name: str, events: Sequence[StackEventSpec],
                        region: str = REGION) -> None:
    """Add events (oldest first) after the stack's existing ones, which keep their ids."""
    stack = _stack(stack_name, region)
    stack.events.extend(_events(stack, events))


# -- ECS ------------------------------------------------------------------------------------

def _service(cluster: str, service: str, region: str) -> Any:
    return ecs_backends[ACCOUNT_ID][region].services[f"{cluster}:{service}"]


def set_service_state(cluster: str, service: str, *, running: int, pending: int,
                      deployments: Sequence[DeploymentSpec], events: Sequence[ServiceEventSpec],
                      created_at: datetime, region: str = REGION) -> None:
    """Counts, deployments and events (given newest first) as ECS would report them."""
    svc = _service(cluster, service, region)
    network = svc.network_configuration or None
    svc.running_count = running
    svc.pending_count = pending
    svc.created_at = _naive(created_at)
    svc.platform_family = "Linux"
    svc.deployments = [
        {
            "id": d.deployment_id, "status": d.status, "taskDefinition": d.task_definition_arn,
            "desiredCount": d.desired, "pendingCount": d.pending, "runningCount": d.running,
            "failedTasks": d.failed_tasks, "createdAt": _naive(d.created_at),
            "updatedAt": _naive(d.updated_at), "launchType": svc.launch_type,
            "platformVersion": svc.platform_version or "1.4.0", "platformFamily": "Linux",
            "networkConfiguration": network, "rolloutState": d.rollout_state,
            "rolloutStateReason": d.rollout_reason,
        }
        for d in deployments
    ]
    svc.events = [
        {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{e.created_at.isoformat()} {e.message}")),
         "createdAt": _naive(e.created_at), "message": e.message}
        for e in events
    ]


def _task(cluster: str, task_arn: str, region: str) -> Any:
    return ecs_backends[ACCOUNT_ID][region].tasks[cluster][task_arn]


def set_task_state(cluster: str, task_arn: str, spec: TaskStateSpec,
                   region: str = REGION) -> None:
    """Status, health, times, stop code and reason, exit code and private IP of one task."""
    task = _task(cluster, task_arn, region)
    task.status = spec.last_status
    task.desired_status = spec.desired_status
    task.health_status = spec.health
    task.connectivity = "CONNECTED" if spec.last_status != "PENDING" else None
    task.cpu, task.memory = spec.cpu, spec.memory
    task.availability_zone = spec.availability_zone
    task.platform_version = task.platform_version or "1.4.0"
    task.platform_family = "Linux"
    task.created_at = _naive(spec.created_at)
    task.pull_started_at = task.created_at if spec.started_at else None
    task.started_at = _naive(spec.started_at) if spec.started_at else None
    task.stopping_at = _naive(spec.stopping_at) if spec.stopping_at else None
    task.stopped_at = _naive(spec.stopped_at) if spec.stopped_at else None
    task.execution_stopped_at = task.stopped_at
    task.stop_code = spec.stop_code
    task.stopped_reason = spec.stopped_reason
    dns_name = f"ip-{spec.private_ip.replace('.', '-')}.{region}.compute.internal"
    attachment_id = ""
    for attachment in task.attachments:
        attachment_id = attachment["id"]
        attachment["status"] = "DELETED" if spec.last_status == "STOPPED" else "ATTACHED"
        for detail in attachment["details"]:
            if detail["name"] == "privateIPv4Address":
                detail["value"] = spec.private_ip
            elif detail["name"] == "privateDnsName":
                detail["value"] = dns_name
            elif detail["name"] == "subnetId" and spec.subnet_id:
                detail["value"] = spec.subnet_id
    container = task.containers[0]
    container.task_arn = task.task_arn
    container.exitCode = spec.exit_code
    container.reason = spec.container_reason
    container.last_status = {"STOPPED": "STOPPED", "RUNNING": "RUNNING",
                             "ACTIVATING": "RUNNING"}.get(spec.last_status, "PENDING")
    container.health_status = spec.health
    container.network_interfaces = [
        {"attachmentId": attachment_id, "privateIpv4Address": spec.private_ip}]


# -- S3, CloudWatch, ACM --------------------------------------------------------------------

def set_object_last_modified(bucket: str, key: str, when: datetime) -> None:
    """Backdate an object (the backup series needs objects written hours and days ago)."""
    obj = s3_backends[ACCOUNT_ID]["aws"].get_object(bucket, key)
    if obj is None:
        raise KeyError(f"s3://{bucket}/{key}")
    obj.last_modified = _naive(when)


def set_alarm_state_since(alarm_name: str, since: datetime, region: str = REGION) -> None:
    """When the alarm entered its current state (set_alarm_state stamps 'now')."""
    cloudwatch_backends[ACCOUNT_ID][region].alarms[alarm_name].state_updated_timestamp = (
        _naive(since))


def set_alarm_transitioned(alarm_name: str, transitioned: datetime, evaluated: datetime,
                           region: str = REGION) -> None:
    """AWS's two times: the state changed at `transitioned` (StateTransitionedTimestamp); the
    alarm was last re-evaluated (its reason or data changed, StateUpdatedTimestamp) at
    `evaluated`."""
    alarm = cloudwatch_backends[ACCOUNT_ID][region].alarms[alarm_name]
    alarm.state_transitioned_timestamp = _naive(transitioned)
    alarm.state_updated_timestamp = _naive(evaluated)


def mark_certificate_issued(certificate_arn: str, region: str = REGION) -> None:
    """moto keeps a requested certificate PENDING_VALIDATION for a minute; ours is old."""
    acm_backends[ACCOUNT_ID][region].get_certificate(certificate_arn).status = "ISSUED"


def forget_tasks(cluster: str, task_arns: Iterable[str], region: str = REGION) -> None:
    """Drop stopped tasks, as ECS does after about an hour (training mode fast-forwards)."""
    tasks = ecs_backends[ACCOUNT_ID][region].tasks.get(cluster, {})
    for arn in task_arns:
        tasks.pop(arn, None)


def set_task_definition_registered(task_definition_arn: str, when: datetime,
                                   region: str = REGION) -> None:
    """When a revision was registered (moto stamps the build's real time)."""
    family, revision = task_definition_arn.rsplit("/", 1)[-1].rsplit(":", 1)
    definitions = ecs_backends[ACCOUNT_ID][region].task_definitions[family]
    definitions[int(revision)].registered_at = _naive(when)


def set_targets_healthy(target_ids: Iterable[str]) -> None:
    """Undo `set_targets_unhealthy` for these targets."""
    for target_id in target_ids:
        _unhealthy_targets.pop(target_id, None)


# The strict mode and training's request observer live beside this module (same rules: moto
# internals, listed in INTERNALS above).
from console.demo.backend.observe import (  # noqa: E402
    RequestAnswerer,
    RequestListener,
    observe_requests,
)
from console.demo.backend.strict import (  # noqa: E402
    delay_log_ingestion,
    enable_strict_paging_and_alarms,
    strict_log_stream_names,
)

__all__ = ["RequestAnswerer", "RequestListener", "delay_log_ingestion",
           "enable_strict_paging_and_alarms",
           "observe_requests", "strict_log_stream_names"]
