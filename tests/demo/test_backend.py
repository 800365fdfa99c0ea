"""Every moto internal that console/demo/backend.py touches, checked by name.

When a moto upgrade moves one of them, a test here fails and its message names the internal to
look up in the new moto; fix backend.py (and its INTERNALS list) rather than the scenarios.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from datetime import UTC, datetime, timedelta

import pytest

from console.demo import backend, specs
from console.demo import names as n
from console.demo.deployment import client

PINNED_MOTO = "5.2.5"


@pytest.fixture(scope="module")
def handle(emulator):
    """One p0-outage build for the whole module (it has every kind of object the backend
    touches); each test changes different objects of it."""
    from console.demo.harness import open_scenario

    return open_scenario(emulator, "p0-outage")


def params(func) -> list[str]:
    return list(inspect.signature(inspect.unwrap(func)).parameters)


def test_moto_is_the_version_backend_was_written_for():
    version = importlib.metadata.version("moto")
    assert version == PINNED_MOTO, (
        f"moto {version} is installed; console/demo/backend.py was checked against "
        f"{PINNED_MOTO}. Run tests/demo, re-check backend.INTERNALS, then update PINNED_MOTO.")


def test_elbv2_internals():
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup

    assert hasattr(FakeTargetGroup, "health_for"), \
        "moto.elbv2.models.FakeTargetGroup.health_for is gone: unhealthy targets need a new hook"
    assert params(FakeTargetGroup.health_for) == ["self", "target", "ec2_backend"], \
        "moto.elbv2.models.FakeTargetGroup.health_for(self, target, ec2_backend) changed"
    assert params(FakeHealthStatus.__init__)[:7] == [
        "self", "instance_id", "port", "health_port", "status", "reason", "description"], \
        "moto.elbv2.models.FakeHealthStatus(instance_id, port, health_port, status, reason, " \
        "description) changed"


def test_cloudformation_internals(handle):
    from moto.cloudformation.models import Event, cloudformation_backends

    stack = cloudformation_backends[n.ACCOUNT_ID][n.REGION].get_stack(n.STACK)
    for attribute in ("events", "status", "creation_time", "stack_id", "resource_map"):
        assert hasattr(stack, attribute), f"moto.cloudformation.models.Stack.{attribute} is gone"
    for attribute in ("_resource_json_map", "_parsed_resources"):
        assert isinstance(getattr(stack.resource_map, attribute, None), dict), \
            f"moto.cloudformation.parsing.ResourceMap.{attribute} is no longer a dict"
    assert params(Event.__init__)[1:9] == [
        "stack_id", "stack_name", "logical_resource_id", "physical_resource_id",
        "resource_type", "resource_status", "resource_status_reason", "resource_properties"], \
        "moto.cloudformation.models.Event(...) arguments changed"


def test_ecs_internals(handle):
    from moto.ecs.models import ecs_backends

    ecs = ecs_backends[n.ACCOUNT_ID][n.REGION]
    service = ecs.services.get(f"{n.CLUSTER}:{n.SERVICE}")
    assert service is not None, \
        "moto.ecs.models backend.services is no longer keyed 'cluster:service'"
    for attribute in ("events", "deployments", "running_count", "pending_count", "launch_type",
                      "network_configuration", "platform_version"):
        assert hasattr(service, attribute), f"moto.ecs.models.Service.{attribute} is gone"
    tasks = ecs.tasks.get(n.CLUSTER)
    assert tasks, "moto.ecs.models backend.tasks[cluster][task_arn] moved"
    task = next(iter(tasks.values()))
    for attribute in ("attachments", "containers", "status", "desired_status", "task_arn",
                      "stopped_reason"):
        assert hasattr(task, attribute), f"moto.ecs.models.Task.{attribute} is gone"
    container = task.containers[0]
    for attribute in ("exitCode", "last_status", "health_status", "network_interfaces"):
        assert hasattr(container, attribute), f"moto.ecs.models.Container.{attribute} is gone"


def test_other_internals(handle):
    from moto.acm.models import acm_backends
    from moto.cloudwatch.models import cloudwatch_backends
    from moto.s3.models import s3_backends

    s3 = s3_backends[n.ACCOUNT_ID]["aws"]
    key = client(handle.endpoint_url, "s3").list_objects_v2(
        Bucket=n.BACKUPS_BUCKET)["Contents"][0]["Key"]
    assert hasattr(s3.get_object(n.BACKUPS_BUCKET, key), "last_modified"), \
        "moto.s3.models: s3_backends[account]['aws'].get_object(bucket, key).last_modified moved"
    alarm = cloudwatch_backends[n.ACCOUNT_ID][n.REGION].alarms.get(n.ALARM_CPU)
    assert alarm is not None and hasattr(alarm, "state_updated_timestamp"), \
        "moto.cloudwatch.models: backend.alarms[name].state_updated_timestamp moved"
    certificate = handle.built.base.resources["Certificate"]
    assert hasattr(acm_backends[n.ACCOUNT_ID][n.REGION].get_certificate(certificate),
                   "status"), "moto.acm.models: backend.get_certificate(arn).status moved"


def test_server_internal(emulator, handle):
    server = getattr(emulator, "_server", None)
    wsgi = getattr(server, "_server", None)
    assert wsgi is not None and hasattr(wsgi, "handle_error"), \
        "moto.moto_server.threaded_moto_server.ThreadedMotoServer._server moved"


# -- each backend function, through the API it is for ------------------------------------------

def test_unhealthy_targets_are_reported_and_reset_clears_them(handle):
    elb = client(handle.endpoint_url, "elbv2")
    tg = handle.built.base.target_group_arn
    first, second = (d["Target"]["Id"] for d in
                     elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"])
    backend.set_targets_unhealthy([first], "Target.Timeout", "Request timed out")
    health = {d["Target"]["Id"]: d["TargetHealth"] for d in
              elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]}
    assert health[first] == {
        "State": "unhealthy", "Reason": "Target.Timeout", "Description": "Request timed out"}
    assert health[second]["Reason"] == "Target.ResponseCodeMismatch", "set by p0-outage"
    backend.reset()
    states = {d["TargetHealth"]["State"] for d in
              elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]}
    assert states == {"healthy"}


def test_task_state_is_what_describe_tasks_returns_every_time(handle):
    ecs = client(handle.endpoint_url, "ecs")
    arn = ecs.list_tasks(cluster=n.CLUSTER)["taskArns"][0]
    stopped = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=3)
    backend.set_task_state(n.CLUSTER, arn, specs.TaskStateSpec(
        "STOPPED", "STOPPED", "UNHEALTHY", created_at=stopped - timedelta(minutes=5),
        private_ip="10.0.1.42", availability_zone="eu-west-1a",
        started_at=stopped - timedelta(minutes=4), stopped_at=stopped,
        stop_code="EssentialContainerExited", stopped_reason="Essential container exited",
        exit_code=1, container_reason="boom"))
    for _ in range(3):  # task states are frozen: describing does not advance them
        task = ecs.describe_tasks(cluster=n.CLUSTER, tasks=[arn])["tasks"][0]
        assert (task["lastStatus"], task["desiredStatus"], task["healthStatus"]) == (
            "STOPPED", "STOPPED", "UNHEALTHY")
    assert task["stopCode"] == "EssentialContainerExited" and task["stoppedAt"] == stopped
    container = task["containers"][0]
    assert (container["exitCode"], container["reason"], container["lastStatus"]) == (
        1, "boom", "STOPPED")
    details = {d["name"]: d["value"] for d in task["attachments"][0]["details"]}
    assert details["privateIPv4Address"] == "10.0.1.42"


def test_service_state_is_what_describe_services_returns(handle):
    now = datetime.now(UTC).replace(microsecond=0)
    backend.set_service_state(
        n.CLUSTER, n.SERVICE, running=1, pending=1, created_at=now - timedelta(days=3),
        deployments=[specs.DeploymentSpec("ecs-svc/1", "PRIMARY", "td:1", 2, 1, 1, 4,
                                            "IN_PROGRESS", "in progress", now, now)],
        events=[specs.ServiceEventSpec(now, "(service x) hello")])
    service = client(handle.endpoint_url, "ecs").describe_services(
        cluster=n.CLUSTER, services=[n.SERVICE])["services"][0]
    assert (service["runningCount"], service["pendingCount"]) == (1, 1)
    assert [(e["message"], e["createdAt"]) for e in service["events"]] == [
        ("(service x) hello", now)]
    deployment = service["deployments"][0]
    assert (deployment["failedTasks"], deployment["rolloutState"]) == (4, "IN_PROGRESS")


def test_stack_resources_and_history_are_what_cloudformation_returns(handle):
    backend.add_stack_resources(n.STACK, [specs.StackResourceSpec(
        "ExtraAlarm", "AWS::CloudWatch::Alarm", "extra-alarm")])
    cfn = client(handle.endpoint_url, "cloudformation")
    listed = {r["LogicalResourceId"]: (r["ResourceType"], r["PhysicalResourceId"]) for r in
              cfn.list_stack_resources(StackName=n.STACK)["StackResourceSummaries"]}
    assert listed["ExtraAlarm"] == ("AWS::CloudWatch::Alarm", "extra-alarm")
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    backend.set_stack_history(n.STACK, [
        specs.StackEventSpec(at, n.STACK, "AWS::CloudFormation::Stack", "UPDATE_IN_PROGRESS",
                               "User Initiated"),
        specs.StackEventSpec(at + timedelta(seconds=9), "Service", "AWS::ECS::Service",
                               "UPDATE_FAILED", "it broke")],
        status="UPDATE_ROLLBACK_FAILED", created_at=at - timedelta(days=1), last_updated_at=at,
        status_reason="rollback failed")
    events = cfn.describe_stack_events(StackName=n.STACK)["StackEvents"]
    assert [(e["ResourceStatus"], e.get("ResourceStatusReason")) for e in events] == [
        ("UPDATE_FAILED", "it broke"), ("UPDATE_IN_PROGRESS", "User Initiated")]
    stack = cfn.describe_stacks(StackName=n.STACK)["Stacks"][0]
    assert (stack["StackStatus"], stack.get("StackStatusReason")) == (
        "UPDATE_ROLLBACK_FAILED", "rollback failed")
    assert stack["LastUpdatedTime"] == at


def test_object_age_alarm_since_and_certificate(handle):
    s3 = client(handle.endpoint_url, "s3")
    key = s3.list_objects_v2(Bucket=n.DRAWINGS_BUCKET)["Contents"][0]["Key"]
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)
    backend.set_object_last_modified(n.DRAWINGS_BUCKET, key, when)
    assert s3.head_object(Bucket=n.DRAWINGS_BUCKET, Key=key)["LastModified"] == when
    with pytest.raises(KeyError):
        backend.set_object_last_modified(n.DRAWINGS_BUCKET, "missing", when)
    backend.set_alarm_state_since(n.ALARM_CPU, when)
    alarm = client(handle.endpoint_url, "cloudwatch").describe_alarms(
        AlarmNames=[n.ALARM_CPU])["MetricAlarms"][0]
    assert alarm["StateUpdatedTimestamp"] == when
    certificate = client(handle.endpoint_url, "acm").describe_certificate(
        CertificateArn=handle.built.base.resources["Certificate"])["Certificate"]
    assert certificate["Status"] == "ISSUED"


# -- strict mode: paging and alarms as AWS does them -------------------------------------------

def test_strict_mode_internals():
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.cloudwatch.models import Alarm
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    for cls, name in ((CloudFormationResponse, "describe_stack_events"),
                      (EC2ContainerServiceResponse, "list_tasks"),
                      (CloudWatchResponse, "describe_alarms"),
                      (CloudWatchResponse, "put_metric_alarm")):
        assert callable(getattr(cls, name, None)), f"moto: {cls.__name__}.{name} is gone"
    assert params(Alarm.__init__)[-1] == "rule", \
        "moto.cloudwatch.models.Alarm(..., rule): composite alarms are no longer stored so"
    assert ActionResult({"a": 1}).result == {"a": 1}, "moto.core.responses.ActionResult moved"


def test_strict_mode_pages_and_serves_alarms_as_aws_does(handle):
    cfn = client(handle.endpoint_url, "cloudformation")
    ecs = client(handle.endpoint_url, "ecs")
    cloudwatch = client(handle.endpoint_url, "cloudwatch")
    at = datetime(2026, 11, 28, 9, tzinfo=UTC)
    backend.set_stack_history(n.STACK, [
        specs.StackEventSpec(at + timedelta(seconds=i), f"Topic{i}", "AWS::SNS::Topic",
                             "CREATE_COMPLETE") for i in range(250)],
        status="CREATE_COMPLETE", created_at=at)
    arns = ecs.list_tasks(cluster=n.CLUSTER)["taskArns"]
    assert len(arns) >= 2
    cloudwatch.put_metric_alarm(
        AlarmName="strict-math", EvaluationPeriods=1, Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold", Metrics=[
            {"Id": "e1", "Expression": "m1 * 100", "ReturnData": True},
            {"Id": "m1", "ReturnData": False, "MetricStat": {
                "Period": 60, "Stat": "Sum", "Metric": {
                    "Namespace": "AWS/ApplicationELB", "MetricName": "HTTPCode_ELB_5XX_Count"}}}])
    lenient = cfn.describe_stack_events(StackName=n.STACK)
    assert len(lenient["StackEvents"]) == 250 and "NextToken" not in lenient

    backend.enable_strict_paging_and_alarms()
    try:
        pages = [cfn.describe_stack_events(StackName=n.STACK)]
        while "NextToken" in pages[-1]:
            pages.append(cfn.describe_stack_events(StackName=n.STACK,
                                                   NextToken=pages[-1]["NextToken"]))
        assert [len(p["StackEvents"]) for p in pages] == [100, 100, 50]
        assert pages[0]["StackEvents"][0]["LogicalResourceId"] == "Topic249"  # newest first
        first = ecs.list_tasks(cluster=n.CLUSTER, maxResults=1)
        second = ecs.list_tasks(cluster=n.CLUSTER, maxResults=1, nextToken=first["nextToken"])
        assert first["taskArns"] + second["taskArns"] == arns[:2]
        cloudwatch.put_composite_alarm(AlarmName="strict-composite",
                                       AlarmRule=f'ALARM("{n.ALARM_CPU}")')
        default = cloudwatch.describe_alarms(AlarmNamePrefix="strict-")
        assert [a["AlarmName"] for a in default["MetricAlarms"]] == ["strict-math"]
        assert not default.get("CompositeAlarms")
        both = cloudwatch.describe_alarms(AlarmNamePrefix="strict-",
                                          AlarmTypes=["CompositeAlarm", "MetricAlarm"])
        [composite] = both["CompositeAlarms"]
        assert composite["AlarmRule"] == f'ALARM("{n.ALARM_CPU}")'
        assert both["MetricAlarms"][0]["Metrics"][0]["Expression"] == "m1 * 100"
    finally:
        backend.enable_strict_paging_and_alarms(False)
    assert "NextToken" not in cfn.describe_stack_events(StackName=n.STACK)
