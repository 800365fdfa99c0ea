"""Build the guide's deployment in the emulator: CloudFormation first, then the APIs.

The stack creates what moto's CloudFormation implements (template.py). Then each service's own
API creates the rest: the ECS service wired to the target group, the alarms, the admin
password secret, the CloudFront distribution and its DNS alias (the budget comes with the
scenario's costs, billing.py). Those are then listed
among the stack's resources, so `probes.deployment.discover` finds everything from the stack
name alone, as it would in a real account. Scenario-specific state (tasks, health, alarm states,
costs, backups) is applied afterwards by scenarios.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from console.demo import backend, specs
from console.demo import names as n
from console.demo.telemetry import ALARMS
from console.demo.template import deployment_template

CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2"  # every CloudFront alias record points here
_GLOBAL_SERVICES = {"cloudfront", "route53", "budgets", "ce", "iam"}
_clients_cache: dict[tuple[str, str], Any] = {}


def client(endpoint_url: str, service: str) -> Any:
    """A boto3 client for the emulator, created once per endpoint and service (creating one
    costs ~20 ms: too much to repeat for every scenario build)."""
    key = (endpoint_url, service)
    existing = _clients_cache.get(key)
    if existing is None:
        region = "us-east-1" if service in _GLOBAL_SERVICES else n.REGION
        existing = boto3.session.Session().client(
            service, endpoint_url=endpoint_url, region_name=region,
            aws_access_key_id=n.CREDENTIALS[0], aws_secret_access_key=n.CREDENTIALS[1],
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
        _clients_cache[key] = existing
    return existing


@dataclass(frozen=True)
class BaseDeployment:
    """What scenarios need to know about the deployment they change."""

    endpoint_url: str
    created_at: datetime
    stack_id: str
    vpc_id: str
    subnet_ids: tuple[str, ...]
    ecs_security_group_id: str
    target_group_arn: str
    load_balancer_arn: str
    load_balancer_dns: str
    task_definition_arn: str
    service_arn: str
    alerts_topic_arn: str
    cost_topic_arn: str
    distribution_id: str
    resources: dict[str, str]  # logical id -> physical id, everything in the stack

    def api(self, service: str) -> Any:
        return client(self.endpoint_url, service)


def register_task_definition(endpoint_url: str, database_url: str, secret_arn: str,
                             image_tag: str = "1.8.2") -> str:
    """A revision of the app's task definition; returns its ARN. Registered through the ECS
    API: moto's CloudFormation drops the Fargate settings (network mode, cpu, roles)."""
    role = f"arn:aws:iam::{n.ACCOUNT_ID}:role/"
    container = container_definition(database_url, secret_arn)
    container["image"] = f"{n.IMAGE}:{image_tag}"
    return client(endpoint_url, "ecs").register_task_definition(
        family=n.TASK_FAMILY, cpu="256", memory="512", networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"], containerDefinitions=[container],
        taskRoleArn=role + n.TASK_ROLE, executionRoleArn=role + n.EXECUTION_ROLE,
        runtimePlatform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
        tags=[{"key": "Application", "value": "children-drawing"}],
    )["taskDefinition"]["taskDefinitionArn"]


def container_definition(database_url: str, secret_arn: str) -> dict[str, Any]:
    """The `app` container as RegisterTaskDefinition takes it."""
    return {
        "name": n.CONTAINER, "image": f"{n.IMAGE}:1.8.2", "essential": True,
        # Fargate only needs the task-level memory; moto's RunTask also needs it per container.
        "memory": 512,
        "portMappings": [{"containerPort": n.CONTAINER_PORT, "protocol": "tcp"}],
        "environment": [
            {"name": "DATABASE_URL", "value": database_url},
            {"name": "ENVIRONMENT", "value": "production"},
            {"name": "S3_BUCKET_DRAWINGS", "value": n.DRAWINGS_BUCKET},
            {"name": "S3_BUCKET_BACKUPS", "value": n.BACKUPS_BUCKET},
            {"name": "BACKUP_INTERVAL_HOURS", "value": "6"},
        ],
        "secrets": [{"name": "ADMIN_PASSWORD", "valueFrom": secret_arn}],
        "healthCheck": {"command": ["CMD-SHELL",
                                    "curl -fsS http://localhost:8000/health || exit 1"],
                        "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60},
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": n.LOG_GROUP, "awslogs-region": n.REGION,
            "awslogs-stream-prefix": n.LOG_STREAM_PREFIX,
            # Tracebacks stay one event: a new event starts with a date or a JSON object.
            "awslogs-multiline-pattern": r"^(\d{4}-\d{2}-\d{2} |\{)"}},
    }


def _create_stack(endpoint_url: str, certificate_arn: str) -> dict[str, str]:
    template = deployment_template(certificate_arn)
    cfn = client(endpoint_url, "cloudformation")
    cfn.create_stack(StackName=n.STACK, TemplateBody=json.dumps(template),
                     Capabilities=["CAPABILITY_NAMED_IAM"],
                     Tags=[{"Key": "Application", "Value": "children-drawing"}])
    summaries = cfn.list_stack_resources(StackName=n.STACK)["StackResourceSummaries"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries}


def _create_service(endpoint_url: str, resources: dict[str, str]) -> str:
    ecs = client(endpoint_url, "ecs")
    created = ecs.create_service(
        cluster=n.CLUSTER, serviceName=n.SERVICE, taskDefinition=resources["TaskDefinition"],
        desiredCount=2, launchType="FARGATE", platformVersion="1.4.0",
        healthCheckGracePeriodSeconds=60, propagateTags="SERVICE",
        loadBalancers=[{"targetGroupArn": resources["TargetGroup"],
                        "containerName": n.CONTAINER, "containerPort": n.CONTAINER_PORT}],
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": [resources["PublicSubnet1"], resources["PublicSubnet2"]],
            "securityGroups": [resources["EcsSecurityGroup"]], "assignPublicIp": "ENABLED"}},
        deploymentConfiguration={
            "maximumPercent": 200, "minimumHealthyPercent": 100,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    return created["service"]["serviceArn"]


def _create_distribution(endpoint_url: str, alb_dns: str, certificate_arn: str) -> str:
    origin_id = "alb-origin"
    config = {
        "CallerReference": f"{n.STACK}-distribution", "Comment": f"{n.STACK} web",
        "Enabled": True, "PriceClass": "PriceClass_100",
        "Aliases": {"Quantity": 1, "Items": [n.DOMAIN]},
        "Origins": {"Quantity": 1, "Items": [{
            "Id": origin_id, "DomainName": alb_dns,
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                   "OriginProtocolPolicy": "http-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": origin_id,
                                 "ViewerProtocolPolicy": "redirect-to-https",
                                 "MinTTL": 0, "ForwardedValues": {
                                     "QueryString": True, "Cookies": {"Forward": "all"}}},
        "ViewerCertificate": {"ACMCertificateArn": certificate_arn,
                              "SSLSupportMethod": "sni-only",
                              "MinimumProtocolVersion": "TLSv1.2_2021"},
    }
    created = client(endpoint_url, "cloudfront").create_distribution(DistributionConfig=config)
    return created["Distribution"]["Id"]


def _point_domain_at(endpoint_url: str, zone_id: str, distribution_id: str) -> None:
    cloudfront = client(endpoint_url, "cloudfront")
    domain = cloudfront.get_distribution(Id=distribution_id)["Distribution"]["DomainName"]
    client(endpoint_url, "route53").change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": n.DOMAIN, "Type": "A", "AliasTarget": {
                "HostedZoneId": CLOUDFRONT_HOSTED_ZONE_ID, "DNSName": domain,
                "EvaluateTargetHealth": False}}}]})


def _create_alarms(endpoint_url: str, alerts_topic_arn: str, resources: dict[str, str]) -> None:
    cloudwatch = client(endpoint_url, "cloudwatch")
    load_balancer = resources["LoadBalancer"].split(":loadbalancer/", 1)[1]
    target_group = resources["TargetGroup"].split(":", 5)[5]
    for alarm in ALARMS:
        cloudwatch.put_metric_alarm(**alarm.put_request(alerts_topic_arn, load_balancer,
                                                        target_group))


def build_base_deployment(endpoint_url: str, now: datetime) -> BaseDeployment:
    """Everything but the scenario's state. The stack was created 42 days before `now`."""
    created_at = now - timedelta(days=42, hours=3, minutes=17)
    secret_arn = client(endpoint_url, "secretsmanager").create_secret(
        Name=n.SECRET, Description="Admin password for the children-drawing web app",
        SecretString=json.dumps({"username": "admin", "password": "demo-only-not-a-secret"}),
    )["ARN"]
    acm = client(endpoint_url, "acm")
    certificate_arn = acm.request_certificate(
        DomainName=n.DOMAIN, SubjectAlternativeNames=[n.DOMAIN, f"*.{n.DOMAIN}"],
        ValidationMethod="DNS")["CertificateArn"]
    backend.mark_certificate_issued(certificate_arn)
    resources = _create_stack(endpoint_url, certificate_arn)
    # moto's CloudFormation ignores EnableDnsHostnames (tasks' ENIs need DNS names).
    client(endpoint_url, "ec2").modify_vpc_attribute(VpcId=resources["Vpc"],
                                                     EnableDnsHostnames={"Value": True})
    resources["TaskDefinition"] = register_task_definition(endpoint_url, n.DATABASE_URL,
                                                           secret_arn)
    service_arn = _create_service(endpoint_url, resources)
    alerts_topic, cost_topic = resources["AlertsTopic"], resources["CostAlertsTopic"]
    _create_alarms(endpoint_url, alerts_topic, resources)
    alb_dns = client(endpoint_url, "elbv2").describe_load_balancers(
        LoadBalancerArns=[resources["LoadBalancer"]])["LoadBalancers"][0]["DNSName"]
    distribution_id = _create_distribution(endpoint_url, alb_dns, certificate_arn)
    _point_domain_at(endpoint_url, resources["HostedZone"], distribution_id)
    spec = specs.StackResourceSpec
    bound = [
        spec("TaskDefinition", "AWS::ECS::TaskDefinition", resources["TaskDefinition"]),
        spec("Service", "AWS::ECS::Service", service_arn),
        spec("AdminPasswordSecret", "AWS::SecretsManager::Secret", secret_arn),
        spec("Certificate", "AWS::CertificateManager::Certificate", certificate_arn),
        spec("Distribution", "AWS::CloudFront::Distribution", distribution_id),
        spec("DnsRecord", "AWS::Route53::RecordSet", n.DOMAIN),
        spec("MonthlyBudget", "AWS::Budgets::Budget", n.BUDGET),
        *(spec(a.logical_id, "AWS::CloudWatch::Alarm", a.name) for a in ALARMS),
    ]
    backend.add_stack_resources(n.STACK, bound)
    resources.update({b.logical_id: b.physical_id for b in bound})
    stack_id = client(endpoint_url, "cloudformation").describe_stacks(
        StackName=n.STACK)["Stacks"][0]["StackId"]
    return BaseDeployment(
        endpoint_url=endpoint_url, created_at=created_at, stack_id=stack_id,
        vpc_id=resources["Vpc"], subnet_ids=(resources["PublicSubnet1"],
                                             resources["PublicSubnet2"]),
        ecs_security_group_id=resources["EcsSecurityGroup"],
        target_group_arn=resources["TargetGroup"], load_balancer_arn=resources["LoadBalancer"],
        load_balancer_dns=alb_dns, task_definition_arn=resources["TaskDefinition"],
        service_arn=service_arn, alerts_topic_arn=alerts_topic, cost_topic_arn=cost_topic,
        distribution_id=distribution_id, resources=resources,
    )
