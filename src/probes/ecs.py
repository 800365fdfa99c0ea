"""ECS: the service's counts, deployments and events, and its tasks (running and recently stopped).

Calls per collection, all in flight together: one DescribeServices, ListTasks for RUNNING and for
STOPPED (every page), then DescribeTasks in batches of at most 100 (the API's limit), sent
together, for only the tasks `probes.ecs_task_cache` says need it: a stopped task is described
once and kept, so the cost of a poll does not grow with the service's history. Tasks are kept
only when their group is the service's own (``service:NAME``): some endpoints ignore
ListTasks' serviceName filter.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from probes.context import AwsContext
from probes.ecs_task_cache import DESCRIBE_TASKS_BATCH, TaskCache
from probes.result import Probe, ProbeResult
from probes.task_stops import TaskStop, classify_stop

__all__ = ["DESCRIBE_TASKS_BATCH", "EcsProbe", "EcsTask", "ServiceSnapshot"]


@dataclass(frozen=True)
class ServiceEvent:
    event_id: str
    created_at: datetime | None
    message: str


@dataclass(frozen=True)
class EcsDeployment:
    deployment_id: str
    status: str  # PRIMARY, ACTIVE, INACTIVE
    task_definition: str
    desired: int
    running: int
    pending: int
    failed_tasks: int
    rollout_state: str  # COMPLETED, IN_PROGRESS, FAILED ("" when absent)
    rollout_reason: str
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def revision(self) -> str:
        return task_definition_revision(self.task_definition)


@dataclass(frozen=True)
class Container:
    name: str
    last_status: str
    exit_code: int | None
    reason: str
    health: str
    image: str = ""


@dataclass(frozen=True)
class EcsTask:
    task_id: str
    task_arn: str
    last_status: str
    desired_status: str
    health: str  # HEALTHY, UNHEALTHY, UNKNOWN
    started_at: datetime | None
    stopped_at: datetime | None
    stopped_reason: str
    stop_code: str
    containers: tuple[Container, ...]
    cpu: str
    memory: str
    task_definition: str
    private_ip: str = ""
    availability_zone: str = ""
    created_at: datetime | None = None

    @property
    def revision(self) -> str:
        return task_definition_revision(self.task_definition)

    @property
    def exit_codes(self) -> tuple[int, ...]:
        return tuple(c.exit_code for c in self.containers if c.exit_code is not None)

    @property
    def stop(self) -> TaskStop | None:
        """Why it stopped (None while it runs): see `probes.task_stops`."""
        if not self.is_stopped:
            return None
        return classify_stop(self.stop_code, self.stopped_reason, self.exit_codes,
                             (c.reason for c in self.containers))

    @property
    def failed(self) -> bool:
        """Stopped for a failing reason, not replaced by a deployment, scaled in or stopped
        by someone."""
        stop = self.stop
        return stop is not None and stop.failure

    @property
    def out_of_memory(self) -> bool:
        """Killed for memory: OutOfMemoryError in a container's reason (exit 137 alone is
        any SIGKILL, e.g. after a deployment's stop timeout)."""
        return self.stop is TaskStop.OUT_OF_MEMORY

    @property
    def is_stopped(self) -> bool:
        return self.last_status in ("STOPPED", "DEPROVISIONING", "STOPPING") or (
            self.desired_status == "STOPPED")


@dataclass(frozen=True)
class ServiceSnapshot:
    cluster: str
    service: str
    status: str
    desired: int
    running: int
    pending: int
    task_definition: str
    launch_type: str
    deployments: tuple[EcsDeployment, ...]
    events: tuple[ServiceEvent, ...]  # newest first
    tasks: tuple[EcsTask, ...]  # running first, then stopped, newest first
    security_groups: tuple[str, ...] = ()
    subnets: tuple[str, ...] = ()
    service_arn: str = ""

    @property
    def running_tasks(self) -> tuple[EcsTask, ...]:
        return tuple(t for t in self.tasks if not t.is_stopped)

    @property
    def stopped_tasks(self) -> tuple[EcsTask, ...]:
        return tuple(t for t in self.tasks if t.is_stopped)

    @property
    def failed_tasks(self) -> tuple[EcsTask, ...]:
        return tuple(t for t in self.tasks if t.failed)

    @property
    def primary(self) -> EcsDeployment | None:
        return next((d for d in self.deployments if d.status == "PRIMARY"), None)

    @property
    def rolling_out(self) -> bool:
        return len(self.deployments) > 1 or any(
            d.rollout_state == "IN_PROGRESS" for d in self.deployments)


def task_definition_revision(arn: str) -> str:
    """``arn:...:task-definition/family:7`` -> ``family:7``."""
    return arn.rsplit("/", 1)[-1] if arn else ""


def _deployment(raw: dict) -> EcsDeployment:
    return EcsDeployment(
        deployment_id=raw.get("id", ""),
        status=raw.get("status", ""),
        task_definition=raw.get("taskDefinition", ""),
        desired=int(raw.get("desiredCount", 0)),
        running=int(raw.get("runningCount", 0)),
        pending=int(raw.get("pendingCount", 0)),
        failed_tasks=int(raw.get("failedTasks", 0)),
        rollout_state=raw.get("rolloutState", "") or "",
        rollout_reason=raw.get("rolloutStateReason", "") or "",
        created_at=raw.get("createdAt"),
        updated_at=raw.get("updatedAt"),
    )


def _private_ip(raw: dict) -> str:
    for attachment in raw.get("attachments", []):
        for detail in attachment.get("details", []):
            if detail.get("name") == "privateIPv4Address":
                return detail.get("value", "")
    for container in raw.get("containers", []):
        for iface in container.get("networkInterfaces", []):
            if iface.get("privateIpv4Address"):
                return iface["privateIpv4Address"]
    return ""


def parse_task(raw: dict) -> EcsTask:
    containers = tuple(
        Container(
            name=c.get("name", ""),
            last_status=c.get("lastStatus", ""),
            exit_code=c.get("exitCode"),
            reason=c.get("reason", "") or "",
            health=c.get("healthStatus", "") or "",
            image=c.get("image", "") or "",
        )
        for c in raw.get("containers", [])
    )
    health = raw.get("healthStatus") or ""
    if not health:  # some endpoints report health only per container
        states = {c.health for c in containers if c.health}
        health = ("UNHEALTHY" if "UNHEALTHY" in states
                  else "HEALTHY" if states == {"HEALTHY"} else "UNKNOWN")
    arn = raw.get("taskArn", "")
    return EcsTask(
        task_id=arn.rsplit("/", 1)[-1],
        task_arn=arn,
        last_status=raw.get("lastStatus", ""),
        desired_status=raw.get("desiredStatus", ""),
        health=health,
        started_at=raw.get("startedAt"),
        stopped_at=raw.get("stoppedAt"),
        stopped_reason=raw.get("stoppedReason", "") or "",
        stop_code=raw.get("stopCode", "") or "",
        containers=containers,
        cpu=str(raw.get("cpu", "") or ""),
        memory=str(raw.get("memory", "") or ""),
        task_definition=raw.get("taskDefinitionArn", ""),
        private_ip=_private_ip(raw),
        availability_zone=raw.get("availabilityZone", "") or "",
        created_at=raw.get("createdAt"),
    )


# DescribeServices returns at most the service's 100 latest events (ECS API reference,
# Service.events; botocore's model says the same): hold all of them.
MAX_SERVICE_EVENTS = 100


def parse_service(raw: dict, cluster: str, tasks: tuple[EcsTask, ...],
                  keep_events: int = MAX_SERVICE_EVENTS) -> ServiceSnapshot:
    network = (raw.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    return ServiceSnapshot(
        cluster=cluster,
        service=raw.get("serviceName", ""),
        status=raw.get("status", ""),
        desired=int(raw.get("desiredCount", 0)),
        running=int(raw.get("runningCount", 0)),
        pending=int(raw.get("pendingCount", 0)),
        task_definition=raw.get("taskDefinition", ""),
        launch_type=raw.get("launchType", "") or "",
        deployments=tuple(_deployment(d) for d in raw.get("deployments", [])),
        events=tuple(
            ServiceEvent(e.get("id", ""), e.get("createdAt"), e.get("message", ""))
            for e in raw.get("events", [])[:keep_events]
        ),
        tasks=tasks,
        security_groups=tuple(network.get("securityGroups", [])),
        subnets=tuple(network.get("subnets", [])),
        service_arn=raw.get("serviceArn", ""),
    )


def _epoch(*moments: datetime | None) -> float:
    """The first moment given, as seconds; 0 when none is known."""
    return next((m.timestamp() for m in moments if m is not None), 0.0)


def order_tasks(tasks: list[EcsTask]) -> tuple[EcsTask, ...]:
    """Running tasks first (oldest start first), then stopped ones, most recently stopped first.
    The order is stable across refreshes so rows do not jump."""
    running = sorted((t for t in tasks if not t.is_stopped),
                     key=lambda t: (_epoch(t.started_at, t.created_at), t.task_id))
    stopped = sorted((t for t in tasks if t.is_stopped),
                     key=lambda t: (-_epoch(t.stopped_at, t.started_at, t.created_at), t.task_id))
    return tuple(running) + tuple(stopped)


class ServiceNotFound(LookupError):
    pass


class EcsProbe(Probe[ServiceSnapshot]):
    name = "ecs"
    interval_s = 10.0
    busy_interval_s = 5.0

    def __init__(self, ctx: AwsContext, cluster: str, service: str, *,
                 interval_s: float | None = None, keep_stopped: int = 20):
        super().__init__(ctx, interval_s=interval_s)
        self.cluster = cluster
        self.service = service
        self.keep_stopped = keep_stopped
        self._cache = TaskCache(keep_stopped=keep_stopped)
        self._cache_key = (cluster, service)

    async def collect(self) -> ServiceSnapshot:
        ecs = await self.ctx.client("ecs")
        # The service and its tasks are independent reads: ask at once (AWS is a network
        # round trip away; the probe's latency is the slower of the two, not their sum).
        described, tasks = await asyncio.gather(
            ecs.describe_services(cluster=self.cluster, services=[self.service]),
            self._tasks(ecs))
        services = described.get("services", [])
        if not services or services[0].get("status") == "INACTIVE":
            reason = "; ".join(f"{f.get('arn', '')}: {f.get('reason', '')}"
                               for f in described.get("failures", []))
            raise ServiceNotFound(
                f"service {self.service} not found in cluster {self.cluster}"
                + (f" ({reason})" if reason else ""))
        return parse_service(services[0], self.cluster, tasks)

    async def _task_arns(self, ecs, desired_status: str) -> list[str]:
        arns: list[str] = []
        paginator = ecs.get_paginator("list_tasks")
        async for page in paginator.paginate(cluster=self.cluster, serviceName=self.service,
                                             desiredStatus=desired_status):
            arns.extend(page.get("taskArns", []))
        return arns

    async def _tasks(self, ecs) -> tuple[EcsTask, ...]:
        running, stopped = await asyncio.gather(self._task_arns(ecs, "RUNNING"),
                                                self._task_arns(ecs, "STOPPED"))
        cache = self._cache_for_service()
        running_set = set(running)
        batches = cache.plan(list(dict.fromkeys(running)),
                             [a for a in dict.fromkeys(stopped) if a not in running_set])
        pages = await asyncio.gather(*(ecs.describe_tasks(cluster=self.cluster, tasks=batch)
                                       for batch in batches))
        raws = [raw for page in pages for raw in page.get("tasks", [])]
        cache.record([parse_task(r) for r in raws],
                     {r.get("taskArn", ""): r.get("group") for r in raws},
                     f"service:{self.service}")
        return order_tasks(cache.shown())

    def _cache_for_service(self) -> TaskCache:
        """The task cache, emptied when the probe is pointed at another service."""
        if self._cache_key != (self.cluster, self.service):
            self._cache_key = (self.cluster, self.service)
            self._cache = TaskCache(keep_stopped=self.keep_stopped)
        return self._cache

    def next_interval(self, result: ProbeResult[ServiceSnapshot]) -> float:
        if result.data is not None and result.data.rolling_out:
            return min(self.busy_interval_s, self.interval_s)
        return self.interval_s
