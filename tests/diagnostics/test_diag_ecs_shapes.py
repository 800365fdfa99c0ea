"""ECS findings moto cannot produce, from responses in the shapes AWS documents
(DescribeTasks, DescribeServices events): image pulls, start failures, OOM kills, events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.diagnostics.findings import evidence_text

from probes.diagnostics import Severity
from probes.diagnostics import guide as g
from probes.diagnostics.ecs_service import evaluate_service, problem_events
from probes.diagnostics.ecs_tasks import (
    HEALTH_CHECK,
    IMAGE_PULL,
    OOM,
    START_FAILED,
    ImageCheck,
    evaluate_tasks,
    parse_ecr_image,
    stop_cause,
)
from probes.diagnostics.memory import evaluate_memory
from probes.diagnostics.metrics import Series
from probes.ecs import parse_service, parse_task

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
CLUSTER, SERVICE = "children-drawing-prod-cluster", "children-drawing-prod-service"
IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/children-drawing-app:1.9.0"
TD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/children-drawing-prod-task:3"
PULL_REASON = ("CannotPullContainerError: pull image manifest has been retried 5 time(s): "
               f"failed to resolve ref {IMAGE}: {IMAGE}: not found")


def task(n: int, *, reason: str, stop_code: str, exit_code: int | None = None,
         container_reason: str | None = None, started: bool = True) -> dict:
    """One DescribeTasks ``tasks`` item for a stopped task of the service."""
    raw = {
        "taskArn": f"arn:aws:ecs:eu-west-1:123456789012:task/{CLUSTER}/{n:032x}",
        "group": f"service:{SERVICE}", "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
        "stopCode": stop_code, "stoppedReason": reason, "cpu": "256", "memory": "512",
        "taskDefinitionArn": TD, "createdAt": NOW - timedelta(minutes=10 + n),
        "stoppedAt": NOW - timedelta(minutes=5 + n),
        "containers": [{"name": "app", "image": IMAGE, "lastStatus": "STOPPED",
                        **({"exitCode": exit_code} if exit_code is not None else {}),
                        **({"reason": container_reason} if container_reason else {})}],
    }
    if started:
        raw["startedAt"] = NOW - timedelta(minutes=9 + n)
    return raw


def service(tasks: list[dict], *, running: int = 0, events: list[dict] | None = None):
    raw = {"serviceName": SERVICE, "status": "ACTIVE", "desiredCount": 2,
           "runningCount": running, "pendingCount": 2 - running, "taskDefinition": TD,
           "launchType": "FARGATE", "events": events or [], "deployments": [
               {"id": "ecs-svc/1", "status": "PRIMARY", "taskDefinition": TD,
                "desiredCount": 2, "runningCount": running, "pendingCount": 0,
                "failedTasks": 3, "rolloutState": "FAILED",
                "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to start."}]}
    return parse_service(raw, CLUSTER, tuple(parse_task(t) for t in tasks))


PULL = task(1, reason=PULL_REASON, stop_code="TaskFailedToStart", started=False,
            container_reason="CannotPullContainerError: ref not found")
OOM_KILL = task(2, reason="Essential container in task exited",
                stop_code="EssentialContainerExited", exit_code=137,
                container_reason="OutOfMemoryError: Container killed due to memory usage")
SECRETS = task(3, reason="ResourceInitializationError: unable to pull secrets or registry auth: "
               "execution resource retrieval failed", stop_code="TaskFailedToStart",
               started=False)
ELB = task(4, reason="Task failed ELB health checks in (target-group arn:aws:...:tg/x)",
           stop_code="ServiceSchedulerInitiated", exit_code=143)
REPLACED = task(5, reason="Scaling activity initiated by (deployment ecs-svc/0)",
                stop_code="ServiceSchedulerInitiated", exit_code=0)


def test_stop_causes_from_documented_reasons():
    causes = [stop_cause(parse_task(t)) for t in (PULL, OOM_KILL, SECRETS, ELB, REPLACED)]
    assert causes == [IMAGE_PULL, OOM, START_FAILED, HEALTH_CHECK, None]


def test_cannot_pull_names_the_missing_tag_and_points_to_a_rollback():
    snapshot = service([PULL, REPLACED])
    checks = {IMAGE: ImageCheck(IMAGE, "tag missing", "1.9.0")}
    [finding] = evaluate_tasks(snapshot, NOW, checks)
    assert finding.id == "ecs.image-pull-failed"
    assert finding.severity is Severity.CRITICAL  # nothing runs
    assert "this tag is not in it" in finding.cause
    assert finding.actions == (g.ROLLBACK_TASK_DEFINITION,)
    assert f"image: {IMAGE}" in evidence_text(finding) and "in ECR: tag missing" in \
        evidence_text(finding)


def test_cannot_pull_with_the_image_present_blames_role_or_network():
    [finding] = evaluate_tasks(service([PULL], running=1), NOW,
                               {IMAGE: ImageCheck(IMAGE, "present")})
    assert finding.severity is Severity.WARNING and "execution role" in finding.cause


def test_ecr_image_uris_are_parsed():
    assert parse_ecr_image(IMAGE) == {"account": "123456789012", "region": "eu-west-1",
                                      "repo": "children-drawing-app", "tag": "1.9.0",
                                      "digest": None}
    assert parse_ecr_image("nginx:1.27") is None


def test_start_failures_and_health_check_kills_are_separate_findings():
    ids = {f.id for f in evaluate_tasks(service([SECRETS, ELB]), NOW, {})}
    assert ids == {"ecs.tasks-failed-to-start", "ecs.health-check-kills"}


def test_old_stops_are_history_not_findings():
    old = dict(ELB, stoppedAt=NOW - timedelta(hours=5))
    assert evaluate_tasks(service([old], running=2), NOW, {}) == []


def test_exit_137_means_raise_memory_with_the_metric_and_log_lines_as_evidence():
    memory = Series("MemoryUtilization", "Average", ((NOW, 97.0),))
    [finding] = evaluate_memory(service([OOM_KILL]), NOW, memory, 85.0, None)
    assert finding.id == "memory.oom-kills" and finding.severity is Severity.CRITICAL
    assert finding.actions == (g.SCALE_TASK_SIZE,)
    assert "512 -> 1024 MiB" in finding.fix
    assert "exit 137" in evidence_text(finding)


def test_memory_high_without_kills_is_a_warning():
    memory = Series("MemoryUtilization", "Average", ((NOW, 90.0), (NOW, 92.0)))
    [finding] = evaluate_memory(service([], running=2), NOW, memory, 85.0, None)
    assert (finding.id, finding.severity) == ("memory.high", Severity.WARNING)


def event(minutes_ago: float, message: str) -> dict:
    return {"id": f"e{minutes_ago}", "createdAt": NOW - timedelta(minutes=minutes_ago),
            "message": f"(service {SERVICE}) {message}"}


def test_service_events_since_the_last_steady_state_are_reported():
    events = [event(1, "is unable to consistently start tasks successfully."),
              event(3, "was unable to place a task because no container instance met all of "
                       "its requirements."),
              event(30, "has reached a steady state."),
              event(40, "deployment failed: tasks failed to start.")]
    found = problem_events(parse_service({"events": events}, CLUSTER, ()).events, NOW)
    assert [meaning for _, meaning in found] == [
        "tasks fail as soon as they start; ECS is throttling new launches",
        "no capacity or subnet could take the task"]


def test_service_down_and_failed_deployment():
    snapshot = service([OOM_KILL], events=[event(2, "deployment failed: tasks failed to start.")])
    findings = {f.id: f for f in evaluate_service(snapshot, NOW)}
    assert set(findings) == {"ecs.no-running-tasks", "ecs.deployment-failed",
                             "ecs.service-events"}
    assert findings["ecs.no-running-tasks"].runbooks == (g.P0_SERVICE_DOWN,)
    assert findings["ecs.deployment-failed"].actions == (g.ROLLBACK_TASK_DEFINITION,)
    assert "circuit breaker" in evidence_text(findings["ecs.deployment-failed"])
