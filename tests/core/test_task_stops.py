"""Why a task stopped, from DescribeTasks items in the shapes AWS documents (stopCode,
stoppedReason, containers[].exitCode/reason): routine replacements are not failures, and
out-of-memory is read from the container's reason, never from exit code 137 alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import botocore.session
import pytest

from probes.diagnostics.ecs_tasks import evaluate_tasks
from probes.diagnostics.memory import evaluate_memory
from probes.ecs import parse_service, parse_task
from probes.task_stops import STOP_CODES, TaskStop
from probes.verdict import Level, judge

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
CLUSTER, SERVICE = "children-drawing-prod-cluster", "children-drawing-prod-service"
TD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/children-drawing-prod-task:4"
DEPLOYMENT = "ecs-svc/6519823482349871234"
SCALING = f"Scaling activity initiated by (deployment {DEPLOYMENT})"
OOM_REASON = "OutOfMemoryError: Container killed due to memory usage"


def stopped(n: int, *, code: str | None, reason: str, exit_code: int | None,
            container_reason: str | None = None) -> dict:
    raw = {
        "taskArn": f"arn:aws:ecs:eu-west-1:123456789012:task/{CLUSTER}/{n:032x}",
        "group": f"service:{SERVICE}", "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
        "stoppedReason": reason, "cpu": "256", "memory": "512", "taskDefinitionArn": TD,
        "createdAt": NOW - timedelta(minutes=30), "startedAt": NOW - timedelta(minutes=29),
        "stoppingAt": NOW - timedelta(minutes=3), "stoppedAt": NOW - timedelta(minutes=2),
        "containers": [{"name": "app", "lastStatus": "STOPPED",
                        **({"exitCode": exit_code} if exit_code is not None else {}),
                        **({"reason": container_reason} if container_reason else {})}],
    }
    if code is not None:
        raw["stopCode"] = code
    return raw


REPLACED_TERM = stopped(1, code="ServiceSchedulerInitiated", reason=SCALING, exit_code=143)
REPLACED_KILL = stopped(2, code="ServiceSchedulerInitiated", reason=SCALING, exit_code=137)
OOM = stopped(3, code="EssentialContainerExited", reason="Essential container in task exited",
              exit_code=137, container_reason=OOM_REASON)
CRASH = stopped(4, code="EssentialContainerExited", reason="Essential container in task exited",
                exit_code=1)
ELB = stopped(5, code="ServiceSchedulerInitiated",
              reason="Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing"
                     ":eu-west-1:123456789012:targetgroup/children-drawing-prod-tg/abc)",
              exit_code=143)
START = stopped(6, code="TaskFailedToStart", exit_code=None,
                reason="ResourceInitializationError: unable to pull secrets or registry auth")
USER = stopped(7, code="UserInitiated", reason="Task stopped by user", exit_code=137)
SPOT = stopped(8, code="SpotInterruption",
               reason="Your Spot Task was interrupted.", exit_code=143)
INFRA = stopped(9, code="InfrastructureHealth", exit_code=143,
                reason="Task stopped due to an infrastructure health issue")
NOTICE = stopped(10, code="TerminationNotice", reason="Task stopped due to a termination "
                 "notice", exit_code=143)


def service(tasks: list[dict], *, running: int = 2) -> object:
    raw = {"serviceName": SERVICE, "status": "ACTIVE", "desiredCount": 2,
           "runningCount": running, "pendingCount": 0, "taskDefinition": TD,
           "launchType": "FARGATE", "events": [], "deployments": [
               {"id": DEPLOYMENT, "status": "PRIMARY", "taskDefinition": TD, "desiredCount": 2,
                "runningCount": running, "pendingCount": 0, "failedTasks": 0,
                "rolloutState": "IN_PROGRESS",
                "rolloutStateReason": f"ECS deployment {DEPLOYMENT} in progress.",
                "createdAt": NOW - timedelta(minutes=6), "updatedAt": NOW}]}
    return parse_service(raw, CLUSTER, tuple(parse_task(t) for t in tasks))


def test_botocore_knows_exactly_the_stop_codes_we_classify():
    model = botocore.session.get_session().get_service_model("ecs")
    assert set(model.shape_for("TaskStopCode").enum) == set(STOP_CODES)


@pytest.mark.parametrize(("raw", "expected", "failure"), [
    (REPLACED_TERM, TaskStop.REPLACED, False), (REPLACED_KILL, TaskStop.REPLACED, False),
    (OOM, TaskStop.OUT_OF_MEMORY, True), (CRASH, TaskStop.CRASHED, True),
    (ELB, TaskStop.HEALTH_CHECK, True), (START, TaskStop.FAILED_TO_START, True),
    (USER, TaskStop.USER, False), (SPOT, TaskStop.INFRASTRUCTURE, False),
    (INFRA, TaskStop.INFRASTRUCTURE, False), (NOTICE, TaskStop.INFRASTRUCTURE, False),
])
def test_each_documented_stop_is_classified(raw, expected, failure):
    task = parse_task(raw)
    assert task.stop is expected
    assert task.failed is failure
    assert task.out_of_memory is (expected is TaskStop.OUT_OF_MEMORY)


def test_a_deployment_replacing_tasks_is_neither_a_crash_nor_an_oom_kill():
    rolling = service([REPLACED_TERM, REPLACED_KILL])
    assert rolling.failed_tasks == ()
    assert evaluate_tasks(rolling, NOW, {}) == []
    assert evaluate_memory(rolling, NOW, None, 85.0, None) == []
    verdict = judge(service=rolling)
    assert verdict.level is Level.OK, verdict.headline


def test_a_real_oom_kill_beside_replacements_is_still_found():
    mixed = service([REPLACED_KILL, OOM])
    [finding] = evaluate_memory(mixed, NOW, None, 85.0, None)
    assert finding.title == "1 task(s) killed for running out of memory"
    assert judge(service=mixed).reasons == ("tasks stopping (1 failed)",)
