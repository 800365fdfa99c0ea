"""What AWS's own reason strings mean: CloudFormation, ECS, Fargate and ELB, one table.

A diagnostic that explains a failure hands the reason text AWS gave (a stack event's
ResourceStatusReason, a task's stoppedReason, a service event, a target's reason code) to
`explain()`. A row whose pattern matches gives the cause, the fix and the next step, filled with
what the text names (a container, a VPC, an IAM action). When no row matches, the answer says
so and quotes the reason: a cause shown to the operator comes from the evidence, never a guess.

The patterns are the wording AWS documents and returns (the ECS "stopped task errors" and
"service event messages" pages, ELB's TargetHealth reason codes, the CloudFormation handler
messages). First match wins, so specific rows come before general ones. UI-free; the strings
are not sanitised here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from probes.diagnostics import guide

REDEPLOY = "redeploy the corrected template (aws cloudformation deploy --stack-name STACK " \
           "--template-file TEMPLATE)"


@dataclass(frozen=True)
class ReasonRule:
    """One known reason: `pattern` (case-insensitive) -> cause, fix and next step.
    `cause`, `fix` and `next_step` may name the pattern's groups: ``{container}``."""

    id: str
    source: str  # "cloudformation", "ecs", "fargate", "elb"
    pattern: str
    cause: str
    fix: str
    next_step: str
    actions: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()  # only for these CloudFormation resource types
    example: str = ""  # a reason as AWS returns it (the tests match every row's example)


@dataclass(frozen=True)
class Explanation:
    """What a reason means, or (`rule` None) that it is unknown, quoting it."""

    reason: str
    cause: str
    fix: str
    next_step: str
    rule: str | None = None
    actions: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()
    values: tuple[tuple[str, str], ...] = ()  # what the pattern captured (container=app)

    @property
    def known(self) -> bool:
        return self.rule is not None

    def value(self, name: str) -> str:
        return dict(self.values).get(name, "")


_CFN, _ECS, _FARGATE, _ELB = "cloudformation", "ecs", "fargate", "elb"
_STACK_FIX = (guide.STACK_UPDATE_ROLLBACK,)

RULES: tuple[ReasonRule, ...] = (
    # ---- CloudFormation (ResourceStatusReason of a *_FAILED stack event) --------------------
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
    # ---- ECS: stopped tasks (stoppedReason, container reason) -------------------------------
    ReasonRule(
        "ecs.out-of-memory", _ECS, r"OutOfMemoryError: Container killed due to memory usage",
        "The container used more memory than the task definition allows; the kernel killed "
        "it (exit code 137).",
        "Give the task more memory in a new task definition revision; then look for the "
        "leak in the logs.", "Action scale-task-size (a bigger Fargate size).",
        actions=(guide.SCALE_TASK_SIZE,),
        example="OutOfMemoryError: Container killed due to memory usage"),
    ReasonRule(
        "ecs.image-pull", _ECS, r"CannotPullContainerError",
        "ECS could not pull the container image: it is not in the registry (repository or "
        "tag missing), the execution role may not pull it, or the task has no route to the "
        "registry.",
        "Check: aws ecr describe-images --repository-name REPO; push the image, or roll back "
        "to the previous task definition.", "Action rollback-task-definition, or push the "
        "image and force a new deployment.", actions=(guide.ROLLBACK_TASK_DEFINITION,),
        example="CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                "failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/"
                "children-drawing-app:1.9.0: not found"),
    ReasonRule(
        "ecs.secrets", _ECS,
        r"ResourceInitializationError: unable to pull secrets or registry auth",
        "The task could not read its secrets or registry credentials before starting: the "
        "execution role lacks secretsmanager:GetSecretValue (or ssm:GetParameters, "
        "kms:Decrypt), or the subnets have no route to those endpoints.",
        "Check the execution role's policy for the secret's ARN, and the subnets' route "
        "(public IP, NAT gateway or VPC endpoints).",
        "Fix the role or the route, then force a new deployment.",
        actions=(guide.FORCE_NEW_DEPLOYMENT,),
        example="ResourceInitializationError: unable to pull secrets or registry auth: "
                "execution resource retrieval failed: unable to retrieve secret from asm: "
                "service call has been retried 1 time(s)"),
    ReasonRule(
        "ecs.logger", _ECS, r"ResourceInitializationError: failed to validate logger args",
        "The awslogs log driver could not use its log group: the group does not exist or "
        "the execution role cannot write to it.",
        "Create the log group (or set awslogs-create-group) and let the execution role call "
        "logs:CreateLogStream and logs:PutLogEvents.",
        "Fix the log group or the role, then force a new deployment.",
        actions=(guide.FORCE_NEW_DEPLOYMENT,),
        example="ResourceInitializationError: failed to validate logger args: create stream "
                "has been retried 1 times: failed to create Cloudwatch log stream: "
                "ResourceNotFoundException: The specified log group does not exist."),
    ReasonRule(
        "ecs.elb-health-checks", _ECS,
        r"Task failed ELB health checks in \(target-group (?P<target_group>[^)]+)\)",
        "The load balancer's health check failed repeatedly, so ECS replaced the task: the "
        "app does not answer /health with 200 in time, or a security group keeps the ALB out.",
        "Check the app's logs around the stop and curl -f http://ALB-DNS/health; check that "
        "the tasks' security group allows port 8000 from the ALB.",
        "Fix the app or the security group, then force a new deployment.",
        actions=(guide.FORCE_NEW_DEPLOYMENT,),
        example="Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:"
                "eu-west-1:123456789012:targetgroup/children-drawing-prod-tg/0123456789abcdef)"),
    ReasonRule(
        "ecs.target-unhealthy-event", _ECS,
        r"is unhealthy in \(target-group (?P<target_group>[^)]+)\) due to \(reason "
        r"(?P<why>[^)]*)\)",
        "The load balancer marks the task unhealthy: {why}.",
        "Check what the app answers on /health (its logs around that time); ECS replaces "
        "tasks that stay unhealthy.", "Fix the app, then force a new deployment.",
        actions=(guide.FORCE_NEW_DEPLOYMENT,),
        example="(service children-drawing-prod-service) (task 0a1b2c3d) (port 8000) is "
                "unhealthy in (target-group arn:aws:elasticloadbalancing:eu-west-1:"
                "123456789012:targetgroup/children-drawing-prod-tg/0123) due to (reason "
                "Health checks failed with these codes: [502])"),
    ReasonRule(
        "ecs.container-health-checks", _ECS, r"Task failed container health checks",
        "The container's own health check (in the task definition) kept failing.",
        "Read the app's logs around the stop; check the health-check command and its "
        "timings.", "Fix the app or the check, then force a new deployment.",
        actions=(guide.FORCE_NEW_DEPLOYMENT,), example="Task failed container health checks"),
    ReasonRule(
        "ecs.essential-exited", _ECS, r"Essential container in task exited",
        "The app's main process exited, so ECS stopped the task; its exit code and last log "
        "lines say why.",
        "Read the last log lines before the stop (aws logs tail /ecs/STACK --since 1h).",
        "If a new revision crashes, action rollback-task-definition.",
        actions=(guide.ROLLBACK_TASK_DEFINITION,),
        example="Essential container in task exited"),
    ReasonRule(
        "ecs.cannot-start", _ECS, r"CannotStartContainerError",
        "The container runtime could not start the container (bad entry point or command, "
        "or not enough memory to start).",
        "Compare the task definition's command and entry point with the image; check memory.",
        "Fix the task definition, or action rollback-task-definition.",
        actions=(guide.ROLLBACK_TASK_DEFINITION,),
        example="CannotStartContainerError: Error response from daemon: failed to create "
                "shim task: OCI runtime create failed"),
    ReasonRule(
        "ecs.replaced-by-deployment", _ECS,
        r"Scaling activity initiated by \(deployment (?P<deployment>[\w/-]+)\)",
        "Not a failure: deployment {deployment} replaced or scaled in this task.",
        "Nothing to fix.", "None needed.",
        example="Scaling activity initiated by (deployment ecs-svc/1234567890123456789)"),
    ReasonRule(
        "ecs.unstable-start", _ECS, r"is unable to consistently start tasks successfully",
        "Tasks fail as soon as they start; ECS now throttles new launches.",
        "Find why the tasks stop (the stopped-task reasons) and fix that first.",
        "Runbook p0-service-down.", runbooks=(guide.P0_SERVICE_DOWN,),
        example="(service children-drawing-prod-service) is unable to consistently start "
                "tasks successfully."),
    # ---- Fargate ----------------------------------------------------------------------------
    ReasonRule(
        "fargate.capacity", _FARGATE,
        r"(?:Capacity is unavailable at this time|was unable to place a task)",
        "Fargate could not place the task: no capacity in the chosen zones, or no subnet "
        "with free IP addresses.",
        "Wait and retry, or add subnets in more availability zones to the service.",
        "Force a new deployment once capacity is back.",
        actions=(guide.FORCE_NEW_DEPLOYMENT,),
        example="(service children-drawing-prod-service) was unable to place a task. Reason: "
                "Capacity is unavailable at this time. Please try again later or in a "
                "different availability zone."),
    ReasonRule(
        "fargate.eni-timeout", _FARGATE,
        r"Timeout waiting for network interface provisioning to complete",
        "Fargate could not attach the task's network interface in time (an ENI quota, or "
        "the subnet is out of IP addresses).",
        "Check the subnets' free addresses (aws ec2 describe-subnets) and the ENI quota.",
        "Force a new deployment once there is room.", actions=(guide.FORCE_NEW_DEPLOYMENT,),
        example="Timeout waiting for network interface provisioning to complete."),
    # ---- ELB target health (TargetHealth.Reason) ----------------------------------------------
    ReasonRule(
        "elb.response-code-mismatch", _ELB, r"^Target\.ResponseCodeMismatch$",
        "The health check got an answer, but not the HTTP code it expects (200).",
        "Check what /health answers and why (the app's logs).",
        "Fix the app, then force a new deployment.", actions=(guide.FORCE_NEW_DEPLOYMENT,),
        example="Target.ResponseCodeMismatch"),
    ReasonRule(
        "elb.timeout", _ELB, r"^Target\.Timeout$",
        "The health check requests timed out: the app hangs, or a security group drops "
        "the ALB's traffic to port 8000.",
        "Check the tasks' security group allows port 8000 from the ALB; check the app's logs.",
        "Fix the rule or the app, then force a new deployment.",
        actions=(guide.FORCE_NEW_DEPLOYMENT,), example="Target.Timeout"),
    ReasonRule(
        "elb.failed-health-checks", _ELB, r"^Target\.FailedHealthChecks$",
        "The connection to the target failed or its answer was malformed.",
        "Check the app listens on the health check's port; check its logs.",
        "Fix the app, then force a new deployment.", actions=(guide.FORCE_NEW_DEPLOYMENT,),
        example="Target.FailedHealthChecks"),
    ReasonRule(
        "elb.internal-error", _ELB, r"^Elb\.InternalError$",
        "The health checks failed from an internal ELB error, not from the target.",
        "Wait and re-check; if it stays, open a support case.",
        "Action prepare-support-case if it persists.",
        actions=(guide.PREPARE_SUPPORT_CASE,), example="Elb.InternalError"),
    ReasonRule(
        "elb.initial", _ELB, r"^Elb\.(?:InitialHealthChecking|RegistrationInProgress)$",
        "The target is new: it is being registered or its first health checks still run.",
        "Wait a minute and look again.", "None needed yet.",
        example="Elb.InitialHealthChecking"),
    ReasonRule(
        "elb.draining", _ELB, r"^Target\.DeregistrationInProgress$",
        "The target is draining: a task being replaced or scaled in.",
        "Nothing to fix.", "None needed.", example="Target.DeregistrationInProgress"),
    ReasonRule(
        "elb.unused", _ELB, r"^Target\.(?:NotRegistered|NotInUse)$",
        "The target is not in use: not registered, or in a zone the load balancer does "
        "not serve.", "Check the service's load balancer settings and the ALB's zones.",
        "Correct the settings in the template, then " + REDEPLOY + ".",
        example="Target.NotInUse"),
)
_COMPILED = tuple((rule, re.compile(rule.pattern, re.IGNORECASE)) for rule in RULES)


def explain(reason: str, resource_type: str = "") -> Explanation:
    """The first rule whose pattern is found in `reason` (and fits the resource type), or an
    explanation that says the cause is unknown and quotes the reason."""
    text = (reason or "").strip()
    for rule, pattern in _COMPILED:
        if rule.resource_types and resource_type not in rule.resource_types:
            continue
        match = pattern.search(text)
        if match is None:
            continue
        values = {k: v for k, v in match.groupdict().items() if v}
        fill = _Filler(values)
        return Explanation(text, rule.cause.format_map(fill), rule.fix.format_map(fill),
                           rule.next_step.format_map(fill), rule.id, rule.actions,
                           rule.runbooks, tuple(values.items()))
    return unknown(text)


def unknown(reason: str) -> Explanation:
    quoted = reason or "AWS gave no reason"
    return Explanation(
        reason, f"Unknown cause: no known AWS reason matches. Here is the reason AWS gave: "
        f"{quoted}", "Act on what that reason names; no fix is known to the console for it.",
        "Read the reason and the failing resource's events.")


class _Filler(dict):
    """Placeholders a pattern did not capture read as a neutral word, never as a KeyError."""

    def __missing__(self, key: str) -> str:
        return {"action": "the action named in the reason", "subnet": "a subnet",
                "name": "this name"}.get(key, "the one named in the reason")
