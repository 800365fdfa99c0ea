"""Credentials and the console's own permissions.

Credentials: `connect()` already refuses an environment without working credentials, so what
is left to see is credentials that stop working during a session (SSO tokens expire mid-
incident): any probe failing with a credentials error. Permissions: every "access denied" the
probes and diagnostics met, gathered into one finding naming the IAM actions to grant, so a
responder sees one list rather than a dozen "could not run" rows with the same cause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, evidence
from probes.errors import ErrorKind, ProbeError, login_fix
from probes.identity import CallerIdentity


def evaluate_credentials(identity: CallerIdentity | None, probe_errors: Mapping[str, ProbeError],
                         *, region: str, endpoint: str | None,
                         profile: str | None) -> list[Finding]:
    """A critical finding when a probe's credentials were rejected, else who we are (info)."""
    rejected = {name: e for name, e in probe_errors.items() if e.kind is ErrorKind.CREDENTIALS}
    if rejected:
        first = next(iter(rejected.values()))
        return [Finding(
            id="credentials.rejected", severity=Severity.CRITICAL,
            title="AWS credentials are missing or expired",
            evidence=evidence(*((f"probe {name}", e.message) for name, e in rejected.items()),
                              ("profile", profile or "(default chain)")),
            cause="The session's credentials stopped working: an SSO token or assumed-role "
                  "session expired, or the keys were rotated or deleted.",
            fix=first.fix or login_fix(profile),
            guide=guide.CREDENTIALS,
        )]
    if identity is None or not identity.arn:
        return []
    return [Finding(
        id="credentials.identity", severity=Severity.INFO,
        title=f"Signed in as {identity.short} in account {identity.account}",
        evidence=evidence(("account", identity.account), ("identity", identity.arn),
                          ("region", region), ("endpoint", endpoint or "AWS"),
                          ("profile", profile or "(default chain)")),
        fix="Nothing to do; `aws sts get-caller-identity` shows the same.",
        guide=guide.CREDENTIALS,
    )]


async def check_credentials(inputs: DiagnosticInputs) -> list[Finding]:
    errors = {name: r.error for name, r in inputs.results.items() if r.error is not None}
    settings = inputs.ctx.settings
    return evaluate_credentials(inputs.identity, errors, region=settings.region,
                                endpoint=settings.endpoint_url, profile=settings.profile)


def permission_findings(errors: Iterable[ProbeError], identity: CallerIdentity | None
                        ) -> list[Finding]:
    """One warning listing every IAM action the console was denied, when there is any."""
    denied = sorted({e.action or e.message for e in errors if e.kind is ErrorKind.ACCESS_DENIED})
    if not denied:
        return []
    who = identity.arn if identity is not None and identity.arn else "this identity"
    actions = ", ".join(d for d in denied if ":" in d)
    return [Finding(
        id="permissions.missing", severity=Severity.WARNING,
        title=f"The console was denied {len(denied)} AWS action(s): it sees less than it should",
        evidence=evidence(("identity", who), *(("denied", d) for d in denied)),
        cause="The identity's policies do not grant these read-only actions (or an SCP or "
              "permission boundary removes them); the diagnostics that needed them could not "
              "run.",
        fix=(f"Grant {actions} to {who}" if actions else f"Grant the missing permissions to {who}")
        + " (the guide's \"Insufficient permissions\" policy lists the services).",
        guide=guide.PERMISSIONS,
    )]


DIAGNOSTICS = (
    # The permissions summary needs every other result: the runner adds it at the end.
    Diagnostic("credentials", "Credentials and permissions",
               (guide.CREDENTIALS, guide.PERMISSIONS), check_credentials),
)
