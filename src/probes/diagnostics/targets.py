"""The load balancer and its targets: no healthy target, and every unhealthy target's reason.

Reads the target-health probe's snapshot. With no healthy target an ALB either *fails open*
(every registered target unhealthy: it routes to all of them, and users are served as well as
the failing targets manage; the 5XX counts say how well) or answers 503 (nothing to route to:
no target registered, or only draining or initial ones). Reason codes are ELB's own
(DescribeTargetHealth's TargetHealth.Reason) and each maps to its usual cause.
"""

from __future__ import annotations

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.targets import Routing, Target, TargetHealthSnapshot

# ELB's reason codes and what usually causes them on this deployment.
REASONS: dict[str, str] = {
    "Target.ResponseCodeMismatch": "the health endpoint answers, but not with 200",
    "Target.Timeout": "no answer in time: the app hangs, or a security group drops the "
                      "health check (port 8000 from the ALB)",
    "Target.FailedHealthChecks": "the connection failed or the app closed it",
    "Target.NotRegistered": "the target is not registered in the target group",
    "Target.NotInUse": "no listener forwards to this target group, or its zone is not enabled",
    "Target.DeregistrationInProgress": "the target is draining (a task being replaced)",
    "Target.InvalidState": "the target is stopped or terminated",
    "Target.IpUnusable": "the IP address is in use by the load balancer",
    "Target.HealthCheckDisabled": "health checks are disabled on the target group",
    "Elb.RegistrationInProgress": "the target is being registered",
    "Elb.InitialHealthChecking": "the first health checks are still running",
    "Elb.InternalError": "an ELB internal error: retry, and open a support case if it stays",
}


def explain_reason(reason: str) -> str:
    return REASONS.get(reason, "see the target's description")


def _target_line(target: Target) -> tuple[str, str]:
    where = f"{target.target_id}:{target.port}" if target.port else target.target_id
    text = target.state
    if target.reason:
        text += f" {target.reason} ({explain_reason(target.reason)})"
    if target.description:
        text += f": {target.description}"
    return where, text


def evaluate_targets(snapshot: TargetHealthSnapshot, *, cluster: str = "",
                     service: str = "") -> list[Finding]:
    findings: list[Finding] = []
    refs = args(cluster=cluster, service=service)
    for lb in snapshot.load_balancers:
        if lb.state and lb.state != "active":
            failed = lb.state == "failed"
            findings.append(Finding(
                id="targets.load-balancer-state",
                severity=Severity.CRITICAL if failed else Severity.WARNING,
                title=f"Load balancer {lb.name} is {lb.state}",
                evidence=evidence(("load balancer", lb.name), ("state", lb.state),
                                  ("DNS name", lb.dns_name)),
                cause="The load balancer is not active (provisioning, impaired in a zone, "
                      "or failed).",
                fix="aws elbv2 describe-load-balancers; if it stays failed, open a support "
                    "case.", guide=guide.ALB_503, actions=(guide.PREPARE_SUPPORT_CASE,),
                runbooks=(guide.P0_SERVICE_DOWN,), subject=lb.name))
    if not snapshot.groups:
        findings.append(Finding(
            id="targets.no-target-group", severity=Severity.WARNING,
            title="No target group found for the service",
            evidence=evidence(("load balancers", ", ".join(lb.name for lb in
                                                           snapshot.load_balancers) or None)),
            cause="Discovery found no target group in the stack or on the service: the "
                  "console cannot see target health (or the ALB forwards nowhere).",
            fix="Pass the target group in the config (target_groups) or check the service's "
                "load balancer settings.", guide=guide.ALB_503))
        return findings
    lb_name = snapshot.load_balancers[0].name if snapshot.load_balancers else "the ALB"
    if snapshot.no_healthy_target:
        total = len(snapshot.targets)
        lines = tuple(_target_line(t) for t in snapshot.targets[:6])
        reasons = sorted({t.reason for t in snapshot.targets if t.reason})
        routing = snapshot.routing
        fail_open = routing.state is Routing.FAIL_OPEN
        findings.append(Finding(
            id="targets.no-healthy",  # stable for cron; the title says fail-open or 503
            severity=Severity.CRITICAL if routing.failing_users or not fail_open
            else Severity.WARNING,
            title=(f"{lb_name} fails open: routing to unhealthy targets (0 of {total} healthy)"
                   if fail_open else f"{lb_name} answers 503: no target to route to "
                                     f"(0 of {total} healthy)"),
            evidence=evidence(*((f"target group {g.name}",
                                 f"{g.healthy_count}/{len(g.targets)} healthy, health check "
                                 f"{g.protocol} {g.health_check_path or '/'} on port {g.port}")
                                for g in snapshot.groups))
            + evidence(("draining", snapshot.draining_count or None),
                       ("5XX answers", snapshot.errors.describe() if snapshot.errors
                        else snapshot.errors_note or "not read")) + lines,
            cause=("No task is registered: the service runs no task." if total == 0 else
                   ("Every target fails its health check, so the ALB routes to all of them "
                    "(fail-open)" if fail_open else "No registered target can take traffic "
                    "(draining, or no health check passed yet)")
                   + ("".join(f"; {r} means {explain_reason(r)}" for r in reasons) + ".")),
            fix="Fix why the tasks fail (see the ECS findings), then force a new deployment: "
                "aws ecs update-service --force-new-deployment.",
            guide=guide.ALB_503, actions=(guide.FORCE_NEW_DEPLOYMENT,),
            runbooks=(guide.P0_SERVICE_DOWN,), action_args=refs))
        return findings
    unhealthy = [t for t in snapshot.targets if t.state == "unhealthy"]
    if unhealthy:
        reasons = sorted({t.reason for t in unhealthy if t.reason})
        findings.append(Finding(
            id="targets.unhealthy", severity=Severity.WARNING,
            title=f"{len(unhealthy)} of {len(snapshot.targets)} targets are unhealthy",
            evidence=evidence(("healthy", snapshot.healthy_count),
                              ("unhealthy", len(unhealthy)))
            + tuple(_target_line(t) for t in unhealthy[:6]),
            cause="; ".join(f"{r}: {explain_reason(r)}" for r in reasons)
            or "Targets fail their health check.",
            fix="Read the unhealthy tasks' logs; ECS replaces tasks that keep failing. If they "
                "do not recover, stop them or force a new deployment.",
            guide=guide.HEALTH_CHECKS, actions=(guide.STOP_TASK, guide.FORCE_NEW_DEPLOYMENT),
            runbooks=(guide.P1_DEGRADED,), action_args=refs))
    return findings


async def check_targets(inputs: DiagnosticInputs) -> list[Finding]:
    return evaluate_targets(inputs.snapshot("targets"), cluster=inputs.deployment.cluster,
                            service=inputs.deployment.service)


DIAGNOSTICS = (
    Diagnostic("targets", "Load balancer targets", (guide.ALB_503, guide.HEALTH_CHECKS),
               check_targets, probes=("targets",)),
)
