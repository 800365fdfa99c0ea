"""The ECS service: does it run what it should, and what does ECS itself say about it?

Reads the ECS probe's snapshot: counts, deployments (the circuit breaker's verdict) and the
service's event messages. Only events since the last "has reached a steady state." count, and
only recent ones: a problem the service has recovered from is history, not a finding.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from probes import reasons
from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.ecs import ServiceEvent, ServiceSnapshot
from probes.task_ids import short_task_id

EVENT_WINDOW = timedelta(hours=3)
MAX_EVENTS = 5
# (substring of the lower-cased message, what it means). First match wins.
EVENT_MEANINGS: tuple[tuple[str, str], ...] = (
    ("unable to consistently start tasks", "tasks fail as soon as they start; ECS is "
     "throttling new launches"),
    ("deployment failed", "the deployment circuit breaker stopped the rollout"),
    ("rolling back to deployment", "the circuit breaker is rolling back to the previous "
     "task definition"),
    ("is unhealthy in (target-group", "targets fail the load balancer's health checks"),
    ("failed container health checks", "the container's own health check fails"),
    ("failed elb health checks", "targets fail the load balancer's health checks"),
    ("unable to place a task", "no capacity or subnet could take the task"),
    ("failed to launch a task", "ECS could not launch a task"),
    ("resourceinitializationerror", "the task could not fetch secrets, logs or its image"),
    ("cannotpullcontainererror", "the image could not be pulled"),
    ("insufficient", "not enough capacity"),
)


def event_meaning(message: str) -> str | None:
    lowered = message.lower()
    return next((meaning for needle, meaning in EVENT_MEANINGS if needle in lowered), None)


def problem_events(events: tuple[ServiceEvent, ...], now: datetime
                   ) -> list[tuple[ServiceEvent, str]]:
    """Problem events (newest first) newer than the last steady state and `EVENT_WINDOW`."""
    found = []
    for event in events:  # newest first
        if "has reached a steady state" in event.message:
            break
        if event.created_at is not None and now - event.created_at > EVENT_WINDOW:
            break
        meaning = event_meaning(event.message)
        if meaning:
            found.append((event, meaning))
    return found


def _service_args(service: ServiceSnapshot) -> tuple[tuple[str, str], ...]:
    return args(cluster=service.cluster, service=service.service,
                task_definition=service.task_definition)


def _counts(service: ServiceSnapshot) -> tuple[tuple[str, str], ...]:
    return evidence(("service", f"{service.service} in {service.cluster}"),
                    ("status", service.status), ("desired", service.desired),
                    ("running", service.running), ("pending", service.pending),
                    ("task definition", service.task_definition.rsplit("/", 1)[-1]))


def _recent_stops(service: ServiceSnapshot) -> tuple[tuple[str, str], ...]:
    return tuple((f"stopped {short_task_id(t.task_id)}", t.stopped_reason or "no reason given")
                 for t in service.failed_tasks[:3])


def newest_stop_cause(service: ServiceSnapshot) -> str:
    """What the newest failed task's own reason means (the reasons table), or that it is
    unknown, quoting it; when no task stopped, that nothing says why yet."""
    failed = service.failed_tasks
    if not failed:
        return ("No stopped task says why yet: the tasks may not be placed at all (the "
                "service's events would say so).")
    task = failed[0]
    texts = [c.reason for c in task.containers if c.reason] + [task.stopped_reason]
    for text in texts:  # a container's reason (OutOfMemoryError...) is the more precise
        found = reasons.explain(text)
        if found.known:
            return f"The newest stopped task: {found.cause}"
    return f"The newest stopped task: {reasons.unknown(task.stopped_reason).cause}"


def evaluate_service(service: ServiceSnapshot, now: datetime) -> list[Finding]:
    findings: list[Finding] = []
    refs = _service_args(service)
    if service.status and service.status != "ACTIVE":
        findings.append(Finding(
            id="ecs.service-inactive", severity=Severity.CRITICAL,
            title=f"Service {service.service} is {service.status}",
            evidence=_counts(service), cause="The service is being deleted or was deleted.",
            fix="Recreate the service (redeploy the stack).", guide=guide.TASKS_STOPPING,
            runbooks=(guide.STACK_RECOVERY,), action_args=refs))
    elif service.desired > 0 and service.running == 0:
        findings.append(Finding(
            id="ecs.no-running-tasks", severity=Severity.CRITICAL,
            title=f"Service runs 0 of {service.desired} tasks: nothing serves users",
            evidence=_counts(service) + _recent_stops(service),
            cause=newest_stop_cause(service),
            fix="Fix the cause the task findings name, then force a new deployment.",
            guide=guide.TASKS_STOPPING, actions=(guide.FORCE_NEW_DEPLOYMENT,),
            runbooks=(guide.P0_SERVICE_DOWN,), action_args=refs))
    elif service.desired == 0:
        findings.append(Finding(
            id="ecs.scaled-to-zero", severity=Severity.WARNING,
            title="Service is scaled to 0 tasks",
            evidence=_counts(service),
            cause="Someone set the desired count to 0 (a database restore does this) and it "
                  "was not set back.",
            fix="Set the desired count back (the guide runs 1 or 2).",
            guide=guide.TASKS_STOPPING, actions=(guide.SET_DESIRED_COUNT,),
            runbooks=(guide.DATABASE_RECOVERY_RUNBOOK,), action_args=refs))
    elif service.running < service.desired and not service.rolling_out:
        findings.append(Finding(
            id="ecs.under-capacity", severity=Severity.WARNING,
            title=f"Service runs {service.running} of {service.desired} tasks",
            evidence=_counts(service) + _recent_stops(service),
            cause="Some tasks stopped and their replacements are not running yet.",
            fix="Read the stopped-task findings; if tasks keep stopping, fix that first.",
            guide=guide.TASKS_STOPPING, actions=(guide.FORCE_NEW_DEPLOYMENT,),
            runbooks=(guide.P1_DEGRADED,), action_args=refs))
    for deployment in service.deployments:
        if deployment.rollout_state != "FAILED":
            continue
        findings.append(Finding(
            id="ecs.deployment-failed", severity=Severity.WARNING,
            title=f"Deployment of {deployment.revision} failed",
            evidence=evidence(("deployment", deployment.deployment_id),
                              ("task definition", deployment.revision),
                              ("failed tasks", deployment.failed_tasks),
                              ("reason", deployment.rollout_reason or None)),
            cause="The deployment circuit breaker saw its tasks fail repeatedly.",
            fix="Roll back to the last good task definition, then fix the new one.",
            guide=guide.TASKS_STOPPING, actions=(guide.ROLLBACK_TASK_DEFINITION,),
            runbooks=(guide.P0_SERVICE_DOWN,), subject=deployment.deployment_id,
            action_args=refs))
    problems = problem_events(service.events, now)
    if problems:
        findings.append(Finding(
            id="ecs.service-events", severity=Severity.WARNING,
            title=f"ECS reports {len(problems)} problem(s) since the service was last steady",
            evidence=tuple(
                (e.created_at.strftime("%H:%M:%S") if e.created_at else "event",
                 f"{meaning}: {e.message}") for e, meaning in problems[:MAX_EVENTS]),
            cause=_event_cause(problems[0][0].message, problems[0][1]),
            fix="aws ecs describe-services --cluster CLUSTER --services SERVICE --query "
                "'services[0].events'; fix what the newest event names.",
            guide=guide.TASKS_STOPPING, runbooks=(guide.P0_SERVICE_DOWN,), action_args=refs))
    return findings


def _event_cause(message: str, meaning: str) -> str:
    """The newest problem event read against the reasons table, else its kind and the event
    quoted (the event's words are the evidence)."""
    found = reasons.explain(message)
    if found.known:
        return found.cause
    return f"{meaning.capitalize()}; the event says: {message}"


async def check_service(inputs: DiagnosticInputs) -> list[Finding]:
    return evaluate_service(inputs.snapshot("ecs"), inputs.now)


DIAGNOSTICS = (
    Diagnostic("ecs.service", "ECS service", (guide.TASKS_STOPPING, guide.ALB_503),
               check_service, probes=("ecs",)),
)
