"""The ECS and Fargate rows of the table of AWS reasons (`probes.reasons`): a stopped task's
stoppedReason or container reason, and the service events ECS writes (the ECS "stopped task
errors" and "service event messages" pages). First match wins: specific rows first."""

from __future__ import annotations

from probes.diagnostics import guide
from probes.reason_rule import ReasonRule

_ECS, _FARGATE = "ecs", "fargate"

TASK_RULES: tuple[ReasonRule, ...] = (
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
)

FARGATE_RULES: tuple[ReasonRule, ...] = (
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
)
