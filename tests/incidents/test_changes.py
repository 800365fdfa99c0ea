"""State changes between two snapshots, from the shapes the AWS APIs document."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from probes.alarms import AlarmsSnapshot, parse_alarm
from probes.changes import changes_between
from probes.ecs import parse_service, parse_task
from probes.stack import StackEvent, StackSnapshot, latest_operation_failures
from probes.targets import LoadBalancer, Target, TargetGroupHealth, TargetHealthSnapshot

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
STACK = "children-drawing-prod"


def alarms(state: str, reason: str = "") -> AlarmsSnapshot:
    """DescribeAlarms' MetricAlarms shape."""
    raw = {"AlarmName": f"{STACK}-alb-5xx-high", "StateValue": state, "StateReason": reason,
           "StateUpdatedTimestamp": T0, "MetricName": "HTTPCode_ELB_5XX_Count",
           "Namespace": "AWS/ApplicationELB", "Statistic": "Sum",
           "ComparisonOperator": "GreaterThanThreshold", "Threshold": 10.0}
    other = {**raw, "AlarmName": f"{STACK}-ecs-cpu-high", "StateValue": "OK"}
    return AlarmsSnapshot((parse_alarm(raw), parse_alarm(other)))


def test_alarm_ok_to_alarm_with_its_reason():
    changes = changes_between("alarms", alarms("OK"), alarms("ALARM", "Threshold Crossed: 42"))
    assert [(c.source, c.subject, c.before, c.after, c.detail) for c in changes] == [
        ("alarms", f"{STACK}-alb-5xx-high", "OK", "ALARM", "Threshold Crossed: 42")]
    assert changes_between("alarms", alarms("ALARM"), alarms("ALARM", "new reason")) == []


def targets(state: str, reason: str = "", description: str = "",
            lb_state: str = "active") -> TargetHealthSnapshot:
    """DescribeTargetHealth's TargetHealthDescriptions, as the probe keeps them."""
    group = TargetGroupHealth(arn="arn:tg", name=f"{STACK}-tg", port=8000, protocol="HTTP",
                              health_check_path="/health", targets=(
                                  Target("10.0.1.10", 8000, state, reason, description),
                                  Target("10.0.2.11", 8000, "healthy", "", "")))
    lb = LoadBalancer("arn:lb", f"{STACK}-alb", "dns", lb_state, "internet-facing")
    return TargetHealthSnapshot((lb,), (group,))


def test_target_healthy_to_unhealthy_with_reason_and_description():
    after = targets("unhealthy", "Target.ResponseCodeMismatch",
                    "Health checks failed with these codes: [503]", lb_state="active_impaired")
    changes = changes_between("targets", targets("healthy"), after)
    assert [(c.subject, c.before, c.after, c.detail) for c in changes] == [
        (f"{STACK}-tg/10.0.1.10:8000", "healthy", "unhealthy (Target.ResponseCodeMismatch)",
         "Health checks failed with these codes: [503]"),
        (f"load balancer {STACK}-alb", "active", "active_impaired", ""),
    ]


def test_targets_registered_and_deregistered():
    before = targets("healthy")
    group = replace(before.groups[0], targets=(Target("10.0.3.12", 8000, "initial",
                                                      "Elb.RegistrationInProgress", ""),))
    changes = changes_between("targets", before, replace(before, groups=(group,)))
    assert [(c.subject.split("/")[1], c.before, c.after) for c in changes] == [
        ("10.0.1.10:8000", "healthy", "(deregistered)"),
        ("10.0.2.11:8000", "healthy", "(deregistered)"),
        ("10.0.3.12:8000", "(absent)", "initial (Elb.RegistrationInProgress)")]


def service(deployments: list[dict], running: int = 2, desired: int = 2,
            tasks: tuple = ()):
    """DescribeServices' services[0] shape."""
    raw = {"serviceName": f"{STACK}-service", "status": "ACTIVE", "desiredCount": desired,
           "runningCount": running, "pendingCount": 0, "taskDefinition": "td:7",
           "deployments": deployments}
    return parse_service(raw, f"{STACK}-cluster", tasks)


def deployment(dep_id: str, status: str, rollout: str, failed: int = 0, td: str = "7") -> dict:
    return {"id": dep_id, "status": status, "rolloutState": rollout, "failedTasks": failed,
            "taskDefinition": f"arn:aws:ecs:eu-west-1:1:task-definition/{STACK}-task:{td}",
            "desiredCount": 2, "runningCount": 2, "rolloutStateReason": "ECS deployment "
            "ecs-svc/2 completed."}


def test_deployment_rollout_in_progress_to_completed():
    before = service([deployment("ecs-svc/2", "PRIMARY", "IN_PROGRESS", td="8"),
                      deployment("ecs-svc/1", "ACTIVE", "COMPLETED")])
    after = service([deployment("ecs-svc/2", "PRIMARY", "COMPLETED", td="8")])
    changes = changes_between("ecs", before, after)
    assert [(c.subject, c.before, c.after) for c in changes] == [
        ("deployment ecs-svc/2", "PRIMARY IN_PROGRESS", "PRIMARY COMPLETED"),
        ("deployment ecs-svc/1", "ACTIVE COMPLETED", "(gone)")]
    assert changes[0].detail == "ECS deployment ecs-svc/2 completed."


def test_new_deployment_failed_tasks_and_running_count():
    before = service([deployment("ecs-svc/1", "PRIMARY", "COMPLETED")])
    oom = parse_task({"taskArn": "arn:aws:ecs:eu-west-1:1:task/c/abc123", "lastStatus": "STOPPED",
                      "desiredStatus": "STOPPED", "stopCode": "EssentialContainerExited",
                      "stoppedReason": "OutOfMemoryError: Container killed due to memory usage",
                      "containers": [{"name": "app", "exitCode": 137}]})
    after = service([deployment("ecs-svc/2", "PRIMARY", "IN_PROGRESS", td="8"),
                     deployment("ecs-svc/1", "ACTIVE", "COMPLETED", failed=2)],
                    running=1, tasks=(oom,))
    changes = changes_between("ecs", before, after)
    assert [(c.subject, c.before, c.after) for c in changes] == [
        (f"service {STACK}-service", "2/2 running", "1/2 running"),
        ("deployment ecs-svc/2", "(none)", "PRIMARY IN_PROGRESS"),
        ("deployment ecs-svc/1", "PRIMARY COMPLETED", "ACTIVE COMPLETED"),
        ("deployment ecs-svc/1", "0 failed tasks", "2 failed tasks"),
        ("task abc123", "(absent)", "STOPPED EssentialContainerExited"),
    ]
    assert changes[1].detail == f"new deployment of {STACK}-task:8"
    assert "OutOfMemoryError" in changes[-1].detail and "exit code 137" in changes[-1].detail
    assert changes_between("ecs", after, after) == []


def stack(status: str, events: tuple[StackEvent, ...] = (), reason: str = "") -> StackSnapshot:
    """DescribeStacks + DescribeStackEvents, as the probe keeps them (events newest first)."""
    return StackSnapshot(STACK, status, reason, T0, events,
                         latest_operation_failures(events, STACK))


def event(n: int, logical: str, status: str, reason: str = "") -> StackEvent:
    return StackEvent(f"e{n}", T0, logical, "AWS::ECS::Service", status, reason)


def test_stack_update_in_progress_to_update_rollback_complete_with_its_root_cause():
    started = (event(1, STACK, "UPDATE_IN_PROGRESS"),)
    failed = (event(4, STACK, "UPDATE_ROLLBACK_COMPLETE"),
              event(3, "Service", "UPDATE_FAILED", "Resource update cancelled"),
              event(2, "TaskDefinition", "UPDATE_FAILED", "Invalid memory: 300"),
              *started)
    changes = changes_between("stack", stack("UPDATE_IN_PROGRESS", started),
                              stack("UPDATE_ROLLBACK_COMPLETE", failed, "rolled back"))
    assert [(c.subject, c.before, c.after, c.detail) for c in changes] == [
        (f"stack {STACK}", "UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE", "rolled back"),
        ("resource TaskDefinition", "", "UPDATE_FAILED", "Invalid memory: 300")]


def test_first_snapshot_failed_collection_and_other_probes_yield_nothing():
    assert changes_between("alarms", None, alarms("ALARM")) == []
    assert changes_between("alarms", alarms("OK"), None) == []
    assert changes_between("logs", object(), object()) == []
