"""One entry of the changes timeline: something that changed in the deployment, and when.

Shared by the changes timeline (probes), the `changes` command, the Metrics & Changes screen (which
marks entries on its time axis) and the incident record. Entries come from AWS's own records (stack
events, ECS deployments and service events, stopped tasks, target health, alarm history, task
definition revisions, the log tail's error counts) and from the console's own actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# The kinds, most suspicious first when asking "what changed before this broke".
KINDS = (
    "deployment",  # an ECS deployment created, completed, failed, rolled back
    "task-definition",  # a new task definition revision
    "stack",  # a stack event (update started, resource failed, rollback)
    "config",  # a configuration change (parameters, secrets rotated...) AWS recorded
    "action",  # the console's own actions
    "alarm",  # an alarm state transition
    "target-health",  # a target turning unhealthy / healthy
    "task-stop",  # a task stopped, with its reason
    "service-event",  # an ECS service event message
    "log-errors",  # the log error rate changed
)


@dataclass(frozen=True)
class ChangeEntry:
    at: datetime  # aware UTC
    kind: str  # one of KINDS
    resource: str  # the resource's full name (panes may shorten it)
    summary: str  # one line, from AWS's own text where there is one
    # ordered key/value pairs for the detail view
    detail: tuple[tuple[str, str], ...] = field(default=())
