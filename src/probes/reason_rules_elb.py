"""The ELB rows of the table of AWS reasons (`probes.reasons`): a target's
TargetHealth.Reason code, as the ELB API reference lists them."""

from __future__ import annotations

from probes.diagnostics import guide
from probes.reason_rule import REDEPLOY, ReasonRule

_ELB = "elb"

ELB_RULES: tuple[ReasonRule, ...] = (
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
