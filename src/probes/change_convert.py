"""Changes timeline entries from snapshots the console already has: the ECS service (its
deployments, its events, its stopped tasks), the transitions the console observed between two
snapshots of a probe (alarms, targets), the log tail's error counts, and the console's own
actions. Pure functions: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from probes.change_entry import ChangeEntry
from probes.changes import StateChange
from probes.ecs import EcsDeployment, EcsTask, ServiceSnapshot
from probes.log_event import LogEvent
from probes.severity import is_error

ERROR_BUCKET = timedelta(minutes=5)
ERROR_RATE_FACTOR = 3.0  # a bucket with 3x the errors of the one before is a change
ERROR_RATE_MIN = 5  # ...with at least this many errors on the high side (up or down)


def deployment_entries(service: str, deployment: EcsDeployment) -> list[ChangeEntry]:
    """Created (with its task definition) and, when AWS says it finished, completed or failed
    (with AWS's rolloutStateReason)."""
    resource = f"deployment {deployment.deployment_id}"
    detail = (("service", service), ("deployment", deployment.deployment_id),
              ("status", deployment.status),
              ("task definition", deployment.task_definition),
              ("rollout", deployment.rollout_state), ("reason", deployment.rollout_reason),
              ("desired/running/pending", f"{deployment.desired}/{deployment.running}/"
                                          f"{deployment.pending}"),
              ("failed tasks", str(deployment.failed_tasks)),
              ("source", "ECS DescribeServices (deployments)"))
    found = []
    if deployment.created_at is not None:
        found.append(ChangeEntry(deployment.created_at, "deployment", resource,
                                 f"deployment created: task definition {deployment.revision}",
                                 detail))
    if deployment.rollout_state in ("COMPLETED", "FAILED") and deployment.updated_at:
        reason = deployment.rollout_reason or f"rollout {deployment.rollout_state}"
        found.append(ChangeEntry(deployment.updated_at, "deployment", resource,
                                 f"deployment {deployment.rollout_state.lower()}: {reason}",
                                 detail))
    return found


def _exit_text(task: EcsTask) -> str:
    parts = []
    for container in task.containers:
        reason = container.reason if container.reason != task.stopped_reason else ""
        if container.exit_code is None and not reason:
            continue
        text = f"{container.name} exit {container.exit_code}" if container.exit_code is not None \
            else container.name
        parts.append(text + (f" ({reason})" if reason else ""))
    return "; ".join(parts)


def task_stop_entry(service: str, task: EcsTask) -> ChangeEntry | None:
    """`stopped: <stoppedReason> [app exit 137 (OutOfMemoryError...)]` for `task <id>`."""
    if task.stopped_at is None:
        return None
    exits = _exit_text(task)
    summary = f"stopped: {task.stopped_reason or task.stop_code or 'no reason given'}"
    if exits:
        summary += f" [{exits}]"
    return ChangeEntry(
        task.stopped_at, "task-stop", f"task {task.task_id}", summary,
        (("task", task.task_arn), ("service", service), ("stop code", task.stop_code),
         ("stopped reason", task.stopped_reason), ("containers", exits),
         ("task definition", task.task_definition),
         ("started", task.started_at.isoformat() if task.started_at else ""),
         ("source", "ECS DescribeTasks")))


def service_entries(snapshot: ServiceSnapshot, since: datetime) -> list[ChangeEntry]:
    """Deployments, service events and stopped tasks of one DescribeServices/DescribeTasks
    collection, at or after `since`."""
    found: list[ChangeEntry] = []
    for deployment in snapshot.deployments:
        found.extend(deployment_entries(snapshot.service, deployment))
    for event in snapshot.events:
        if event.created_at is not None:
            found.append(ChangeEntry(event.created_at, "service-event", snapshot.service,
                                     event.message, (("event id", event.event_id),
                                                     ("source", "ECS DescribeServices (events)"))))
    for task in snapshot.stopped_tasks:
        entry = task_stop_entry(snapshot.service, task)
        if entry is not None:
            found.append(entry)
    return [e for e in found if e.at >= since]


_OBSERVED_KIND = {"alarms": "alarm", "targets": "target-health"}


def observed_entries(changes: Iterable[StateChange], at: datetime) -> list[ChangeEntry]:
    """Alarm and target transitions the console saw between two polls, at the poll's time."""
    found = []
    for change in changes:
        kind = _OBSERVED_KIND.get(change.source)
        if kind is None:
            continue
        reason = f": {change.detail}" if change.detail else ""
        found.append(ChangeEntry(
            at, kind, change.subject, f"{change.before} -> {change.after}{reason}",
            (("from", change.before), ("to", change.after), ("reason", change.detail),
             ("source", "observed by the console"))))
    return found


def action_entry(at: datetime, title: str, call: str, outcome: str) -> ChangeEntry:
    """One of the console's own actions, with the exact call it made and how it ended."""
    return ChangeEntry(at, "action", title, f"{title}: {outcome}",
                       (("call", call), ("outcome", outcome),
                        ("source", "this console's own action")))


def error_counts(events: Iterable[LogEvent], bucket: timedelta = ERROR_BUCKET
                 ) -> dict[datetime, int]:
    """Error lines per bucket (by the line's own timestamp)."""
    size_ms = int(bucket.total_seconds() * 1000)
    counts: dict[int, int] = {}
    for event in events:
        if is_error(event.message):
            start = event.timestamp - event.timestamp % size_ms
            counts[start] = counts.get(start, 0) + 1
    return {datetime.fromtimestamp(ms / 1000, UTC): n for ms, n in sorted(counts.items())}


def error_rate_entries(counts: dict[datetime, int], resource: str, until: datetime,
                       bucket: timedelta = ERROR_BUCKET) -> list[ChangeEntry]:
    """A change where the errors per bucket jump or drop by ERROR_RATE_FACTOR (x3) with at
    least ERROR_RATE_MIN on the high side. Buckets without errors count as zero; only
    buckets that ended by `until` are judged (the current one is still filling)."""
    if not counts:
        return []
    found = []
    moments: Sequence[datetime] = sorted(counts)
    at, previous = moments[0], 0
    minutes = int(bucket.total_seconds() // 60)
    while at + bucket <= until:
        now = counts.get(at, 0)
        rose = now >= ERROR_RATE_MIN and now >= ERROR_RATE_FACTOR * max(previous, 1)
        fell = previous >= ERROR_RATE_MIN and previous >= ERROR_RATE_FACTOR * max(now, 1)
        if rose or fell:
            found.append(ChangeEntry(
                at, "log-errors", resource,
                f"error lines per {minutes} min: {previous} -> {now}",
                (("before", str(previous)), ("after", str(now)), ("bucket", f"{minutes} min"))))
        previous, at = now, at + bucket
    return found
