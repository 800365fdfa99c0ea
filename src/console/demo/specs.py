"""The states scenarios ask the backend to set, as plain data (no moto here).

history.py, fleet.py and the scenarios build these; backend.py applies them to moto's objects.
Datetimes are aware (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StackResourceSpec:
    """A resource moto's CloudFormation cannot create, created through its own API."""

    logical_id: str
    resource_type: str
    physical_id: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StackEventSpec:
    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str = ""
    physical_id: str = ""


@dataclass(frozen=True)
class DeploymentSpec:
    deployment_id: str
    status: str  # PRIMARY, ACTIVE
    task_definition_arn: str
    desired: int
    running: int
    pending: int
    failed_tasks: int
    rollout_state: str
    rollout_reason: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ServiceEventSpec:
    created_at: datetime
    message: str


@dataclass(frozen=True)
class TaskStateSpec:
    """How one task looks to DescribeTasks. Times left None are absent, as on AWS."""

    last_status: str  # PENDING, ACTIVATING, RUNNING, STOPPED ...
    desired_status: str  # RUNNING or STOPPED
    health: str  # HEALTHY, UNHEALTHY, UNKNOWN
    created_at: datetime
    private_ip: str
    availability_zone: str
    started_at: datetime | None = None
    stopping_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_code: str | None = None
    stopped_reason: str = ""
    exit_code: int | None = None
    container_reason: str | None = None
    subnet_id: str | None = None
    cpu: str = "256"
    memory: str = "512"
