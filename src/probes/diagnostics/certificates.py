"""ACM certificates: not ISSUED, expired, or expiring within 30 days.

The certificates are the stack's, plus those the ALB's HTTPS listeners and the CloudFront
distribution use. A certificate is described in its own region (CloudFront's live in
us-east-1). An SSL handshake seen from outside is a manual check (manual.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from probes.diagnostics import guide
from probes.diagnostics.edge import distribution
from probes.diagnostics.inputs import DiagnosticInputs, FetchFailed
from probes.diagnostics.model import Diagnostic, Finding, Severity, evidence

EXPIRY_WARNING = timedelta(days=30)
EXPIRY_CRITICAL = timedelta(days=7)


@dataclass(frozen=True)
class Certificate:
    arn: str
    domain: str
    status: str  # ISSUED, PENDING_VALIDATION, EXPIRED, REVOKED, FAILED, ...
    not_after: datetime | None
    cert_type: str  # AMAZON_ISSUED, IMPORTED, PRIVATE
    in_use_by: tuple[str, ...]
    renewal_status: str = ""
    failure_reason: str = ""
    validation: tuple[tuple[str, str, str], ...] = ()  # (domain, status, record "name CNAME value")


def parse_certificate(raw: dict[str, Any]) -> Certificate:
    """From DescribeCertificate's ``Certificate`` object."""
    validation = []
    for option in raw.get("DomainValidationOptions", []):
        record = option.get("ResourceRecord") or {}
        text = (f"{record.get('Name', '')} {record.get('Type', '')} {record.get('Value', '')}"
                if record else "")
        validation.append((option.get("DomainName", ""), option.get("ValidationStatus", ""),
                           text.strip()))
    return Certificate(
        arn=raw.get("CertificateArn", ""),
        domain=raw.get("DomainName", ""),
        status=raw.get("Status", ""),
        not_after=raw.get("NotAfter"),
        cert_type=raw.get("Type", ""),
        in_use_by=tuple(raw.get("InUseBy", [])),
        renewal_status=(raw.get("RenewalSummary") or {}).get("RenewalStatus", "") or "",
        failure_reason=raw.get("FailureReason", "") or "",
        validation=tuple(validation),
    )


def evaluate_certificate(cert: Certificate, now: datetime) -> list[Finding]:
    left = cert.not_after - now if cert.not_after else None
    facts = evidence(
        ("certificate", cert.arn), ("domain", cert.domain), ("status", cert.status),
        ("type", cert.cert_type or None),
        ("expires", f"{cert.not_after:%Y-%m-%d} ({left.days} days)" if left is not None
         else None),
        ("renewal", cert.renewal_status or None), ("failure", cert.failure_reason or None),
        ("in use by", ", ".join(cert.in_use_by) or "nothing")
    ) + tuple((f"validation {d}", f"{s}: {r}" if r else s) for d, s, r in cert.validation
              if s != "SUCCESS")
    manual_renewal = cert.cert_type == "IMPORTED"
    renew_fix = ("Import a renewed certificate: aws acm import-certificate --certificate-arn "
                 "ARN ..." if manual_renewal else
                 "ACM renews DNS-validated certificates itself while the validation CNAME "
                 "records stay in the hosted zone: check them (aws acm describe-certificate).")
    if cert.status != "ISSUED":
        pending = cert.status == "PENDING_VALIDATION"
        return [Finding(
            id="certificate.not-issued",
            severity=Severity.WARNING if pending and not cert.in_use_by else Severity.CRITICAL,
            title=f"Certificate for {cert.domain} is {cert.status}, not ISSUED",
            evidence=facts,
            cause=("ACM waits for the DNS validation record to appear in the domain's zone."
                   if pending else "The certificate cannot be used: HTTPS handshakes fail."),
            fix=("Create the validation CNAME shown in the hosted zone, then wait a few minutes."
                 if pending else "Request a new certificate, validate it by DNS and put it on "
                 "the HTTPS listener and the distribution."),
            guide=guide.SSL, subject=cert.arn)]
    if left is None or left > EXPIRY_WARNING:
        return []
    expired = left <= timedelta(0)
    return [Finding(
        id="certificate.expired" if expired else "certificate.expiring",
        severity=Severity.CRITICAL if left <= EXPIRY_CRITICAL else Severity.WARNING,
        title=(f"Certificate for {cert.domain} has expired" if expired else
               f"Certificate for {cert.domain} expires in {left.days} days"),
        evidence=facts,
        cause=("Browsers refuse the site: the handshake fails." if expired else
               "Renewal has not happened yet" + (": imported certificates never renew by "
                                                 "themselves." if manual_renewal else ".")),
        fix=renew_fix, guide=guide.SSL, subject=cert.arn)]


def _region_of(arn: str, default: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 4 and parts[3] else default


async def certificate_arns(inputs: DiagnosticInputs) -> list[str]:
    """The stack's certificates, the ALB listeners' (one DescribeListeners per ALB) and the
    distribution's (shared with the CloudFront diagnostic; tolerated when unreadable)."""
    found = await asyncio.gather(_listener_certificates(inputs), _distribution_certificate(inputs))
    return list(dict.fromkeys([*inputs.deployment.certificate_arns, *found[0], *found[1]]))


async def _listener_certificates(inputs: DiagnosticInputs) -> list[str]:
    elb = await inputs.ctx.client("elbv2")
    described = await asyncio.gather(*(elb.describe_listeners(LoadBalancerArn=arn)
                                       for arn in inputs.deployment.load_balancer_arns))
    return [c["CertificateArn"] for listeners in described
            for listener in listeners.get("Listeners", [])
            for c in listener.get("Certificates", []) if c.get("CertificateArn")]


async def _distribution_certificate(inputs: DiagnosticInputs) -> list[str]:
    try:
        dist = await distribution(inputs)
    except FetchFailed as exc:
        inputs.note(exc.error)
        return []
    return [dist.certificate_arn] if dist is not None and dist.certificate_arn else []


async def check_certificates(inputs: DiagnosticInputs) -> list[Finding]:
    """Every certificate described at once; the stack's own go out with the listeners' and the
    distribution's reads, the others (seen only there) once those answer."""
    own = list(dict.fromkeys(inputs.deployment.certificate_arns))
    early = [asyncio.ensure_future(_described(inputs, arn)) for arn in own]
    try:
        later = [arn for arn in await certificate_arns(inputs) if arn not in own]
        described = await asyncio.gather(*early, *(_described(inputs, arn) for arn in later))
    finally:
        for task in early:
            task.cancel()
    return [f for cert in described for f in evaluate_certificate(cert, inputs.now)]


async def _described(inputs: DiagnosticInputs, arn: str) -> Certificate:
    acm = await inputs.ctx.client("acm", region=_region_of(arn, inputs.ctx.region))
    return parse_certificate((await acm.describe_certificate(CertificateArn=arn))["Certificate"])


DIAGNOSTICS = (
    Diagnostic("certificates", "TLS certificates", (guide.SSL,), check_certificates),
)
