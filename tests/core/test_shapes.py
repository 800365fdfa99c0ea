"""Parsing the response shapes AWS documents that moto never produces: ECS service events,
failed deployments, stopped tasks with exit codes, failed stack events, unhealthy targets."""

from datetime import UTC, datetime, timedelta

from probes.ecs import order_tasks, parse_service, parse_task
from probes.stack import StackEvent, latest_operation_failures
from probes.verdict import Level, judge

T0 = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)

# DescribeTasks, shape per the ECS API reference (Task, Container).
STOPPED_OOM = {
    "taskArn": "arn:aws:ecs:eu-west-1:123456789012:task/children-drawing-prod-cluster/"
               "0123456789abcdef0123456789abcdef",
    "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "healthStatus": "UNHEALTHY",
    "group": "service:children-drawing-prod-service",
    "startedAt": T0, "stoppedAt": T0 + timedelta(minutes=3), "stopCode": "EssentialContainerExited",
    "stoppedReason": "Essential container in task exited",
    "cpu": "256", "memory": "512",
    "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/"
                         "children-drawing-prod-task:7",
    "containers": [{"name": "app", "lastStatus": "STOPPED", "exitCode": 137,
                    "reason": "OutOfMemoryError: Container killed due to memory usage",
                    "healthStatus": "UNHEALTHY"}],
    "attachments": [{"type": "ElasticNetworkInterface", "details": [
        {"name": "privateIPv4Address", "value": "10.0.1.23"}]}],
}
RUNNING = {
    **STOPPED_OOM, "taskArn": STOPPED_OOM["taskArn"][:-4] + "aaaa", "lastStatus": "RUNNING",
    "desiredStatus": "RUNNING", "healthStatus": "HEALTHY", "stoppedAt": None, "stopCode": None,
    "stoppedReason": None,
    "containers": [{"name": "app", "lastStatus": "RUNNING", "healthStatus": "HEALTHY"}],
}
SERVICE = {
    "serviceName": "children-drawing-prod-service", "status": "ACTIVE", "desiredCount": 2,
    "runningCount": 1, "pendingCount": 1, "launchType": "FARGATE",
    "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/"
                      "children-drawing-prod-task:7",
    "deployments": [{
        "id": "ecs-svc/1234", "status": "PRIMARY", "taskDefinition": "arn:aws:ecs:eu-west-1:"
        "123456789012:task-definition/children-drawing-prod-task:7", "desiredCount": 2,
        "runningCount": 1, "pendingCount": 1, "failedTasks": 3, "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": "ECS deployment ecs-svc/1234 in progress.",
        "createdAt": T0, "updatedAt": T0}],
    "events": [{"id": "e1", "createdAt": T0 + timedelta(minutes=4),
                "message": "(service children-drawing-prod-service) has started 1 tasks: "
                           "(task 0123456789abcdef0123456789abcdef)."},
               {"id": "e2", "createdAt": T0 + timedelta(minutes=3),
                "message": "(service children-drawing-prod-service) (task 0123) failed "
                           "container health checks."}],
    "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"],
                                                     "securityGroups": ["sg-tasks"]}},
}


def test_stopped_task_exit_code_and_reason():
    task = parse_task(STOPPED_OOM)
    assert task.task_id == "0123456789abcdef0123456789abcdef"
    assert task.exit_codes == (137,)
    assert task.containers[0].reason.startswith("OutOfMemoryError")
    assert task.failed and task.is_stopped
    assert task.revision == "children-drawing-prod-task:7"
    assert task.private_ip == "10.0.1.23"


def test_health_falls_back_to_containers_when_task_health_missing():
    raw = {**RUNNING, "healthStatus": None}
    assert parse_task(raw).health == "HEALTHY"


def test_service_events_deployments_and_order():
    tasks = order_tasks([parse_task(STOPPED_OOM), parse_task(RUNNING)])
    assert [t.last_status for t in tasks] == ["RUNNING", "STOPPED"]
    service = parse_service(SERVICE, "children-drawing-prod-cluster", tasks)
    assert service.events[0].message.startswith("(service children-drawing-prod-service) has")
    assert service.primary.failed_tasks == 3
    assert service.rolling_out
    assert service.security_groups == ("sg-tasks",)
    verdict = judge(service=service)
    assert verdict.level is Level.DEGRADED
    assert "1 of 2 tasks running" in verdict.reasons


def _event(i, logical, status, reason="", rtype="AWS::ECS::Service"):
    return StackEvent(f"e{i}", T0 - timedelta(seconds=i), logical, rtype, status, reason)


def test_failures_of_the_latest_operation_only():
    stack = "children-drawing-prod"
    events = (  # newest first, as DescribeStackEvents returns them
        _event(0, stack, "UPDATE_ROLLBACK_COMPLETE", rtype="AWS::CloudFormation::Stack"),
        _event(1, "Service", "UPDATE_COMPLETE"),
        _event(2, stack, "UPDATE_ROLLBACK_IN_PROGRESS",
               "The following resource(s) failed to update: [Service].",
               "AWS::CloudFormation::Stack"),
        _event(3, "Service", "UPDATE_FAILED", "Resource handler returned message: \"Invalid "
               "request provided: CreateService error: subnet not found\""),
        _event(4, stack, "UPDATE_IN_PROGRESS", "User Initiated", "AWS::CloudFormation::Stack"),
        _event(5, "Bucket", "CREATE_FAILED", "an older failure, fixed since"),
        _event(6, stack, "CREATE_IN_PROGRESS", "User Initiated", "AWS::CloudFormation::Stack"),
    )
    failures = latest_operation_failures(events, stack)
    assert [f.logical_id for f in failures] == [stack, stack, "Service"]
    assert "subnet not found" in failures[-1].reason


def test_root_cause_is_the_first_real_failure_not_the_cancellations():
    from probes.stack import StackSnapshot

    stack = "children-drawing-prod"
    events = (
        _event(0, stack, "UPDATE_ROLLBACK_IN_PROGRESS", "The following resource(s) failed",
               "AWS::CloudFormation::Stack"),
        _event(1, "Alarm", "CREATE_FAILED", "Resource creation cancelled"),
        _event(2, "Service", "UPDATE_FAILED", "The container app does not exist"),
        _event(3, stack, "UPDATE_IN_PROGRESS", "User Initiated", "AWS::CloudFormation::Stack"),
    )
    snapshot = StackSnapshot(stack, "UPDATE_ROLLBACK_COMPLETE", "", None, events,
                             latest_operation_failures(events, stack))
    assert [e.logical_id for e in snapshot.root_causes] == ["Service"]


def test_costs_keep_fractions_of_a_cent_until_display():
    from datetime import date

    from probes.costs import parse_cost_and_usage

    start, end = date(2026, 11, 1), date(2026, 11, 29)
    pages = [{"ResultsByTime": [
        {"TimePeriod": {"Start": f"2026-11-{d:02d}", "End": f"2026-11-{d + 1:02d}"},
         "Groups": [{"Keys": ["AWS Secrets Manager"],
                     "Metrics": {"UnblendedCost": {"Amount": "0.013", "Unit": "USD"}}}]}
        for d in range(1, 29)]}]
    _, _, daily, services = parse_cost_and_usage(pages, start, end)
    assert abs(services[0].amount - 0.364) < 1e-9  # rounding per day would say 0.28
    assert abs(sum(daily) - 0.364) < 1e-9


def test_unhealthy_and_draining_targets_from_the_documented_shape():
    from probes.targets import TargetHealthSnapshot, parse_target_group

    group = {"TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
                               "targetgroup/children-drawing-prod-tg/73e2d6bc24d8a067",
             "TargetGroupName": "children-drawing-prod-tg", "Port": 8000, "Protocol": "HTTP",
             "HealthCheckPath": "/health"}
    health = {"TargetHealthDescriptions": [  # DescribeTargetHealth, per the ELBv2 reference
        {"Target": {"Id": "10.0.2.9", "Port": 8000, "AvailabilityZone": "eu-west-1b"},
         "HealthCheckPort": "8000",
         "TargetHealth": {"State": "unhealthy", "Reason": "Target.Timeout",
                          "Description": "Request timed out"}},
        {"Target": {"Id": "10.0.1.4", "Port": 8000},
         "TargetHealth": {"State": "draining", "Reason": "Target.DeregistrationInProgress",
                          "Description": "Target deregistration is in progress"}},
    ]}
    parsed = parse_target_group(group, health)
    assert [t.target_id for t in parsed.targets] == ["10.0.1.4", "10.0.2.9"]
    assert parsed.targets[1].reason == "Target.Timeout"
    snapshot = TargetHealthSnapshot((), (parsed,))
    assert snapshot.no_healthy_target and snapshot.healthy_count == 0
