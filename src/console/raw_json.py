"""The raw JSON of the resource highlighted in a pane, as AWS describes it now.

One read-only Describe call per request, made when the operator asks (`v`), never on a poll:
ECS task (DescribeTasks) or, with no task highlighted, the service (DescribeServices); alarm
(DescribeAlarms); target (DescribeTargetHealth); stack event (DescribeStackEvents, newest
page; the whole stack with no row). Costs are not re-read (Cost Explorer charges per request):
the console's own record is shown, and says so. Nothing here reads a secret's value: no
GetSecretValue, no task definition (its environment values stay unread).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from probes.context import AwsContext
from probes.deployment import Deployment


@dataclass(frozen=True)
class RawRequest:
    """What `v` will read: a title and, unless `record` is given, one AWS call."""

    title: str
    service: str = ""
    operation: str = ""  # botocore method name: describe_tasks
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    pick: str = ""  # the response key holding a list whose first item is the resource
    match: tuple[str, str] | None = None  # (field, value) to pick the item by
    record: Any = None  # no AWS call: this object as the console holds it

    @property
    def action(self) -> str:
        """The IAM action, for a classified error: ``ecs:DescribeTasks``."""
        return f"{self.service}:{''.join(p.capitalize() for p in self.operation.split('_'))}"


def request_for(pane: str, key: str | None, data: Any, deployment: Deployment) -> RawRequest | str:
    """The request for the row `key` of `pane`, or why there is none (one line)."""
    if pane == "ecs":
        if key:
            return RawRequest(f"ECS task {key.rsplit('/', 1)[-1]}", "ecs", "describe_tasks",
                              {"cluster": deployment.cluster, "tasks": [key]}, pick="tasks")
        return RawRequest(f"ECS service {deployment.service}", "ecs", "describe_services",
                          {"cluster": deployment.cluster, "services": [deployment.service]},
                          pick="services")
    if pane == "alarms" and key:
        return RawRequest(f"Alarm {key}", "cloudwatch", "describe_alarms",
                          {"AlarmNames": [key], "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
                          pick="MetricAlarms|CompositeAlarms")
    if pane == "targets" and key:
        arn, target_id, port = key.split("|")
        target: dict[str, Any] = {"Id": target_id}
        if port.isdigit():
            target["Port"] = int(port)
        return RawRequest(f"Target {target_id}", "elbv2", "describe_target_health",
                          {"TargetGroupArn": arn, "Targets": [target]},
                          pick="TargetHealthDescriptions")
    if pane == "stack":
        if key:
            return RawRequest(f"Stack event {key}", "cloudformation", "describe_stack_events",
                              {"StackName": deployment.stack}, pick="StackEvents",
                              match=("EventId", key))
        return RawRequest(f"Stack {deployment.stack}", "cloudformation", "describe_stacks",
                          {"StackName": deployment.stack}, pick="Stacks")
    if pane == "costs" and key and data is not None:
        record = next((s for s in data.services if s.service == key), None)
        if record is not None:
            return RawRequest(f"Cost of {key} (as the console holds it: Cost Explorer is not "
                              "re-read, it charges per request)", record=record)
    if pane == "logs":
        return "the Logs pane holds text lines, not a resource: Enter opens a line whole"
    return "highlight a row first"


async def fetch_raw(ctx: AwsContext, request: RawRequest) -> Any:
    """The resource's JSON-ready dict (may raise what botocore raises)."""
    if request.record is not None:
        return plain(request.record)
    client = await ctx.client(request.service)
    response = await getattr(client, request.operation)(**request.params)
    items: list[Any] = []
    for name in request.pick.split("|"):
        items += response.get(name, []) if name else []
    if request.match is not None:
        field, value = request.match
        items = [i for i in items if i.get(field) == value]
        if not items:
            raise LookupError(f"{value} is not among the stack's newest events any more "
                              "(DescribeStackEvents' first page)")
    if not items:
        raise LookupError(f"AWS returned no {request.title} ({request.action}): it may have "
                          "been deleted since the pane's last refresh")
    return items[0]


def plain(value: Any) -> Any:
    """A dataclass (the console's record) as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def to_json(value: Any) -> str:
    """Indented JSON; datetimes in ISO 8601, as the AWS CLI prints them."""

    def default(obj: Any) -> Any:
        if isinstance(obj, (datetime, date)):
            return obj.isoformat()
        return str(obj)

    return json.dumps(value, indent=2, default=default, ensure_ascii=False)
