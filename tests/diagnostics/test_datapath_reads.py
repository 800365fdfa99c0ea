"""The data-path probe (backups and certificates, for the verdict) reads what it needs without
waiting on itself (issue 12, start-up): the checks start on discovery's task definition while
DescribeServices is out, and run again on the service's current one when it moved; a missing
backups bucket is said from ListObjectsV2's NoSuchBucket (no HeadBucket first); a failing or
slow read is said with AWS's words. Against the emulator, requests read at a proxy."""

from __future__ import annotations

import boto3
from tests.faults.proxy import FaultProxy

from console.demo import names as n
from console.demo.deployment import container_definition
from probes.context import AwsContext
from probes.datapath import DataPathProbe
from probes.suite import connect


def aws(demo, service: str):
    return boto3.client(service, region_name=n.REGION, endpoint_url=demo.endpoint_url,
                        aws_access_key_id="x", aws_secret_access_key="x")


async def datapath(settings, deployment):
    async with AwsContext(settings) as ctx:
        return await DataPathProbe(ctx, deployment).run()


async def deployment_of(demo):
    connection = await connect(demo.settings(), n.STACK)
    await connection.close()
    return connection.deployment


def move_service_to_a_broken_task_definition(demo, deployment) -> None:
    """A new revision of the service's task definition with a malformed DATABASE_URL, and the
    service updated to it (discovery still names the old one)."""
    ecs = aws(demo, "ecs")
    td = ecs.describe_task_definition(taskDefinition=deployment.task_definition)[
        "taskDefinition"]
    broken = container_definition(n.BROKEN_DATABASE_URL, "arn:aws:secretsmanager:x")
    new = ecs.register_task_definition(
        family=td["family"], containerDefinitions=[broken], cpu=td["cpu"],
        memory=td["memory"], networkMode="awsvpc", requiresCompatibilities=["FARGATE"])[
        "taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=n.CLUSTER, service=n.SERVICE, taskDefinition=new)


async def test_a_service_moved_to_a_broken_task_definition_is_judged_on_it(scenario):
    demo = scenario("healthy")
    deployment = await deployment_of(demo)  # discovery's task definition: a good one
    assert (await datapath(demo.settings(), deployment)).data.concerns == ()
    move_service_to_a_broken_task_definition(demo, deployment)
    with FaultProxy(demo.endpoint_url) as proxy:
        result = await datapath(demo.settings(endpoint_url=proxy.url), deployment)
    assert result.ok and "DATABASE_URL invalid: backups fail" in result.data.reasons
    assert proxy.seen.count("ecs:DescribeTaskDefinition") == 2  # discovery's, then the new


async def test_after_the_service_moved_the_next_runs_check_once(scenario):
    """Long run: the probe runs every five minutes for the whole session. Once it has seen
    the service on a new task definition, it starts there: the checks are not run first on
    discovery's (old) revision and again on the new one at every run."""
    demo = scenario("healthy")
    deployment = await deployment_of(demo)
    move_service_to_a_broken_task_definition(demo, deployment)
    with FaultProxy(demo.endpoint_url) as proxy:
        async with AwsContext(demo.settings(endpoint_url=proxy.url)) as ctx:
            probe = DataPathProbe(ctx, deployment)
            first = await probe.run()
            assert proxy.seen.count("ecs:DescribeTaskDefinition") == 2  # old, then new
            for _ in range(3):
                proxy.seen.clear()
                result = await probe.run()
                assert result.ok and result.data.reasons == first.data.reasons
                assert "DATABASE_URL invalid: backups fail" in result.data.reasons
                described = [a for a in proxy.seen if a == "ecs:DescribeTaskDefinition"]
                assert described == ["ecs:DescribeTaskDefinition"]  # the new one, once
                assert proxy.seen.count("logs:FilterLogEvents") <= 1


async def test_a_deleted_backups_bucket_is_said_from_the_listing(scenario):
    demo = scenario("healthy")
    deployment = await deployment_of(demo)
    s3 = aws(demo, "s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=n.BACKUPS_BUCKET):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=n.BACKUPS_BUCKET, Key=obj["Key"])
    s3.delete_bucket(Bucket=n.BACKUPS_BUCKET)
    result = await datapath(demo.settings(), deployment)
    assert result.ok and result.data.not_run == ()
    assert result.data.reasons[0] == "backups bucket missing"


async def backup_failure_with(scenario, action: str, fault: str):
    """(proxy, result): the data-path probe on backup-failure, `action` failing with `fault`
    at the fault proxy."""
    demo = scenario("backup-failure")
    deployment = await deployment_of(demo)
    with FaultProxy(demo.endpoint_url) as proxy:
        proxy.fail(action, fault)
        result = await datapath(demo.settings(endpoint_url=proxy.url), deployment)
    return proxy, result


async def test_a_dropped_describe_services_leaves_the_checks_on_discoverys_revision(scenario):
    proxy, result = await backup_failure_with(scenario, "ecs:DescribeServices", "drop")
    assert "ecs:DescribeServices" in proxy.injected
    assert result.ok and "DATABASE_URL invalid: backups fail" in result.data.reasons


async def test_a_denied_backup_log_search_still_judges_the_bucket(scenario):
    proxy, result = await backup_failure_with(scenario, "logs:FilterLogEvents", "denied")
    assert proxy.injected == ["logs:FilterLogEvents"]  # one search request, refused
    assert result.ok and result.data.not_run == ()
    assert "DATABASE_URL invalid: backups fail" in result.data.reasons
