"""Can the load balancer reach the tasks? Security groups and the container port.

The guide's "Tasks fail health checks" fixes: the tasks' security group must allow the
container port (8000) from the ALB's security group, and the container must expose that port.
The service's and the ALB's security groups come from the probes' snapshots; the groups' rules
from one DescribeSecurityGroups; the container's ports from the task definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, evidence
from probes.diagnostics.resources import task_definition


@dataclass(frozen=True)
class IngressRule:
    protocol: str  # "-1" (all), "tcp", "6" ...
    from_port: int | None
    to_port: int | None
    source_groups: tuple[str, ...] = ()
    cidrs: tuple[str, ...] = ()

    def covers(self, port: int) -> bool:
        if self.protocol == "-1":
            return True
        if self.protocol not in ("tcp", "6"):
            return False
        low = self.from_port if self.from_port is not None else 0
        high = self.to_port if self.to_port is not None else 65535
        return low <= port <= high

    def describe(self) -> str:
        ports = ("all traffic" if self.protocol == "-1" else
                 f"{self.protocol} {self.from_port}" if self.from_port == self.to_port else
                 f"{self.protocol} {self.from_port}-{self.to_port}")
        sources = ", ".join(self.source_groups + self.cidrs) or "nowhere"
        return f"{ports} from {sources}"


@dataclass(frozen=True)
class SecurityGroup:
    group_id: str
    name: str
    ingress: tuple[IngressRule, ...]


def parse_security_group(raw: dict[str, Any]) -> SecurityGroup:
    """From one DescribeSecurityGroups ``SecurityGroups`` item."""
    rules = tuple(
        IngressRule(
            protocol=str(p.get("IpProtocol", "")),
            from_port=p.get("FromPort"),
            to_port=p.get("ToPort"),
            source_groups=tuple(g.get("GroupId", "") for g in p.get("UserIdGroupPairs", [])),
            cidrs=tuple([r.get("CidrIp", "") for r in p.get("IpRanges", [])]
                        + [r.get("CidrIpv6", "") for r in p.get("Ipv6Ranges", [])]),
        )
        for p in raw.get("IpPermissions", [])
    )
    return SecurityGroup(raw.get("GroupId", ""), raw.get("GroupName", ""), rules)


def rules_admitting(task_groups: tuple[SecurityGroup, ...], alb_groups: tuple[str, ...],
                    port: int) -> list[str]:
    """The task-group rules that let the ALB in on `port` (by its group, or by a CIDR)."""
    found = []
    for group in task_groups:
        for rule in group.ingress:
            if not rule.covers(port):
                continue
            if set(rule.source_groups) & set(alb_groups) or rule.cidrs:
                found.append(f"{group.group_id}: {rule.describe()}")
    return found


def evaluate_network(task_groups: tuple[SecurityGroup, ...], alb_groups: tuple[str, ...],
                     port: int | None, container_ports: tuple[int, ...] | None
                     ) -> list[Finding]:
    """`port` is where the target group sends traffic; `container_ports` what the container
    exposes (None when the task definition was not read)."""
    findings: list[Finding] = []
    if port is None:
        return findings
    if container_ports is not None and port not in container_ports:
        findings.append(Finding(
            id="network.container-port", severity=Severity.WARNING,
            title=f"The container does not expose port {port}, where the ALB sends traffic",
            evidence=evidence(("target group port", port),
                              ("container ports", ", ".join(map(str, container_ports))
                               or "none")),
            cause="The task definition's portMappings and the target group disagree; health "
                  "checks go to a port nothing listens on.",
            fix=f"Expose containerPort {port} in the task definition (the guide's app listens "
                "on 8000), or change the target group's port.",
            guide=guide.HEALTH_CHECKS, actions=(guide.ROLLBACK_TASK_DEFINITION,),
            runbooks=(guide.P0_SERVICE_DOWN,)))
    if not task_groups or not alb_groups:
        return findings
    admitting = rules_admitting(task_groups, alb_groups, port)
    if not admitting:
        findings.append(Finding(
            id="network.alb-blocked", severity=Severity.CRITICAL,
            title=f"Security groups keep the ALB out of the tasks on port {port}",
            evidence=evidence(("ALB security groups", ", ".join(alb_groups)),
                              ("task security groups", ", ".join(g.group_id
                                                                 for g in task_groups)))
            + tuple((f"{g.group_id} ingress", "; ".join(r.describe() for r in g.ingress)
                     or "no ingress rule") for g in task_groups),
            cause=f"No ingress rule of the tasks' security groups allows TCP {port} from the "
                  "ALB's security group: health checks and requests time out.",
            fix=f"aws ec2 authorize-security-group-ingress --group-id {task_groups[0].group_id} "
                f"--protocol tcp --port {port} --source-group {alb_groups[0]}",
            guide=guide.HEALTH_CHECKS, runbooks=(guide.P0_SERVICE_DOWN,)))
    return findings


async def check_network(inputs: DiagnosticInputs) -> list[Finding]:
    service = inputs.snapshot("ecs")
    targets = inputs.snapshot("targets")
    alb_groups = tuple(dict.fromkeys(g for lb in targets.load_balancers
                                     for g in lb.security_groups))
    ports = [t.port for t in targets.targets if t.port] or [
        g.port for g in targets.groups if g.port]
    port = ports[0] if ports else None
    task_groups: tuple[SecurityGroup, ...] = ()
    if service.security_groups and alb_groups:
        ec2 = await inputs.ctx.client("ec2")
        described = await ec2.describe_security_groups(GroupIds=list(service.security_groups))
        task_groups = tuple(parse_security_group(g) for g in described["SecurityGroups"])
    spec = await task_definition(inputs)
    container_ports = (tuple(p for c in spec.containers for p in c.ports)
                       if spec is not None else None)
    return evaluate_network(task_groups, alb_groups, port, container_ports)


DIAGNOSTICS = (
    Diagnostic("network", "Security groups and container port", (guide.HEALTH_CHECKS,),
               check_network, probes=("ecs", "targets")),
)
