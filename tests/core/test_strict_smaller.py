"""14.11: the parent Route 53 zone of app.example.com is found; discovery reads nested stacks'
resources; target health carries ALB's anomaly detection."""

from __future__ import annotations

from types import SimpleNamespace

import boto3

from console.demo import backend
from console.demo import names as n
from console.demo.specs import StackResourceSpec
from probes.context import AwsContext
from probes.deployment import discover
from probes.diagnostics.edge import _zone_ids
from probes.targets import TargetHealthProbe, parse_target_group


def client(handle, service: str, region: str = n.REGION):
    return boto3.client(service, region_name=region, endpoint_url=handle.endpoint_url,
                        aws_access_key_id="x", aws_secret_access_key="x")


def record_calls(aio_client, sent: list) -> None:
    aio_client.meta.events.register(
        "before-parameter-build", lambda model, params, **_: sent.append((model.name, params)))


async def test_the_parent_zone_of_a_subdomain_is_found(strict_emulator):
    handle = strict_emulator("healthy")
    route53 = client(handle, "route53", "us-east-1")
    parent = route53.create_hosted_zone(Name="example.org", CallerReference="parent")
    route53.create_hosted_zone(Name="example.net", CallerReference="other")
    parent_id = parent["HostedZone"]["Id"].rsplit("/", 1)[-1]
    inputs = SimpleNamespace(deployment=SimpleNamespace(hosted_zone_ids=()))
    sent: list = []

    async with AwsContext(handle.settings()) as ctx:
        aio_route53 = await ctx.client("route53")
        record_calls(aio_route53, sent)
        found = await _zone_ids(inputs, aio_route53, "app.example.org")

    assert found == [parent_id]
    assert [params["DNSName"] for _, params in sent] == ["app.example.org", "example.org"]


async def test_discovery_reads_the_resources_of_nested_stacks(strict_emulator):
    handle = strict_emulator("healthy")
    nested = client(handle, "cloudformation").create_stack(
        StackName=f"{n.STACK}-AlertsStack-1XYZ",
        TemplateBody='{"Resources": {"PagerTopic": {"Type": "AWS::SNS::Topic", '
                     '"Properties": {"TopicName": "nested-pager"}}}}')["StackId"]
    backend.add_stack_resources(n.STACK, [StackResourceSpec(
        "AlertsStack", "AWS::CloudFormation::Stack", nested)])

    async with AwsContext(handle.settings()) as ctx:
        deployment = await discover(ctx, n.STACK)

    pager = f"arn:aws:sns:{n.REGION}:{n.ACCOUNT_ID}:nested-pager"
    assert pager in deployment.topic_arns
    assert f"arn:aws:sns:{n.REGION}:{n.ACCOUNT_ID}:{n.ALERTS_TOPIC}" in deployment.topic_arns


def test_anomaly_detection_fields_are_read_from_the_documented_shape():
    group = {"TargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
                               "targetgroup/tg/1", "TargetGroupName": "tg", "Port": 8000}
    health = {"TargetHealthDescriptions": [
        {"Target": {"Id": "10.0.1.5", "Port": 8000}, "HealthCheckPort": "8000",
         "TargetHealth": {"State": "healthy"},
         "AnomalyDetection": {"Result": "anomalous", "MitigationInEffect": "yes"}},
        {"Target": {"Id": "10.0.2.7", "Port": 8000}, "HealthCheckPort": "8000",
         "TargetHealth": {"State": "healthy"},
         "AnomalyDetection": {"Result": "normal", "MitigationInEffect": "no"}}]}

    targets = parse_target_group(group, health).targets

    assert [(t.target_id, t.anomaly, t.mitigation) for t in targets] == [
        ("10.0.1.5", "anomalous", "yes"), ("10.0.2.7", "normal", "no")]


async def test_target_health_asks_for_anomaly_detection(strict_emulator):
    handle = strict_emulator("healthy")
    sent: list = []
    async with AwsContext(handle.settings()) as ctx:
        record_calls(await ctx.client("elbv2"), sent)
        snapshot = await TargetHealthProbe(
            ctx, (handle.built.base.target_group_arn,)).collect()

    asks = [params for name, params in sent if name == "DescribeTargetHealth"]
    assert asks and all(p["Include"] == ["AnomalyDetection"] for p in asks)
    assert snapshot.targets and {t.anomaly for t in snapshot.targets} == {""}  # moto: none
