"""What changed between two snapshots of one probe: the facts an incident timeline records.

During an incident the question afterwards is "when did it break, and when did it recover?":
an alarm going to ALARM, a target turning unhealthy (and why), a deployment starting, rolling
out, failing tasks, the running count dropping, the stack rolling back. These functions compare
the previous and the new snapshot of a probe and return those transitions, in a stable order.
They are pure (no I/O, no clock), so the timeline and the tests agree on what a change is.

The first snapshot of a probe has nothing to compare with: it yields no change (a baseline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from probes.alarms import AlarmsSnapshot
from probes.ecs import EcsDeployment, ServiceSnapshot
from probes.stack import StackSnapshot
from probes.targets import Target, TargetHealthSnapshot

ABSENT = "(absent)"
GONE = "(gone)"


@dataclass(frozen=True)
class StateChange:
    """One transition seen by a probe: `subject` went from `before` to `after`."""

    source: str  # the probe: alarms, targets, ecs, stack
    subject: str  # what changed: an alarm name, a target, a deployment, the service
    before: str
    after: str
    detail: str = ""  # why, when AWS says (an alarm's reason, a target's description)


def alarm_changes(before: AlarmsSnapshot, after: AlarmsSnapshot) -> list[StateChange]:
    """Every alarm whose state changed (OK -> ALARM...), appeared or disappeared."""
    old = {a.name: a for a in before.alarms}
    new = {a.name: a for a in after.alarms}
    found: list[StateChange] = []
    for name in sorted(old.keys() | new.keys()):
        was, now = old.get(name), new.get(name)
        if now is None:
            found.append(StateChange("alarms", name, was.state if was else ABSENT, GONE))
        elif was is None or was.state != now.state:
            found.append(StateChange("alarms", name, was.state if was else ABSENT, now.state,
                                     now.reason))
    return found


def _target_state(target: Target) -> str:
    return f"{target.state} ({target.reason})" if target.reason else target.state


def target_changes(before: TargetHealthSnapshot,
                   after: TargetHealthSnapshot) -> list[StateChange]:
    """Per target (group, id, port): health state or reason changed, registered or
    deregistered; and load balancer state changes (active -> active_impaired)."""

    def keyed(snapshot: TargetHealthSnapshot) -> dict[str, Target]:
        return {f"{g.name}/{t.target_id}:{t.port}": t for g in snapshot.groups
                for t in g.targets}

    old, new = keyed(before), keyed(after)
    found: list[StateChange] = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if now is None:
            found.append(StateChange("targets", key, _target_state(was) if was else ABSENT,
                                     "(deregistered)"))
        elif was is None or (was.state, was.reason) != (now.state, now.reason):
            found.append(StateChange("targets", key, _target_state(was) if was else ABSENT,
                                     _target_state(now), now.description))
    old_lbs = {lb.name: lb.state for lb in before.load_balancers}
    for lb in after.load_balancers:
        if lb.name in old_lbs and old_lbs[lb.name] != lb.state:
            found.append(StateChange("targets", f"load balancer {lb.name}", old_lbs[lb.name],
                                     lb.state))
    return found


def _deployment_state(deployment: EcsDeployment) -> str:
    parts = [deployment.status, deployment.rollout_state]
    return " ".join(p for p in parts if p) or "?"


def _deployment_changes(before: ServiceSnapshot, after: ServiceSnapshot) -> list[StateChange]:
    old = {d.deployment_id: d for d in before.deployments}
    new = {d.deployment_id: d for d in after.deployments}
    found: list[StateChange] = []
    for dep_id, now in new.items():
        subject = f"deployment {dep_id}"
        was = old.get(dep_id)
        if was is None:
            found.append(StateChange("ecs", subject, "(none)", _deployment_state(now),
                                     f"new deployment of {now.revision}"))
            continue
        if (was.status, was.rollout_state) != (now.status, now.rollout_state):
            found.append(StateChange("ecs", subject, _deployment_state(was),
                                     _deployment_state(now), now.rollout_reason))
        if now.failed_tasks > was.failed_tasks:
            found.append(StateChange("ecs", subject, f"{was.failed_tasks} failed tasks",
                                     f"{now.failed_tasks} failed tasks", now.revision))
    for dep_id, was in old.items():
        if dep_id not in new:
            found.append(StateChange("ecs", f"deployment {dep_id}", _deployment_state(was),
                                     GONE, was.revision))
    return found


def ecs_changes(before: ServiceSnapshot, after: ServiceSnapshot) -> list[StateChange]:
    """Service status, running/desired counts, deployments (new, status or rollout state,
    failed tasks increasing, gone) and tasks that newly stopped with a failure."""
    found: list[StateChange] = []
    service = f"service {after.service}"
    if before.status != after.status:
        found.append(StateChange("ecs", service, before.status, after.status))
    if (before.running, before.desired) != (after.running, after.desired):
        found.append(StateChange("ecs", service, f"{before.running}/{before.desired} running",
                                 f"{after.running}/{after.desired} running",
                                 f"{after.pending} pending"))
    found.extend(_deployment_changes(before, after))
    old_tasks = {t.task_id: t for t in before.tasks}
    for task in after.failed_tasks:
        was = old_tasks.get(task.task_id)
        if was is None or not was.is_stopped:
            codes = ", ".join(str(c) for c in task.exit_codes)
            detail = task.stopped_reason + (f" (exit code {codes})" if codes else "")
            found.append(StateChange("ecs", f"task {task.task_id}",
                                     was.last_status if was else ABSENT,
                                     f"{task.last_status} {task.stop_code}".strip(), detail))
    return found


def stack_changes(before: StackSnapshot, after: StackSnapshot) -> list[StateChange]:
    """The stack's status (UPDATE_IN_PROGRESS -> UPDATE_ROLLBACK_COMPLETE...) and each new
    root-cause failure of its latest operation (the reason to read, not the cancellations)."""
    found: list[StateChange] = []
    if before.status != after.status:
        found.append(StateChange("stack", f"stack {after.name}", before.status, after.status,
                                 after.status_reason))
    known = {e.event_id for e in before.failures}
    for event in after.root_causes:
        if event.event_id not in known:
            found.append(StateChange("stack", f"resource {event.logical_id}", "",
                                     event.status, event.reason))
    return found


DIFFERS: dict[str, Callable[[Any, Any], list[StateChange]]] = {
    "alarms": alarm_changes,
    "targets": target_changes,
    "ecs": ecs_changes,
    "stack": stack_changes,
}


def changes_between(probe: str, before: Any, after: Any) -> list[StateChange]:
    """The changes from `before` to `after` for `probe`; none for a probe whose snapshots are
    not states (logs, costs, identity), for a first snapshot, or for a failed collection."""
    differ = DIFFERS.get(probe)
    if differ is None or before is None or after is None:
        return []
    return differ(before, after)
