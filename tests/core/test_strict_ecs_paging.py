"""The strict emulator pages ListTasks at 100 as ECS does; the service probe reads every page.
(moto returns every task ARN in one answer, which would hide a probe that reads one page.)"""

from __future__ import annotations

import boto3

from console.demo import names as n
from probes.context import AwsContext
from probes.ecs import EcsProbe

EXTRA_TASKS = 110


async def test_more_than_a_page_of_tasks_is_read(strict_emulator):
    handle = strict_emulator("healthy")
    base = handle.built.base
    ecs = boto3.client("ecs", region_name=n.REGION, endpoint_url=handle.endpoint_url,
                       aws_access_key_id="x", aws_secret_access_key="x")
    for _ in range(EXTRA_TASKS // 10):
        ecs.run_task(cluster=n.CLUSTER, taskDefinition=base.task_definition_arn, count=10,
                     launchType="FARGATE", group=f"service:{n.SERVICE}",
                     networkConfiguration={"awsvpcConfiguration": {
                         "subnets": list(base.subnet_ids),
                         "securityGroups": [base.ecs_security_group_id]}})
    first = ecs.list_tasks(cluster=n.CLUSTER, desiredStatus="RUNNING")
    assert len(first["taskArns"]) == 100 and first["nextToken"]
    total = len(first["taskArns"]) + len(ecs.list_tasks(
        cluster=n.CLUSTER, desiredStatus="RUNNING", nextToken=first["nextToken"])["taskArns"])
    assert total > 100

    async with AwsContext(handle.settings()) as ctx:
        snapshot = await EcsProbe(ctx, n.CLUSTER, n.SERVICE).collect()

    assert len([t for t in snapshot.tasks if not t.is_stopped]) == total
