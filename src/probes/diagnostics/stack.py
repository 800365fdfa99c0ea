"""The CloudFormation stack: failed or rolled-back operations, the failing resource and why.

Reads the stack probe's snapshot (status and the failures of the latest operation). The root
cause is the oldest failure that is not a cascade ("Resource creation cancelled"); its reason,
matched against the table of AWS reasons (probes.reasons), gives the cause, the fix and the
next step, or says the cause is unknown and quotes it. UPDATE_ROLLBACK_COMPLETE is what AWS
means by it: stable, serving the previous template; the answer is a corrected template
redeployed, never a rebuild.
"""

from __future__ import annotations

from probes import reasons
from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.reasons import Explanation
from probes.stack import StackEvent, StackSnapshot

# A stack in one of these can only be deleted (and rebuilt) or needs an operator to unstick it
# (UPDATE_ROLLBACK_FAILED: continue the rollback; it still serves, never delete it).
DEAD_STATUSES = frozenset({"CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED",
                           "ROLLBACK_IN_PROGRESS", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED",
                           "UPDATE_FAILED", "IMPORT_ROLLBACK_FAILED"})
_CASCADE = ("resource creation cancelled", "resource update cancelled",
            "resource deletion cancelled")
# Stable states in which the stack serves a template (after a failed update: the previous one).
SERVING_STATUSES = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE",
                              "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"})
MAX_LISTED = 5


def root_failure(failures: tuple[StackEvent, ...]) -> StackEvent | None:
    """The failure that started it: the oldest resource failure that is not a cascade."""
    resource_failures = [f for f in failures if f.resource_type != "AWS::CloudFormation::Stack"
                         and f.status.endswith("_FAILED")]
    original = [f for f in resource_failures if f.reason.lower().strip(". ") not in _CASCADE]
    candidates = original or resource_failures
    return min(candidates, key=lambda f: f.timestamp) if candidates else None


def explain_root(root: StackEvent | None) -> tuple[str, Explanation]:
    """(guide entry, what the root failure's reason means) from the reasons table."""
    if root is None:
        return guide.STACK_ROLLBACK, reasons.unknown("")
    found = reasons.explain(root.reason, root.resource_type)
    entry = {"cfn.role-exists": guide.IAM_ROLE_FAILED,
             "cfn.name-exists": guide.RESOURCE_EXISTS}.get(found.rule or "", guide.STACK_ROLLBACK)
    return entry, found


def _failure_line(event: StackEvent) -> tuple[str, str]:
    label = f"{event.logical_id} ({event.resource_type.removeprefix('AWS::')})"
    return label, f"{event.status}: {event.reason or 'no reason given'}"


def _facts(stack: StackSnapshot, root: StackEvent | None) -> tuple[tuple[str, str], ...]:
    lines = [_failure_line(e) for e in stack.failures
             if e.resource_type != "AWS::CloudFormation::Stack"][:MAX_LISTED]
    return evidence(
        ("stack", stack.name), ("status", status_meaning(stack.status)),
        ("status reason", stack.status_reason or None),
        ("since", stack.last_updated.isoformat(timespec="seconds") if stack.last_updated
         else None),
        ("failing resource", f"{root.logical_id} ({root.resource_type})" if root else
         "no resource failure event in the latest operation"),
        ("root cause", f"{root.logical_id}: {root.reason}" if root else None),
    ) + tuple(lines)


def status_meaning(status: str) -> str:
    """The status with what it means for the service, as AWS defines it."""
    if status in SERVING_STATUSES:
        return f"{status} (stable; the stack serves " + (
            "the previous template)" if "ROLLBACK" in status else "its template)")
    if status == "ROLLBACK_COMPLETE":
        return f"{status} (the stack was never created; it can only be deleted)"
    if status.endswith("_FAILED"):
        return f"{status} (stuck: needs an operator)"
    return status


def evaluate_stack(stack: StackSnapshot) -> list[Finding]:
    """A finding when the stack (or its latest operation) failed."""
    status = stack.status
    failing = status in DEAD_STATUSES or "ROLLBACK" in status or status.endswith("_FAILED")
    if not failing:
        return []
    root = root_failure(stack.failures)
    entry, found = explain_root(root)
    facts = _facts(stack, root)
    refs = args(stack=stack.name, **dict(found.values))
    if status == "UPDATE_ROLLBACK_FAILED":
        return [Finding(
            id="stack.rollback-failed", severity=Severity.CRITICAL,
            title=f"Stack {stack.name} is UPDATE_ROLLBACK_FAILED: its rollback is stuck",
            evidence=facts, cause=found.cause + " CloudFormation could not roll the resource "
            "back either, so the stack cannot be updated until the rollback finishes.",
            fix="Fix what blocks the rollback, then: aws cloudformation "
                "continue-update-rollback --stack-name " + stack.name + " (add "
                "--resources-to-skip for resources that cannot roll back). Do not delete "
                "the stack: it still holds the running service.",
            guide=entry, actions=found.actions, runbooks=(guide.STACK_UPDATE_ROLLBACK,),
            subject=stack.name, action_args=refs)]
    if status in DEAD_STATUSES:
        never_created = status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED",
                                   "ROLLBACK_IN_PROGRESS")
        return [Finding(
            id="stack.failed", severity=Severity.CRITICAL,
            title=f"Stack {stack.name} is {status}: it cannot be updated as it is",
            evidence=facts, cause=found.cause,
            fix=found.fix + (" A stack in ROLLBACK_COMPLETE was never created: it can only "
                             "be deleted and recreated." if status == "ROLLBACK_COMPLETE"
                             else ""),
            guide=entry,
            actions=((guide.REBUILD_STACK, guide.BACKUP_BUCKETS) if never_created
                     else found.actions),
            runbooks=(guide.STACK_RECOVERY,) if never_created else (guide.STACK_UPDATE_ROLLBACK,),
            subject=stack.name, action_args=refs)]
    rolling = status.endswith("_IN_PROGRESS")
    serving = ("The stack is stable and serves the previous template: the failed change is "
               "not deployed, and nothing needs rebuilding." if not rolling else
               "CloudFormation is putting back the previous template; the service keeps "
               "running meanwhile.")
    return [Finding(
        id="stack.rolling-back" if rolling else "stack.update-rolled-back",
        severity=Severity.WARNING,
        title=(f"Stack {stack.name} is rolling back its latest update" if rolling else
               f"The latest update of {stack.name} failed and was rolled back; the stack is "
               "stable on the previous template"),
        evidence=facts,
        cause=(f"{root.logical_id} failed: " if root else "") + found.cause + " " + serving,
        fix=found.fix if found.known else found.fix + " " + found.next_step,
        guide=entry, actions=found.actions,
        runbooks=tuple(dict.fromkeys((guide.STACK_UPDATE_ROLLBACK, *found.runbooks))),
        subject=stack.name, action_args=refs)]


async def check_stack(inputs: DiagnosticInputs) -> list[Finding]:
    return evaluate_stack(inputs.snapshot("stack"))


DIAGNOSTICS = (
    Diagnostic("stack", "CloudFormation stack",
               (guide.STACK_ROLLBACK, guide.RESOURCE_EXISTS, guide.IAM_ROLE_FAILED,
                guide.STACK_REBUILD), check_stack, probes=("stack",)),
)
