"""The CloudFormation rows of the table of AWS reasons (`probes.reasons`): the
ResourceStatusReason of a *_FAILED stack event, as CloudFormation's handlers word it. First
match wins: specific rows before general ones."""

from __future__ import annotations

from probes.diagnostics import guide
from probes.reason_rule import REDEPLOY, ReasonRule

_CFN = "cloudformation"
_STACK_FIX = (guide.STACK_UPDATE_ROLLBACK,)

STACK_RULES: tuple[ReasonRule, ...] = (
    ReasonRule(
        "cfn.container-not-in-task-definition", _CFN,
        r"The container (?P<container>[\w.-]+) does not exist in the task definition",
        "ECS refused the service update: the service's load balancer settings name the "
        "container '{container}', and the new task definition has no container of that "
        "name (it was renamed or removed).",
        "In the template, name the task definition's container '{container}' again (or "
        "change the service's LoadBalancers ContainerName to the new name in the same "
        "update), then redeploy the stack.",
        "Fix the container name in the template, then " + REDEPLOY + ".",
        runbooks=_STACK_FIX,
        example='Resource handler returned message: "Invalid request provided: UpdateService '
                'error: The container app does not exist in the task definition. (Service: '
                'AmazonECS; Status Code: 400; Error Code: InvalidParameterException)"'),
    ReasonRule(
        "cfn.role-exists", _CFN,
        r"(?:Role with name (?P<role>[\w+=,.@-]+) already exists|(?P<name>[\w+=,.@-]+) "
        r"already exists in stack)",
        "An IAM role with this name already exists (left by an earlier stack or made by "
        "hand); role names are unique in the account.",
        "List the roles: aws iam list-roles --query \"Roles[?contains(RoleName, "
        "'children-drawing')]\"; delete the old role if it is safe, or deploy under another "
        "stack name.", "Remove or rename the existing role, then " + REDEPLOY + ".",
        resource_types=("AWS::IAM::Role",),
        example="children-drawing-prod-ecs-task-role already exists in stack "
                "arn:aws:cloudformation:eu-west-1:123456789012:stack/old/1"),
    ReasonRule(
        "cfn.name-exists", _CFN, r"(?P<name>[\w.:/-]+) already exists",
        "A resource named {name} already exists; S3 bucket names are global across all AWS "
        "accounts.",
        "Check: aws s3 ls | grep children-drawing; redeploy with a unique prefix (./deploy.sh "
        "asks for one), or delete the existing resource if it is safe.",
        "Pick a unique name (or remove the old resource), then " + REDEPLOY + ".",
        example="children-drawing-production-drawings-123456789012 already exists"),
    ReasonRule(
        "cfn.vpc-not-found", _CFN,
        r"(?:The (?:specified )?VPC (?:'?(?P<vpc>vpc-\w+)'? )?does not exist|The vpc ID "
        r"'(?P<vpc_id>vpc-\w+)' does not exist|InvalidVpcID\.NotFound)",
        "The template or its parameters name a VPC that does not exist in this account and "
        "region.",
        "Compare the VPC parameter with aws ec2 describe-vpcs --region REGION; pass an "
        "existing VPC or deploy in the region it is in.",
        "Correct the VPC parameter, then " + REDEPLOY + ".",
        example="The specified VPC does not exist"),
    ReasonRule(
        "cfn.subnet-not-found", _CFN,
        r"(?:The subnet ID '(?P<subnet>subnet-\w+)' does not exist|InvalidSubnetID\.NotFound)",
        "The template or its parameters name subnet {subnet}, which does not exist in this "
        "account and region.",
        "Compare the subnet parameters with aws ec2 describe-subnets --region REGION.",
        "Correct the subnet parameters, then " + REDEPLOY + ".",
        example="The subnet ID 'subnet-0a1b2c3d' does not exist (Service: AmazonEC2; Status "
                "Code: 400; Error Code: InvalidSubnetID.NotFound)"),
    ReasonRule(
        "cfn.az-unavailable", _CFN,
        r"Value \((?P<zone>[a-z0-9-]+)\) for parameter availabilityZone is invalid",
        "The template places a subnet in {zone}, which this account cannot use in this region.",
        "List the zones you can use: aws ec2 describe-availability-zones --region REGION; "
        "choose subnets' zones from that list (Fn::GetAZs).",
        "Use available zones in the template, then " + REDEPLOY + ".",
        example="Value (eu-west-1d) for parameter availabilityZone is invalid. Subnets can "
                "currently only be created in the following availability zones: eu-west-1a, "
                "eu-west-1b, eu-west-1c."),
    ReasonRule(
        "cfn.certificate-not-found", _CFN,
        r"Certificate '(?P<certificate>arn:aws[\w-]*:acm:[^']+)' not found",
        "The HTTPS listener names certificate {certificate}, which does not exist in this "
        "region (ACM certificates are regional).",
        "aws acm list-certificates --region REGION; pass the ARN of an issued certificate in "
        "this region.", "Correct the certificate parameter, then " + REDEPLOY + ".",
        example="Certificate 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' not found "
                "(Service: AmazonElasticLoadBalancing; Status Code: 400; Error Code: "
                "CertificateNotFound)"),
    ReasonRule(
        "cfn.access-denied", _CFN,
        r"(?:not authorized to perform: (?P<action>[\w-]+:\w+)|AccessDenied)",
        "The identity deploying the stack may not call {action}.",
        "Grant {action} to the deploying user or role (the guide lists the policies it needs).",
        "Add the permission, then " + REDEPLOY + ".",
        example="API: iam:CreateRole User: arn:aws:iam::123456789012:user/deployer is not "
                "authorized to perform: iam:CreateRole on resource: role x"),
    ReasonRule(
        "cfn.rate-exceeded", _CFN, r"(?:Rate exceeded|Throttling|TooManyRequests)",
        "An AWS API throttled CloudFormation's calls (too many requests in the account and "
        "region at that moment); the template is not at fault.",
        "Wait a few minutes; deploy one stack at a time.", "Redeploy the same template.",
        example="Rate exceeded (Service: AmazonECS; Status Code: 400; Error Code: "
                "ThrottlingException)"),
    ReasonRule(
        "cfn.quota", _CFN,
        r"(?:maximum number of (?P<what>[\w -]+?) has been reached|LimitExceeded|"
        r"limit exceeded)",
        "A service quota was reached while creating resources.",
        "aws service-quotas list-service-quotas --service-code SERVICE; request an increase "
        "or free capacity.", "Once there is room, redeploy the same template.",
        example="The maximum number of VPCs has been reached. (Service: AmazonEC2; Status "
                "Code: 400; Error Code: VpcLimitExceeded)"),
    ReasonRule(
        "cfn.not-stabilized", _CFN,
        r"(?:did not stabilize|was not stabilized|NotStabilized|Circuit Breaker was "
        r"triggered)",
        "CloudFormation waited for the resource to become ready and it never did: for an ECS "
        "service, its new tasks never reached a steady state (they stopped or failed their "
        "health checks).",
        "Find why the new tasks stopped (the ECS pane, 2, and the stopped-task findings), "
        "correct that in the template.", "Fix what stopped the tasks, then " + REDEPLOY + ".",
        runbooks=(guide.P0_SERVICE_DOWN,),
        example="Resource of type 'AWS::ECS::Service' with identifier 'svc' did not "
                "stabilize."),
    ReasonRule(
        "cfn.cancelled", _CFN, r"^Resource (?:creation|update|deletion|import) cancelled",
        "CloudFormation cancelled this resource because another one failed first.",
        "Look at the other failed resource: its reason is the root cause.",
        "Read the failed resource's own reason.", example="Resource creation cancelled"),
)
