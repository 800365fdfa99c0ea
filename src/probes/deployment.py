"""Discovery: from a stack name alone, the names of everything the console watches.

A discovery step that fails (a dropped connection, a timeout, a denial, throttling) does not
end the command: the guide's names stand in, and the failure is kept in
`Deployment.problems` with the probes whose names are guessed, for the dashboard to show on
those panes and retry (`probes.rediscovery`). Only an unusable environment (no credentials, no
such stack) raises `EnvironmentUnusable`.

The stack's resources name the cluster, service, target groups, load balancer, alarms, buckets,
secret, topics, distribution and NAT gateways; the service's task definition names the log
groups. Every name can be overridden (`NameOverrides`), and where neither the stack nor an
override says, the troubleshooting guide's naming convention (``<stack>-cluster`` ...) applies.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from probes.context import AwsContext
from probes.errors import EnvironmentUnusable, ErrorKind, ProbeError, classify

DEFAULT_STACK = "children-drawing-prod"


@dataclass(frozen=True)
class NameOverrides:
    """Names given by flag or config; each wins over discovery."""

    cluster: str | None = None
    service: str | None = None
    log_groups: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    alarm_prefix: str | None = None
    secret: str | None = None
    distribution_id: str | None = None
    buckets: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class StackResource:
    logical_id: str
    resource_type: str
    physical_id: str
    status: str


@dataclass(frozen=True)
class DiscoveryProblem:
    """A discovery step that failed: its classified error, and the probes that watch the
    guide's names instead of discovered ones because of it."""

    error: ProbeError
    probes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {**self.error.to_dict(), "probes": list(self.probes)}


# Which probes' names come from each discovery step.
_FROM_STACK = ("ecs", "targets", "logs", "alarms")
_FROM_SERVICE = ("targets", "logs")
_FROM_TASK_DEFINITION = ("logs",)


@dataclass(frozen=True)
class Deployment:
    """What the console watches, by name or ARN. Produced once by `discover`."""

    stack: str
    region: str
    cluster: str
    service: str
    log_groups: tuple[str, ...]
    alarm_prefix: str
    task_definition: str | None = None
    target_group_arns: tuple[str, ...] = ()
    load_balancer_arns: tuple[str, ...] = ()
    alarm_names: tuple[str, ...] = ()
    buckets: tuple[str, ...] = ()
    secret_id: str | None = None
    topic_arns: tuple[str, ...] = ()
    distribution_id: str | None = None
    nat_gateway_ids: tuple[str, ...] = ()
    role_names: tuple[str, ...] = ()
    certificate_arns: tuple[str, ...] = ()
    hosted_zone_ids: tuple[str, ...] = ()
    resources: tuple[StackResource, ...] = field(default=(), repr=False)
    problems: tuple[DiscoveryProblem, ...] = ()

    @classmethod
    def by_convention(cls, stack: str, region: str,
                      overrides: NameOverrides | None = None) -> Deployment:
        """The guide's names for `stack`, without asking AWS."""
        o = overrides or NameOverrides()
        return cls(
            stack=stack,
            region=region,
            cluster=o.cluster or f"{stack}-cluster",
            service=o.service or f"{stack}-service",
            log_groups=o.log_groups or (f"/ecs/{stack}",),
            alarm_prefix=o.alarm_prefix or f"{stack}-",
            target_group_arns=o.target_groups,
            buckets=o.buckets,
            secret_id=o.secret or f"{stack}-admin-password",
            topic_arns=o.topics,
            distribution_id=o.distribution_id,
        )

    @property
    def backup_bucket(self) -> str | None:
        return next((b for b in self.buckets if "backup" in b), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "stack": self.stack, "region": self.region, "cluster": self.cluster,
            "service": self.service, "task_definition": self.task_definition,
            "log_groups": list(self.log_groups), "target_groups": list(self.target_group_arns),
            "load_balancers": list(self.load_balancer_arns), "alarms": list(self.alarm_names),
            "alarm_prefix": self.alarm_prefix, "buckets": list(self.buckets),
            "secret": self.secret_id, "topics": list(self.topic_arns),
            "distribution": self.distribution_id, "nat_gateways": list(self.nat_gateway_ids),
            "discovery_problems": [p.to_dict() for p in self.problems],
        }

    def watched_names(self) -> tuple[object, ...]:
        """What the probes are pointed at: a change means they must be re-pointed."""
        return (self.cluster, self.service, self.log_groups, self.target_group_arns,
                self.load_balancer_arns, self.alarm_names, self.alarm_prefix)


def _physical(resources: list[StackResource], resource_type: str) -> tuple[str, ...]:
    return tuple(r.physical_id for r in resources
                 if r.resource_type == resource_type and r.physical_id)


def _last_segment(arn_or_name: str) -> str:
    return arn_or_name.rsplit("/", 1)[-1]


async def list_stack_resources(ctx: AwsContext, stack: str) -> list[StackResource]:
    """Every resource of `stack`. Raises `EnvironmentUnusable` when the stack does not exist."""
    cfn = await ctx.client("cloudformation")
    resources: list[StackResource] = []
    try:
        paginator = cfn.get_paginator("list_stack_resources")
        async for page in paginator.paginate(StackName=stack):
            for r in page.get("StackResourceSummaries", []):
                resources.append(StackResource(
                    logical_id=r.get("LogicalResourceId", ""),
                    resource_type=r.get("ResourceType", ""),
                    physical_id=r.get("PhysicalResourceId", "") or "",
                    status=r.get("ResourceStatus", ""),
                ))
    except Exception as exc:  # classified: only a missing stack is decided here
        error = classify(exc, action="cloudformation:ListStackResources",
                         profile=ctx.settings.profile)
        if error.kind is ErrorKind.NOT_FOUND or "does not exist" in error.message:
            raise EnvironmentUnusable(ProbeError(
                ErrorKind.NOT_FOUND,
                f"stack {stack!r} does not exist in {ctx.region}",
                "check the name with `aws cloudformation list-stacks`, "
                "then pass --stack NAME (and --region)",
                "cloudformation:ListStackResources",
            )) from exc
        raise
    return resources


async def with_nested_stacks(ctx: AwsContext, resources: list[StackResource],
                             depth: int = 0) -> list[StackResource]:
    """`resources` and those of their nested stacks (AWS::CloudFormation::Stack, whose
    physical id is the nested stack's ARN; CDK apps put the service in one), followed down
    three levels. A nested stack that cannot be listed is left out; its parent still counts."""
    found = list(resources)
    for nested in _physical(resources, "AWS::CloudFormation::Stack"):
        try:
            inner = await list_stack_resources(ctx, nested)
        except Exception:  # noqa: BLE001 - a nested stack that cannot be listed is left out
            continue
        found += await with_nested_stacks(ctx, inner, depth + 1) if depth < 2 else inner
    return found


async def discover(ctx: AwsContext, stack: str = DEFAULT_STACK,
                   overrides: NameOverrides | None = None) -> Deployment:
    """Find the deployment's resources through the stack.

    Raises `EnvironmentUnusable` when the environment cannot be used: no credentials, unknown
    stack. Every other failure (unreachable, timed out, denied, throttled, an odd answer)
    falls back to the guide's names and is kept in `problems`; the probes report the rest.
    """
    o = overrides or NameOverrides()
    problems: list[DiscoveryProblem] = []
    try:
        resources = await with_nested_stacks(ctx, await list_stack_resources(ctx, stack))
    except EnvironmentUnusable:
        raise
    except Exception as exc:  # classified below: only bad credentials end the command
        error = _classified(ctx, exc, "cloudformation:ListStackResources")
        if error.kind is ErrorKind.CREDENTIALS:
            raise EnvironmentUnusable(error) from exc
        problems.append(DiscoveryProblem(error, _FROM_STACK))
        resources = []

    base = Deployment.by_convention(stack, ctx.region, o)
    clusters = _physical(resources, "AWS::ECS::Cluster")
    services = _physical(resources, "AWS::ECS::Service")
    deployment = replace(
        base,
        cluster=o.cluster or (_last_segment(clusters[0]) if clusters else base.cluster),
        service=o.service or (_last_segment(services[0]) if services else base.service),
        task_definition=next(iter(_physical(resources, "AWS::ECS::TaskDefinition")), None),
        target_group_arns=o.target_groups
        or _physical(resources, "AWS::ElasticLoadBalancingV2::TargetGroup"),
        load_balancer_arns=_physical(resources, "AWS::ElasticLoadBalancingV2::LoadBalancer"),
        alarm_names=_physical(resources, "AWS::CloudWatch::Alarm")
        + _physical(resources, "AWS::CloudWatch::CompositeAlarm"),
        buckets=o.buckets or _physical(resources, "AWS::S3::Bucket"),
        secret_id=o.secret or next(iter(_physical(resources, "AWS::SecretsManager::Secret")),
                                   base.secret_id),
        topic_arns=o.topics or _physical(resources, "AWS::SNS::Topic"),
        distribution_id=o.distribution_id
        or next(iter(_physical(resources, "AWS::CloudFront::Distribution")), None),
        nat_gateway_ids=_physical(resources, "AWS::EC2::NatGateway"),
        role_names=_physical(resources, "AWS::IAM::Role"),
        certificate_arns=_physical(resources, "AWS::CertificateManager::Certificate"),
        hosted_zone_ids=_physical(resources, "AWS::Route53::HostedZone"),
        resources=tuple(resources),
    )
    found = await _from_service(ctx, deployment, o, problems)
    return replace(found, problems=tuple(problems))


def _classified(ctx: AwsContext, exc: BaseException, action: str) -> ProbeError:
    return classify(exc, action=action, profile=ctx.settings.profile,
                    endpoint=ctx.settings.endpoint_url)


def _is_absent(error: ProbeError) -> bool:
    """Not found: the probes say so themselves (an unknown cluster, service or revision)."""
    return error.kind is ErrorKind.NOT_FOUND


async def _from_service(ctx: AwsContext, d: Deployment, o: NameOverrides,
                        problems: list[DiscoveryProblem]) -> Deployment:
    """Fill in what the running service knows better than the stack: its current task
    definition, its target groups, and the log groups its containers write to.

    The stack's task definition is described at the same time as the service (one round trip
    instead of two); only when the service runs another revision is that one described too.
    """
    ecs = await ctx.client("ecs")
    wants_logs = not o.log_groups
    guessed = d.task_definition if wants_logs else None
    described, guess = await asyncio.gather(
        ecs.describe_services(cluster=d.cluster, services=[d.service]),
        ecs.describe_task_definition(taskDefinition=guessed) if guessed else _nothing(),
        return_exceptions=True)
    if isinstance(described, BaseException):
        if not isinstance(described, Exception):
            raise described
        error = _classified(ctx, described, "ecs:DescribeServices")
        if not _is_absent(error):
            problems.append(DiscoveryProblem(error, _FROM_SERVICE))
        return d
    services = described.get("services", [])
    if not services:
        return d
    service = services[0]
    task_definition = service.get("taskDefinition") or d.task_definition
    target_groups = d.target_group_arns
    if not o.target_groups:
        from_service = tuple(lb["targetGroupArn"] for lb in service.get("loadBalancers", [])
                             if lb.get("targetGroupArn"))
        target_groups = from_service or target_groups
    log_groups = d.log_groups
    if wants_logs and task_definition:
        td = guess if isinstance(guess, dict) and guess.get("taskDefinition", {}).get(
            "taskDefinitionArn") == task_definition else None
        if td is None:
            try:
                td = await ecs.describe_task_definition(taskDefinition=task_definition)
            except Exception as exc:  # noqa: BLE001 - classified: the guide's log group stands in
                error = _classified(ctx, exc, "ecs:DescribeTaskDefinition")
                if not _is_absent(error):
                    problems.append(DiscoveryProblem(error, _FROM_TASK_DEFINITION))
                td = None
        if td is not None:
            found = tuple(dict.fromkeys(
                ((c.get("logConfiguration") or {}).get("options") or {}).get("awslogs-group")
                for c in td["taskDefinition"].get("containerDefinitions", [])
            ))
            log_groups = tuple(g for g in found if g) or log_groups
    return replace(d, task_definition=task_definition, target_group_arns=target_groups,
                   log_groups=log_groups)


async def _nothing() -> None:
    return None
