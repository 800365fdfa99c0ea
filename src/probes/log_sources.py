"""What to tail: the log groups under a prefix, and one task's own streams.

ECS's awslogs driver names a task's stream ``<awslogs-stream-prefix>/<container>/<task-id>``
in the group its task definition names, so a task's logs are found from its task definition
alone, without listing the group's (often thousands of) streams. Such a stream may not exist
(a task that never started, a sidecar not yet logging), and FilterLogEvents then rejects the
whole request (ResourceNotFoundException): `filter_page` leaves the missing ones out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from probes.context import AwsContext

DEFAULT_GROUP_PREFIX = "/ecs/"


@dataclass(frozen=True)
class TailTarget:
    """Groups to follow, optionally only some streams of them, and a title saying which."""

    groups: tuple[str, ...]
    stream_names: tuple[str, ...] = ()
    title: str = ""


@dataclass(frozen=True)
class LogGroupInfo:
    name: str
    stored_bytes: int
    retention_days: int | None
    created_ms: int


async def list_log_groups(ctx: AwsContext, prefix: str = DEFAULT_GROUP_PREFIX,
                          limit: int = 500) -> list[LogGroupInfo]:
    """The groups whose names start with `prefix` (all groups when it is empty)."""
    logs = await ctx.client("logs")
    request: dict[str, Any] = {"limit": 50}
    if prefix:
        request["logGroupNamePrefix"] = prefix
    found: list[LogGroupInfo] = []
    while len(found) < limit:
        page = await logs.describe_log_groups(**request)
        for raw in page.get("logGroups", []):
            found.append(LogGroupInfo(raw.get("logGroupName", ""), int(raw.get("storedBytes", 0)),
                                      raw.get("retentionInDays"), int(raw.get("creationTime", 0))))
        token = page.get("nextToken")
        if not token:
            break
        request["nextToken"] = token
    return found[:limit]


def task_streams(task_definition: dict[str, Any], task_id: str) -> list[tuple[str, str]]:
    """(group, stream) of each container of a task that logs through awslogs with a prefix."""
    out: list[tuple[str, str]] = []
    for container in task_definition.get("containerDefinitions", []):
        config = container.get("logConfiguration") or {}
        if config.get("logDriver") != "awslogs":
            continue
        options = config.get("options") or {}
        group, prefix = options.get("awslogs-group"), options.get("awslogs-stream-prefix")
        if group and prefix:
            out.append((group, f"{prefix}/{container.get('name', '')}/{task_id}"))
    return out


def target_for_streams(pairs: list[tuple[str, str]], title: str) -> TailTarget:
    groups = tuple(dict.fromkeys(g for g, _ in pairs))
    return TailTarget(groups, tuple(dict.fromkeys(s for _, s in pairs)), title)


async def task_target(ctx: AwsContext, task_definition_arn: str, task_id: str) -> TailTarget:
    """The streams of one task, from its task definition's awslogs options. Raises LookupError
    when the task definition names no awslogs stream prefix (the streams cannot be named)."""
    ecs = await ctx.client("ecs")
    described = await ecs.describe_task_definition(taskDefinition=task_definition_arn)
    pairs = task_streams(described.get("taskDefinition", {}), task_id)
    if not pairs:
        raise LookupError(f"task {task_id}: its task definition sends no container to "
                          "CloudWatch Logs with an awslogs-stream-prefix")
    return target_for_streams(pairs, f"task {task_id}")


async def task_target_by_id(ctx: AwsContext, cluster: str, task_id: str) -> TailTarget:
    """`task_target` for a task known only by id (``incident-console tail --task``): the whole
    id, or the first characters the ECS pane and the log pane show (a unique prefix among the
    cluster's running and recently stopped tasks)."""
    ecs = await ctx.client("ecs")
    described = await ecs.describe_tasks(cluster=cluster, tasks=[task_id])
    tasks = described.get("tasks", [])
    if not tasks:
        arns: list[str] = []
        for status in ("RUNNING", "STOPPED"):
            paginator = ecs.get_paginator("list_tasks")
            async for page in paginator.paginate(cluster=cluster, desiredStatus=status):
                arns.extend(page.get("taskArns", []))
        matches = sorted({a for a in arns if a.rsplit("/", 1)[-1].startswith(task_id)})
        if len(matches) > 1:
            raise LookupError(f"{task_id} matches {len(matches)} tasks in cluster {cluster}: "
                              "give more of the id")
        if matches:
            tasks = (await ecs.describe_tasks(cluster=cluster, tasks=matches)).get("tasks", [])
    if not tasks:
        raise LookupError(f"no task {task_id} in cluster {cluster}")
    arn = tasks[0].get("taskArn", task_id)
    return await task_target(ctx, tasks[0]["taskDefinitionArn"], arn.rsplit("/", 1)[-1])


async def existing_streams(logs: Any, group: str, names: list[str]) -> list[str]:
    """Those of `names` that exist in `group` (DescribeLogStreams by prefix, one per name)."""
    found: list[str] = []
    for name in names:
        page = await logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=name,
                                               limit=5)
        if any(s.get("logStreamName") == name for s in page.get("logStreams", ())):
            found.append(name)
    return found


async def filter_page(logs: Any, request: dict[str, Any], missing: set[str]) -> dict | None:
    """One FilterLogEvents page. When the request names a stream that does not exist, the
    missing names are added to `missing` and the request (its first page again) goes on with
    the others; None when none of them exists. A missing group still raises."""
    while True:
        try:
            return await logs.filter_log_events(**request)
        except ClientError as exc:
            names = request.get("logStreamNames")
            if not names or exc.response.get("Error", {}).get("Code") != (
                    "ResourceNotFoundException"):
                raise
            existing = await existing_streams(logs, request["logGroupName"], names)
            if len(existing) == len(names):
                raise
            missing.update(set(names) - set(existing))
            if not existing:
                return None
            request["logStreamNames"] = existing
            request.pop("nextToken", None)
