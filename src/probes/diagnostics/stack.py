"""The CloudFormation stack: failed or rolled-back operations, the failing resource and why.

Reads the stack probe's snapshot (status and the failures of the latest operation). The root
cause is the oldest failure that is not a cascade ("Resource creation cancelled"); its reason
picks the guide entry: a name that already exists (a bucket, an IAM role), a referenced
resource that does not exist (a VPC), or a quota.
"""

from __future__ import annotations

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.stack import StackEvent, StackSnapshot

# A stack in one of these can only be deleted (and rebuilt) or needs an operator to unstick it.
DEAD_STATUSES = frozenset({"CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED",
                           "ROLLBACK_IN_PROGRESS", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED",
                           "UPDATE_FAILED", "IMPORT_ROLLBACK_FAILED"})
_CASCADE = ("resource creation cancelled", "resource update cancelled",
            "resource deletion cancelled")
MAX_LISTED = 5


def root_failure(failures: tuple[StackEvent, ...]) -> StackEvent | None:
    """The failure that started it: the oldest resource failure that is not a cascade."""
    resource_failures = [f for f in failures if f.resource_type != "AWS::CloudFormation::Stack"
                         and f.status.endswith("_FAILED")]
    original = [f for f in resource_failures if f.reason.lower().strip(". ") not in _CASCADE]
    candidates = original or resource_failures
    return min(candidates, key=lambda f: f.timestamp) if candidates else None


def explain(root: StackEvent | None) -> tuple[str, str, str]:
    """(guide entry, cause, fix) for the root failure's reason."""
    reason = root.reason.lower() if root else ""
    kind = root.resource_type if root else ""
    if "already exists" in reason and kind == "AWS::IAM::Role":
        return (guide.IAM_ROLE_FAILED,
                "An IAM role with this name already exists (left by an earlier stack or made "
                "by hand); role names are unique in the account.",
                "List roles: aws iam list-roles --query \"Roles[?contains(RoleName, "
                "'children-drawing')]\"; delete the old role if it is safe, or deploy under "
                "another stack name.")
    if "already exists" in reason:
        return (guide.RESOURCE_EXISTS,
                "A resource with this name already exists; S3 bucket names are global across "
                "all AWS accounts.",
                "Check: aws s3 ls | grep children-drawing; redeploy with a unique prefix "
                "(./deploy.sh asks for one), or delete the existing resource if it is safe.")
    if "does not exist" in reason or "not found" in reason:
        return (guide.STACK_ROLLBACK,
                "The template refers to something that does not exist in this account or "
                "region (a VPC, subnet, certificate or availability zone).",
                "Read the reason below; check availability zones (aws ec2 "
                "describe-availability-zones) and the parameters, then redeploy.")
    if any(word in reason for word in ("limit", "quota", "exceeded")):
        return (guide.STACK_ROLLBACK,
                "A service quota was reached while creating resources.",
                "aws service-quotas get-service-quota --service-code ec2 --quota-code "
                "L-F678F1CE; request an increase or free capacity, then redeploy.")
    return (guide.STACK_ROLLBACK,
            "A resource failed to create or update; CloudFormation rolled the stack back.",
            "Fix what the failing resource's reason names (template or parameters), then "
            "redeploy: aws cloudformation describe-stack-events --stack-name NAME.")


def _failure_line(event: StackEvent) -> tuple[str, str]:
    label = f"{event.logical_id} ({event.resource_type.removeprefix('AWS::')})"
    return label, f"{event.status}: {event.reason or 'no reason given'}"


def evaluate_stack(stack: StackSnapshot) -> list[Finding]:
    """A finding when the stack (or its latest operation) failed."""
    status = stack.status
    failing = status in DEAD_STATUSES or "ROLLBACK" in status or status.endswith("_FAILED")
    if not failing:
        return []
    root = root_failure(stack.failures)
    entry, cause, fix = explain(root)
    lines = [_failure_line(e) for e in stack.failures
             if e.resource_type != "AWS::CloudFormation::Stack"][:MAX_LISTED]
    facts = evidence(
        ("stack", stack.name), ("status", status),
        ("status reason", stack.status_reason or None),
        ("since", stack.last_updated.isoformat(timespec="seconds") if stack.last_updated
         else None),
        ("root cause", f"{root.logical_id}: {root.reason}" if root else
         "no resource failure event in the latest operation"),
    ) + tuple(lines)
    if status in DEAD_STATUSES:
        return [Finding(
            id="stack.failed", severity=Severity.CRITICAL,
            title=f"Stack {stack.name} is {status}: it cannot be updated as it is",
            evidence=facts, cause=cause,
            fix=fix + (" A stack in ROLLBACK_COMPLETE can only be deleted and recreated."
                       if status == "ROLLBACK_COMPLETE" else ""),
            guide=entry, actions=(guide.REBUILD_STACK, guide.BACKUP_BUCKETS),
            runbooks=(guide.STACK_RECOVERY,), subject=stack.name,
            action_args=args(stack=stack.name))]
    rolling = status.endswith("_IN_PROGRESS")
    return [Finding(
        id="stack.rolling-back" if rolling else "stack.update-rolled-back",
        severity=Severity.WARNING,
        title=(f"Stack {stack.name} is rolling back its latest update" if rolling else
               f"The latest update of {stack.name} failed and was rolled back"),
        evidence=facts,
        cause=cause + " The stack runs the previous template; the change is not deployed.",
        fix=fix, guide=entry, runbooks=(guide.STACK_RECOVERY,), subject=stack.name,
        action_args=args(stack=stack.name))]


async def check_stack(inputs: DiagnosticInputs) -> list[Finding]:
    return evaluate_stack(inputs.snapshot("stack"))


DIAGNOSTICS = (
    Diagnostic("stack", "CloudFormation stack",
               (guide.STACK_ROLLBACK, guide.RESOURCE_EXISTS, guide.IAM_ROLE_FAILED,
                guide.STACK_REBUILD), check_stack, probes=("stack",)),
)
