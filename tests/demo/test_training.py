"""Training mode (issue 10 point 7): each scenario's fault clears when the guide's fix reaches
the emulator, and not for a wrong action. The requests are sent as any client would (boto3);
what is checked is what the console's own probes then read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from tests.demo.test_scenarios import firing, look, newest_backup_age

from console.demo import names as n
from console.demo.training import Trainer, parse_request, start_training
from probes.verdict import Level, judge

SETTLE_S = 0.3  # a short settle: the tests wait on `wait_settled`, never on the clock


@pytest.fixture
def trained(emulator, scenario) -> Iterator:
    """`trained("p0-outage")`: the scenario built, a trainer watching it."""
    trainers: list[Trainer] = []

    def start(name: str):
        handle = scenario(name)
        trainer = start_training(emulator, handle.built, settle_s=SETTLE_S)
        trainers.append(trainer)
        return handle, trainer, handle.built.base

    yield start
    emulator.observe_requests(None)
    for trainer in trainers:
        trainer.stop()


def verdict(seen):
    return judge(stack=seen.stack, service=seen.ecs, targets=seen.targets, alarms=seen.alarms)


def bigger_revision(base, memory: int = 1024, database_url: str | None = None) -> str:
    ecs = base.api("ecs")
    current = ecs.describe_task_definition(taskDefinition=n.TASK_FAMILY)["taskDefinition"]
    containers = []
    for container in current["containerDefinitions"]:
        container = {**container, "memory": memory}
        if database_url is not None:
            container["environment"] = [
                {**e, "value": database_url} if e["name"] == "DATABASE_URL" else e
                for e in container["environment"]]
        containers.append(container)
    keys = ("family", "taskRoleArn", "executionRoleArn", "networkMode",
            "requiresCompatibilities")
    return ecs.register_task_definition(
        **{k: current[k] for k in keys if current.get(k)}, containerDefinitions=containers,
        cpu="512" if memory > 512 else current.get("cpu", "256"),
        memory=str(memory))["taskDefinition"]["taskDefinitionArn"]


def test_requests_are_read_from_both_protocols():
    signed = {"authorization": "AWS4-HMAC-SHA256 Credential=testing/20261128/eu-west-1/ecs/"
                               "aws4_request, SignedHeaders=host, Signature=x"}
    ecs = parse_request("POST", "/", "", {**signed, "x-amz-target":
                                          "AmazonEC2ContainerServiceV20141113.UpdateService"},
                        json.dumps({"service": "s", "desiredCount": 3}).encode())
    assert (ecs.service, ecs.operation, ecs.params["desiredCount"]) == ("ecs", "UpdateService", 3)
    ec2 = parse_request("POST", "/", "", {"authorization": signed["authorization"].replace(
        "/ecs/", "/ec2/")}, b"Action=DeleteNatGateway&Version=2016-11-15&NatGatewayId=nat-1")
    assert (ec2.service, ec2.operation, ec2.params) == (
        "ec2", "DeleteNatGateway", {"Version": "2016-11-15", "NatGatewayId": "nat-1"})
    assert parse_request("PUT", "/bucket/key", "", signed, b"binary") is None


async def test_p0_outage_clears_with_more_memory_and_not_with_a_redeploy(trained):
    handle, trainer, base = trained("p0-outage")
    ecs = base.api("ecs")
    ecs.update_service(cluster=n.CLUSTER, service=n.SERVICE, forceNewDeployment=True)
    assert [e.fix for e in trainer.events] == [False]
    assert "run out of memory again" in trainer.events[0].detail
    assert not trainer.wait_settled(SETTLE_S * 3)
    assert verdict(await look(handle)).level is Level.DOWN

    ecs.update_service(cluster=n.CLUSTER, service=n.SERVICE,
                       taskDefinition=bigger_revision(base))
    assert trainer.events[-1].fix, trainer.events[-1]
    assert trainer.wait_settled(30)
    seen = await look(handle)
    assert verdict(seen).level is Level.OK, verdict(seen)
    assert [(t.last_status, t.health, t.memory) for t in seen.ecs.tasks] == [
        ("RUNNING", "HEALTHY", "1024")] * 2
    assert seen.ecs.deployments[0].task_definition.endswith(f"{n.TASK_FAMILY}:2")
    assert {t.state for t in seen.targets.targets} == {"healthy"}
    assert not firing(seen)


async def test_p1_degraded_clears_with_a_scale_out_only(trained):
    handle, trainer, base = trained("p1-degraded")
    ecs = base.api("ecs")
    ecs.update_service(cluster=n.CLUSTER, service=n.SERVICE, desiredCount=2)
    assert [e.fix for e in trainer.events] == [False]
    assert firing(await look(handle)) == {n.ALARM_CPU, n.ALARM_RESPONSE_TIME}
    ecs.update_service(cluster=n.CLUSTER, service=n.SERVICE, desiredCount=3)
    assert trainer.events[-1].fix and trainer.wait_settled(30)
    seen = await look(handle)
    assert not firing(seen) and verdict(seen).level is Level.OK, verdict(seen)
    assert len(seen.ecs.running_tasks) == 3 and len(seen.targets.targets) == 3
    cpu = next(a for a in seen.alarms.alarms if a.name == n.ALARM_CPU)
    assert "not greater than the threshold" in cpu.reason


def stack_update(base, container: str) -> None:
    """The guide's redeploy: the stack's template with its task definition's container."""
    cfn = base.api("cloudformation")
    template = cfn.get_template(StackName=n.STACK)["TemplateBody"]
    template = json.loads(template) if isinstance(template, str) else template
    template["Resources"]["AppTaskDefinition"] = {
        "Type": "AWS::ECS::TaskDefinition", "Properties": {
            "Family": n.TASK_FAMILY, "Cpu": "256", "Memory": "512",
            "ContainerDefinitions": [{"Name": container, "Image": f"{n.IMAGE}:1.8.2",
                                      "Memory": 512}]}}
    cfn.update_stack(StackName=n.STACK, TemplateBody=json.dumps(template))


async def test_stack_rollback_completes_with_the_container_named_app_again(trained):
    handle, trainer, base = trained("stack-rollback")
    stack_update(base, "web")
    assert [e.fix for e in trainer.events] == [False]
    seen = await look(handle)
    assert seen.stack.status == "UPDATE_ROLLBACK_COMPLETE"
    stack_update(base, n.CONTAINER)
    assert trainer.events[-1].fix and trainer.wait_settled(5)
    seen = await look(handle)
    assert seen.stack.status == "UPDATE_COMPLETE" and verdict(seen).level is Level.OK


async def test_cost_overrun_forecast_falls_when_the_nat_gateway_goes(trained):
    handle, trainer, base = trained("cost-overrun")
    before = (await look(handle)).costs.budgets[0]
    base.api("ecs").update_service(cluster=n.CLUSTER, service=n.SERVICE, desiredCount=1)
    assert (await look(handle)).costs.budgets[0].forecast == before.forecast  # not the fix
    ec2 = base.api("ec2")
    (nat,) = ec2.describe_nat_gateways(Filters=[{"Name": "state", "Values": ["available"]}])[
        "NatGateways"]
    ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    assert trainer.events[-1].fix and trainer.wait_settled(5)
    after = (await look(handle)).costs.budgets[0]
    assert after.actual == before.actual
    assert after.forecast < before.forecast - 40  # the NAT's ~27 USD a day stop
    assert after.forecast - after.actual < 3 * 31  # the healthy rate: ~2.6 USD a day


async def test_backup_failure_a_valid_database_url_makes_a_fresh_backup(trained):
    handle, trainer, base = trained("backup-failure")
    ecs = base.api("ecs")
    ecs.update_service(cluster=n.CLUSTER, service=n.SERVICE,
                       taskDefinition=bigger_revision(base))  # still the broken URL
    assert [e.fix for e in trainer.events] == [False]
    assert newest_backup_age(await look(handle, backups=True)) > timedelta(days=2)
    ecs.update_service(cluster=n.CLUSTER, service=n.SERVICE,
                       taskDefinition=bigger_revision(base, database_url=n.DATABASE_URL))
    assert trainer.events[-1].fix and trainer.wait_settled(5)
    seen = await look(handle, backups=True)
    assert newest_backup_age(seen) < timedelta(minutes=5)
    assert len(seen.ecs.running_tasks) == 2 and verdict(seen).level is Level.OK
    assert datetime.now(UTC) - seen.backups[-1]["LastModified"] >= timedelta(0)
