"""Logs not reaching CloudWatch: no awslogs driver, a missing log group, a task definition
writing somewhere other than the stack's log group, or an execution role that cannot write.

The guide's three checks, in order: the log group exists (DescribeLogGroups), the execution
role may write to it (its CloudWatchLogs policy), and the task definition's logConfiguration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs, FetchFailed
from probes.diagnostics.log_search import search
from probes.diagnostics.model import Diagnostic, Finding, Severity, evidence
from probes.diagnostics.policy import Decision
from probes.diagnostics.resources import task_definition
from probes.diagnostics.role_access import role_access

SILENCE_MINUTES = 30


@dataclass(frozen=True)
class ContainerLogging:
    container: str
    driver: str
    group: str
    region: str


@dataclass(frozen=True)
class LogSetup:
    """What the diagnostic saw; built by `check_logs`, or by tests from documented shapes."""

    task_definition: str
    region: str
    containers: tuple[ContainerLogging, ...]
    existing_groups: frozenset[str]
    stack_groups: tuple[str, ...] = ()
    execution_role: str = ""
    write_decision: Decision | None = None
    running_tasks: int = 0
    recent_events: int | None = None  # events in the group within SILENCE (None: not read)


def evaluate_logs(setup: LogSetup) -> list[Finding]:
    findings: list[Finding] = []
    revision = setup.task_definition.rsplit("/", 1)[-1]
    for c in setup.containers:
        facts = evidence(("container", c.container), ("task definition", revision),
                         ("log driver", c.driver or "none"), ("awslogs-group", c.group or None),
                         ("awslogs-region", c.region or None),
                         ("stack's log group", ", ".join(setup.stack_groups) or None))
        if c.driver != "awslogs":
            findings.append(Finding(
                id="logs.no-awslogs", severity=Severity.WARNING,
                title=f"Container {c.container} does not send its logs to CloudWatch",
                evidence=facts, cause="Its logConfiguration has no awslogs driver.",
                fix="Add logConfiguration: awslogs with awslogs-group /ecs/STACK, "
                    "awslogs-region and awslogs-stream-prefix ecs.",
                guide=guide.LOGS, subject=c.container))
            continue
        if c.group and c.group not in setup.existing_groups:
            findings.append(Finding(
                id="logs.group-missing", severity=Severity.WARNING,
                title=f"Log group {c.group} does not exist",
                evidence=facts,
                cause="The awslogs driver cannot write to a missing group: new tasks fail to "
                      "start on Fargate, and nothing is logged.",
                fix=f"aws logs create-log-group --log-group-name {c.group} (or redeploy the "
                    "stack that owns it).", guide=guide.LOGS, subject=c.group))
        elif setup.stack_groups and c.group not in setup.stack_groups:
            findings.append(Finding(
                id="logs.group-mismatch", severity=Severity.WARNING,
                title=f"Container {c.container} logs to {c.group}, not the stack's log group",
                evidence=facts,
                cause="The task definition's awslogs-group differs from the group the stack "
                      "created: logs land where nobody (and no alarm) looks.",
                fix="Set awslogs-group to the stack's group in a new task definition revision.",
                guide=guide.LOGS, subject=c.container))
        if c.region and c.region != setup.region:
            findings.append(Finding(
                id="logs.region-mismatch", severity=Severity.WARNING,
                title=f"Container {c.container} logs to region {c.region}",
                evidence=facts, cause="awslogs-region differs from the deployment's region.",
                fix=f"Set awslogs-region to {setup.region}.", guide=guide.LOGS,
                subject=f"{c.container}-region"))
    decision = setup.write_decision
    if setup.running_tasks and setup.recent_events == 0:
        group = next((c.group for c in setup.containers if c.group), "")
        findings.append(Finding(
            id="logs.silent", severity=Severity.WARNING,
            title=f"No log event in {group} for {SILENCE_MINUTES} minutes while "
                  f"{setup.running_tasks} task(s) run",
            evidence=evidence(("log group", group), ("running tasks", setup.running_tasks),
                              ("events", f"0 in the last {SILENCE_MINUTES} min")),
            cause="The app writes nothing to stdout/stderr, or the awslogs driver cannot "
                  "deliver (the findings above name a configuration cause when there is one).",
            fix=f"aws logs tail {group} --since 1h; aws logs describe-log-streams "
                f"--log-group-name {group} --order-by LastEventTime --descending.",
            guide=guide.LOGS, subject=group))
    if decision is not None and not decision.allowed:
        findings.append(Finding(
            id="logs.execution-role-denied", severity=Severity.WARNING,
            title="The execution role may not write the task's logs",
            evidence=evidence(("execution role", setup.execution_role),
                              ("logs:PutLogEvents", decision.describe()),
                              ("on", decision.resource)),
            cause="ECS writes the container's output with the task execution role; without "
                  "logs:CreateLogStream and logs:PutLogEvents the logs are dropped.",
            fix="Give the execution role its CloudWatchLogs policy (logs:CreateLogStream, "
                "logs:PutLogEvents on the log group), or attach "
                "AmazonECSTaskExecutionRolePolicy.", guide=guide.LOGS))
    return findings


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


async def check_logs(inputs: DiagnosticInputs) -> list[Finding]:
    spec = await task_definition(inputs)
    if spec is None:
        return []
    containers = tuple(ContainerLogging(c.name, c.log_driver, c.log_option("awslogs-group") or "",
                                        c.log_option("awslogs-region") or "")
                       for c in spec.containers)
    stack_groups = tuple(r.physical_id for r in inputs.deployment.resources
                         if r.resource_type == "AWS::Logs::LogGroup" and r.physical_id)
    logs = await inputs.ctx.client("logs")
    existing: set[str] = set()
    for group in {c.group for c in containers if c.group} | set(stack_groups):
        described = await logs.describe_log_groups(logGroupNamePrefix=group)
        existing |= {g["logGroupName"] for g in described.get("logGroups", [])
                     if g.get("logGroupName") == group}
    decision = None
    group = next((c.group for c in containers if c.group), None)
    if spec.execution_role_arn and group:
        account = _account_of(spec.execution_role_arn)
        resource = (f"arn:aws:logs:{inputs.ctx.region}:{account}:log-group:{group}:"
                    "log-stream:ecs/probe")
        try:
            access = await role_access(inputs, spec.execution_role_arn,
                                       [("logs:PutLogEvents", resource)])
            decision = access.decisions[0]
        except FetchFailed as exc:
            inputs.note(exc.error)
    service = inputs.snapshot_or_none("ecs")
    running = service.running if service is not None else 0
    recent = None
    if running and group in existing:
        matches = await search(inputs, group, "", timedelta(minutes=SILENCE_MINUTES))
        recent = None if matches.unknown else matches.count  # a cut-short read proves nothing
    return evaluate_logs(LogSetup(spec.arn, inputs.ctx.region, containers, frozenset(existing),
                                  stack_groups, spec.execution_role_arn, decision, running,
                                  recent))


DIAGNOSTICS = (
    Diagnostic("logs", "Log delivery", (guide.LOGS,), check_logs, probes=("ecs",)),
)
