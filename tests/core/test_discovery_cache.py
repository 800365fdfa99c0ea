"""Discovery kept on disk and checked in the first round (issue 12 point 4), against the
emulator: a cached discovery saves the stack's resource listing; an updated stack, a new task
definition or a rebuilt stack is rediscovered at once; a check that AWS refuses falls back to
discovering as if nothing were cached (tests/faults/test_discovery_cache_faults.py).
Requests are read at a proxy in front of the emulator."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import boto3

from console.demo import backend
from console.demo import names as n
from probes.suite import build_probes, connect, open_and_collect

sys.path.insert(0, str(Path(__file__).parent))

from ecs_fleet import RecordingProxy


def aws(demo, service: str):
    return boto3.client(service, region_name=n.REGION, endpoint_url=demo.endpoint_url,
                        aws_access_key_id="x", aws_secret_access_key="x")


async def opened(settings, cache_dir: Path):
    connection = await connect(settings, n.STACK, cache_dir=cache_dir)
    await connection.close()
    return connection.deployment


async def test_second_start_uses_the_cache_checked_in_one_round(scenario, tmp_path):
    demo = scenario("healthy")
    with RecordingProxy(demo.endpoint_url) as proxy:
        settings = demo.settings(endpoint_url=proxy.url)
        first = await opened(settings, tmp_path)
        cold = list(proxy.seen)
        proxy.seen.clear()
        second = await opened(settings, tmp_path)
    assert "cloudformation:ListStackResources" in cold
    assert sorted(proxy.seen) == ["cloudformation:DescribeStacks", "ecs:DescribeServices",
                                  "sts:GetCallerIdentity"]
    assert second.to_dict() == first.to_dict()
    assert second.resources == first.resources and not second.problems


async def test_an_updated_stack_is_rediscovered_at_once(scenario, tmp_path):
    demo = scenario("healthy")
    await opened(demo.settings(), tmp_path)
    # moto's UpdateStack fails on this template (HTML 500): the update is set on the
    # emulator's stack as an update leaves it (status and LastUpdatedTime).
    cfn = aws(demo, "cloudformation")
    created = cfn.describe_stacks(StackName=n.STACK)["Stacks"][0]["CreationTime"]
    backend.set_stack_history(n.STACK, [], status="UPDATE_COMPLETE", created_at=created,
                              last_updated_at=datetime.now(UTC))
    with RecordingProxy(demo.endpoint_url) as proxy:
        again = await opened(demo.settings(endpoint_url=proxy.url), tmp_path)
        rediscovered = list(proxy.seen)
        proxy.seen.clear()
        await opened(demo.settings(endpoint_url=proxy.url), tmp_path)
    assert "cloudformation:ListStackResources" in rediscovered
    assert again.cluster == n.CLUSTER
    assert "cloudformation:ListStackResources" not in proxy.seen  # the new state was kept


async def test_a_new_task_definition_is_rediscovered(scenario, tmp_path):
    demo = scenario("healthy")
    before = await opened(demo.settings(), tmp_path)
    ecs = aws(demo, "ecs")
    definition = ecs.describe_task_definition(taskDefinition=before.task_definition)
    td = definition["taskDefinition"]
    container = {**td["containerDefinitions"][0]}
    container["logConfiguration"] = {"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/moved-here", "awslogs-region": n.REGION,
        "awslogs-stream-prefix": "app"}}
    new = ecs.register_task_definition(
        family=td["family"], containerDefinitions=[container], cpu=td.get("cpu", "256"),
        memory=td.get("memory", "512"), networkMode=td.get("networkMode", "awsvpc"),
        requiresCompatibilities=["FARGATE"])["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=n.CLUSTER, service=n.SERVICE, taskDefinition=new)
    after = await opened(demo.settings(), tmp_path)
    assert after.task_definition == new != before.task_definition
    assert after.log_groups == ("/ecs/moved-here",)


async def test_status_on_stale_cached_names_runs_the_probes_again_on_the_real_ones(
        scenario, tmp_path):
    """The cache from an earlier build of the stack names a service that is gone: the first
    round's results on it are dropped, and the ECS probe reports the service that exists."""
    demo = scenario("healthy")
    await opened(demo.settings(), tmp_path)
    (path,) = tmp_path.glob("discovery-*.json")
    stale = json.loads(path.read_text())
    stale["deployment"]["service"] = "service-of-the-old-stack"
    stale["mark"][0] += "-old"  # another StackId: the stack was deleted and rebuilt
    path.write_text(json.dumps(stale))

    def build(ctx, deployment, account):
        return build_probes(ctx, deployment, account=account)

    connection, results = await open_and_collect(demo.settings(), n.STACK, None, build,
                                                 cache_dir=tmp_path)
    await connection.close()
    assert connection.deployment.service == n.SERVICE
    assert results["ecs"].ok and results["ecs"].data.service == n.SERVICE
    assert json.loads(path.read_text())["deployment"]["service"] == n.SERVICE


async def test_another_account_behind_the_profile_reads_the_costs_again(scenario, tmp_path):
    """The cache was written for another account: the costs read in the first round (for the
    cached account) are dropped and read again for the account STS names."""
    demo = scenario("healthy")

    def build(ctx, deployment, account):
        return build_probes(ctx, deployment, account=account)

    with RecordingProxy(demo.endpoint_url) as proxy:  # the cache is per endpoint: one URL
        settings = demo.settings(endpoint_url=proxy.url)
        await opened(settings, tmp_path)
        (path,) = tmp_path.glob("discovery-*.json")
        other = json.loads(path.read_text())
        other["account"] = "999999999999"
        path.write_text(json.dumps(other))
        proxy.bodies.clear()
        connection, results = await open_and_collect(settings, n.STACK, None, build,
                                                     cache_dir=tmp_path)
        await connection.close()
    asked = [b.get("AccountId") for a, b in proxy.bodies if a == "budgets:DescribeBudgets"]
    assert asked == ["999999999999", connection.identity.account]
    assert connection.identity.account == "123456789012"
    assert results["costs"].ok
