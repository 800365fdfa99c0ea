"""What a role may do: IAM's policy simulator where the endpoint has it, else its policies.

SimulatePrincipalPolicy is the guide's own check and also sees permission boundaries; moto and
some other endpoints do not implement it (an HTML 500, surfacing as ResponseParserError) and a
responder may lack iam:SimulatePrincipalPolicy. Either way the decision falls back to reading
the role's inline and attached policies (`policy.decide`), and says which method answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from botocore.exceptions import ClientError

from probes.diagnostics.inputs import DiagnosticInputs, not_implemented
from probes.diagnostics.policy import ALLOWED, DENIED, NOT_ALLOWED, Decision, decide
from probes.diagnostics.resources import role_policies

SIMULATOR = "the IAM policy simulator"
POLICIES = "the role's policies (no simulator at this endpoint; boundaries and SCPs not seen)"
_SIMULATED = {"allowed": ALLOWED, "explicitDeny": DENIED, "implicitDeny": NOT_ALLOWED}
# A simulator failure with one of these means "not available here": fall back, do not fail.
_FALLBACK_CODES = {"500", "501", "InternalFailure", "InternalError", "NotImplemented",
                   "AccessDenied", "AccessDeniedException"}


@dataclass(frozen=True)
class RoleAccess:
    """Decisions for a set of (action, resource) checks, and how they were reached."""

    role: str
    exists: bool
    method: str
    decisions: tuple[Decision, ...]

    def decision(self, action: str, resource: str) -> Decision | None:
        return next((d for d in self.decisions
                     if d.action == action and d.resource == resource), None)

    @property
    def missing(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if not d.allowed)


async def _simulate(inputs: DiagnosticInputs, role_arn: str,
                    checks: Sequence[tuple[str, str]]) -> tuple[Decision, ...]:
    iam = await inputs.ctx.client("iam")
    decisions: list[Decision] = []
    by_resource: dict[str, list[str]] = {}
    for action, resource in checks:
        by_resource.setdefault(resource, []).append(action)
    for resource, actions in by_resource.items():
        answer = await iam.simulate_principal_policy(
            PolicySourceArn=role_arn, ActionNames=actions, ResourceArns=[resource])
        for result in answer.get("EvaluationResults", []):
            verdict = _SIMULATED.get(result.get("EvalDecision", ""), NOT_ALLOWED)
            by = ", ".join(s.get("SourcePolicyId", "") for s in
                           result.get("MatchedStatements", []) if s.get("SourcePolicyId"))
            decisions.append(Decision(result.get("EvalActionName", ""), resource, verdict,
                                      by or "simulator"))
    return tuple(decisions)


def _unavailable(exc: Exception) -> bool:
    if not_implemented(exc):
        return True
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code in _FALLBACK_CODES or status in (403, 500, 501)
    return False


async def role_access(inputs: DiagnosticInputs, role_arn: str,
                      checks: Sequence[tuple[str, str]]) -> RoleAccess:
    """Decide every (action, resource) in `checks` for the role `role_arn`."""
    policies = await role_policies(inputs, role_arn)
    if not policies.exists:
        return RoleAccess(policies.role_name, False, POLICIES,
                          tuple(Decision(a, r, NOT_ALLOWED, "the role does not exist")
                                for a, r in checks))
    simulator = await inputs.shared("iam-simulator", _probe_simulator(inputs, policies.role_arn))
    if simulator:
        try:
            decided = await _simulate(inputs, policies.role_arn, checks)
            if decided:
                return RoleAccess(policies.role_name, True, SIMULATOR, decided)
        except Exception as exc:  # noqa: BLE001 - any simulator failure: read the policies
            if not _unavailable(exc):
                inputs.note(inputs.classify(exc, "iam:SimulatePrincipalPolicy"))
    decisions = tuple(decide(policies.documents, action, resource) for action, resource in checks)
    return RoleAccess(policies.role_name, True, POLICIES, decisions)


def _probe_simulator(inputs: DiagnosticInputs, role_arn: str):
    """Whether the endpoint answers SimulatePrincipalPolicy at all (asked once per run, so that
    an endpoint without it costs one failed call, not one per diagnostic)."""

    async def probe() -> bool:
        iam = await inputs.ctx.client("iam")
        try:
            await iam.simulate_principal_policy(PolicySourceArn=role_arn,
                                                ActionNames=["sts:GetCallerIdentity"])
        except Exception as exc:  # noqa: BLE001 - unavailable or denied: use the policies
            if not _unavailable(exc):
                inputs.note(inputs.classify(exc, "iam:SimulatePrincipalPolicy"))
            return False
        return True

    return probe
