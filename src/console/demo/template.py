"""The deployment's CloudFormation template, as the guide's `main-infrastructure.yaml` would
have it: a VPC with two public subnets, security groups, the ECS cluster and task definition,
the ALB with its target group and listeners, the log group, IAM roles, buckets, SNS topics and a
hosted zone.

Only resource types moto's CloudFormation implements are here. What it does not implement (the
ECS service with its load balancer wiring, alarms, the secret, the distribution, the budget,
the certificate) is created through each service's API and then listed among the stack's
resources (see deployment.py), so discovery sees the same stack a real account would show.
"""

from __future__ import annotations

from typing import Any

from console.demo import names as n

_ASSUME_ECS_TASKS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
}


def _policy(name: str, actions: list[str], resources: list[Any]) -> dict[str, Any]:
    return {"PolicyName": name, "PolicyDocument": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources}]}}


def _tags(name: str) -> list[dict[str, str]]:
    return [{"Key": "Name", "Value": name}, {"Key": "Environment", "Value": "production"},
            {"Key": "Application", "Value": "children-drawing"}]


def _network() -> dict[str, Any]:
    resources: dict[str, Any] = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {
            "CidrBlock": n.VPC_CIDR, "EnableDnsHostnames": True, "EnableDnsSupport": True,
            "Tags": _tags(f"{n.STACK}-vpc")}},
        "InternetGateway": {"Type": "AWS::EC2::InternetGateway",
                            "Properties": {"Tags": _tags(f"{n.STACK}-igw")}},
        "InternetGatewayAttachment": {"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "InternetGateway"}}},
        "PublicRouteTable": {"Type": "AWS::EC2::RouteTable", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "Tags": _tags(f"{n.STACK}-public-routes")}},
        "DefaultPublicRoute": {"Type": "AWS::EC2::Route", "DependsOn": "InternetGatewayAttachment",
                               "Properties": {"RouteTableId": {"Ref": "PublicRouteTable"},
                                              "DestinationCidrBlock": "0.0.0.0/0",
                                              "GatewayId": {"Ref": "InternetGateway"}}},
    }
    for index, (cidr, zone) in enumerate(zip(n.PUBLIC_SUBNET_CIDRS, n.AVAILABILITY_ZONES,
                                             strict=True), start=1):
        resources[f"PublicSubnet{index}"] = {"Type": "AWS::EC2::Subnet", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": zone,
            "MapPublicIpOnLaunch": True, "Tags": _tags(f"{n.STACK}-public-{zone[-1]}")}}
        resources[f"PublicSubnet{index}RouteTableAssociation"] = {
            "Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                "RouteTableId": {"Ref": "PublicRouteTable"},
                "SubnetId": {"Ref": f"PublicSubnet{index}"}}}
    resources["AlbSecurityGroup"] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupName": f"{n.STACK}-alb-sg", "GroupDescription": "ALB: HTTP and HTTPS from anywhere",
        "VpcId": {"Ref": "Vpc"},
        "SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "CidrIp": "0.0.0.0/0"}
            for port in (80, 443)],
        "Tags": _tags(f"{n.STACK}-alb-sg")}}
    resources["EcsSecurityGroup"] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupName": f"{n.STACK}-ecs-sg", "GroupDescription": "ECS tasks: app port from the ALB",
        "VpcId": {"Ref": "Vpc"},
        "SecurityGroupIngress": [{
            "IpProtocol": "tcp", "FromPort": n.CONTAINER_PORT, "ToPort": n.CONTAINER_PORT,
            "SourceSecurityGroupId": {"Ref": "AlbSecurityGroup"}}],
        "Tags": _tags(f"{n.STACK}-ecs-sg")}}
    return resources


def _compute() -> dict[str, Any]:
    bucket_arns = [f"arn:aws:s3:::{b}" for b in (n.DRAWINGS_BUCKET, n.BACKUPS_BUCKET)]
    return {
        "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {
            "ClusterName": n.CLUSTER,
            "ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]}},
        "LogGroup": {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": n.LOG_GROUP, "RetentionInDays": 30}},
        "TaskRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": n.TASK_ROLE, "AssumeRolePolicyDocument": _ASSUME_ECS_TASKS,
            "Policies": [
                _policy("S3Access", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                                     "s3:ListBucket"],
                        bucket_arns + [f"{arn}/*" for arn in bucket_arns]),
                _policy("CloudWatchMetrics", ["cloudwatch:PutMetricData"], ["*"]),
                _policy("SecretsAccess", ["secretsmanager:GetSecretValue"],
                        [f"arn:aws:secretsmanager:{n.REGION}:{n.ACCOUNT_ID}:secret:"
                         f"{n.SECRET}-*"]),
            ]}},
        "ExecutionRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": n.EXECUTION_ROLE, "AssumeRolePolicyDocument": _ASSUME_ECS_TASKS,
            "Policies": [
                _policy("CloudWatchLogs", ["logs:CreateLogStream", "logs:PutLogEvents"],
                        [f"arn:aws:logs:{n.REGION}:{n.ACCOUNT_ID}:log-group:{n.LOG_GROUP}:*"]),
                _policy("EcrPull", ["ecr:GetAuthorizationToken", "ecr:BatchGetImage",
                                    "ecr:GetDownloadUrlForLayer"], ["*"]),
            ]}},
    }


def _load_balancing(certificate_arn: str) -> dict[str, Any]:
    subnets = [{"Ref": "PublicSubnet1"}, {"Ref": "PublicSubnet2"}]
    forward = [{"Type": "forward", "TargetGroupArn": {"Ref": "TargetGroup"}}]
    return {
        "LoadBalancer": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
            "Name": n.LOAD_BALANCER, "Scheme": "internet-facing", "Type": "application",
            "Subnets": subnets, "SecurityGroups": [{"Ref": "AlbSecurityGroup"}],
            "Tags": _tags(n.LOAD_BALANCER)}},
        "TargetGroup": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {
            "Name": n.TARGET_GROUP, "Port": n.CONTAINER_PORT, "Protocol": "HTTP",
            "VpcId": {"Ref": "Vpc"}, "TargetType": "ip",
            "HealthCheckPath": n.HEALTH_CHECK_PATH, "HealthCheckIntervalSeconds": 30,
            "HealthCheckTimeoutSeconds": 5, "HealthyThresholdCount": 2,
            "UnhealthyThresholdCount": 3, "Matcher": {"HttpCode": "200"}}},
        "HttpListener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": "LoadBalancer"}, "Port": 80, "Protocol": "HTTP",
            "DefaultActions": forward}},
        "HttpsListener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": "LoadBalancer"}, "Port": 443, "Protocol": "HTTPS",
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "Certificates": [{"CertificateArn": certificate_arn}],
            "DefaultActions": forward}},
    }


def _storage_and_alerts() -> dict[str, Any]:
    email = [{"Protocol": "email", "Endpoint": n.ALERT_EMAIL}]
    return {
        "DrawingsBucket": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": n.DRAWINGS_BUCKET,
            "VersioningConfiguration": {"Status": "Enabled"}}},
        "BackupsBucket": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": n.BACKUPS_BUCKET,
            "VersioningConfiguration": {"Status": "Enabled"}}},
        "CostAlertsTopic": {"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": n.COST_TOPIC, "Subscription": email}},
        "AlertsTopic": {"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": n.ALERTS_TOPIC, "Subscription": email}},
        "HostedZone": {"Type": "AWS::Route53::HostedZone", "Properties": {
            "Name": n.DOMAIN,
            "HostedZoneConfig": {"Comment": "children-drawing production"}}},
    }


def deployment_template(certificate_arn: str) -> dict[str, Any]:
    """The template's body (as a dict; `json.dumps` it for CreateStack)."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Children's Drawing Anomaly Detection System - production infrastructure",
        "Resources": {**_network(), **_compute(), **_load_balancing(certificate_arn),
                      **_storage_and_alerts()},
        "Outputs": {
            "LoadBalancerDNS": {"Value": {"Fn::GetAtt": ["LoadBalancer", "DNSName"]}},
            "ClusterName": {"Value": {"Ref": "Cluster"}},
        },
    }
