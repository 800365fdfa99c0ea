"""CloudFront and DNS: is the distribution deployed and enabled, is its origin (the ALB)
healthy, and do the domain's Route 53 records point at it?

The distribution is fetched once and shared by both diagnostics. Origin health is the target
probe's verdict on the ALB the origin names. What resolvers outside see (propagation) is a
manual check; the records in the hosted zone are what the API can show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.targets import TargetHealthSnapshot


def normalise(name: str) -> str:
    return name.strip().rstrip(".").lower()


@dataclass(frozen=True)
class Distribution:
    dist_id: str
    domain_name: str
    status: str  # Deployed, InProgress
    enabled: bool
    aliases: tuple[str, ...]
    origins: tuple[str, ...]  # origin domain names
    certificate_arn: str = ""


def parse_distribution(raw: dict[str, Any]) -> Distribution:
    """From GetDistribution's ``Distribution`` object."""
    config = raw.get("DistributionConfig", {})
    return Distribution(
        dist_id=raw.get("Id", ""),
        domain_name=raw.get("DomainName", ""),
        status=raw.get("Status", ""),
        enabled=bool(config.get("Enabled", True)),
        aliases=tuple((config.get("Aliases") or {}).get("Items", []) or []),
        origins=tuple(o.get("DomainName", "") for o in
                      (config.get("Origins") or {}).get("Items", []) or []),
        certificate_arn=(config.get("ViewerCertificate") or {}).get("ACMCertificateArn", "")
        or "",
    )


@dataclass(frozen=True)
class DnsRecord:
    name: str
    record_type: str
    targets: tuple[str, ...]  # alias target or record values, normalised


def parse_record(raw: dict[str, Any]) -> DnsRecord:
    alias = raw.get("AliasTarget")
    targets = ((normalise(alias.get("DNSName", "")),) if alias else
               tuple(normalise(r.get("Value", "")) for r in raw.get("ResourceRecords", [])))
    return DnsRecord(normalise(raw.get("Name", "")), raw.get("Type", ""), targets)


def evaluate_distribution(dist: Distribution, targets: TargetHealthSnapshot | None
                          ) -> list[Finding]:
    facts = evidence(("distribution", dist.dist_id), ("domain", dist.domain_name),
                     ("status", dist.status), ("enabled", dist.enabled),
                     ("aliases", ", ".join(dist.aliases) or None),
                     ("origins", ", ".join(dist.origins) or None))
    refs = args(distribution_id=dist.dist_id)
    findings: list[Finding] = []
    if not dist.enabled:
        findings.append(Finding(
            id="cloudfront.disabled", severity=Severity.CRITICAL,
            title=f"CloudFront distribution {dist.dist_id} is disabled", evidence=facts,
            cause="A disabled distribution serves nothing: viewers get errors.",
            fix="Enable it (aws cloudfront update-distribution with Enabled=true).",
            guide=guide.CLOUDFRONT, runbooks=(guide.P0_SERVICE_DOWN,), action_args=refs))
    if dist.status != "Deployed":
        findings.append(Finding(
            id="cloudfront.not-deployed", severity=Severity.WARNING,
            title=f"CloudFront distribution {dist.dist_id} is {dist.status or 'unknown'}, "
                  "not Deployed", evidence=facts,
            cause="A configuration change is still propagating to the edge locations "
                  "(usually minutes): edges may serve the old configuration.",
            fix="Wait and re-check; if it stays InProgress for over an hour, open a case.",
            guide=guide.CLOUDFRONT, action_args=refs))
    if targets is None:
        return findings
    albs = {normalise(lb.dns_name): lb for lb in targets.load_balancers if lb.dns_name}
    origin_albs = [normalise(o) for o in dist.origins if normalise(o) in albs]
    if albs and dist.origins and not origin_albs:
        findings.append(Finding(
            id="cloudfront.origin-mismatch", severity=Severity.WARNING,
            title="CloudFront's origin is not the deployment's load balancer",
            evidence=facts + evidence(("load balancer", ", ".join(albs))),
            cause="The distribution forwards to another host (an old ALB?): viewers get "
                  "another deployment's answers, or errors.",
            fix="Point the origin at the ALB's DNS name, then invalidate the cache.",
            guide=guide.CLOUDFRONT, actions=(guide.INVALIDATE_CLOUDFRONT,), action_args=refs))
    elif origin_albs and targets.no_healthy_target:
        findings.append(Finding(
            id="cloudfront.origin-unhealthy", severity=Severity.CRITICAL,
            title="CloudFront's origin (the ALB) has no healthy target",
            evidence=facts + evidence(("origin", origin_albs[0]),
                                      ("healthy targets", f"0 of {len(targets.targets)}")),
            cause=f"The ALB has no healthy target ({targets.routing.reason}), so CloudFront "
                  "serves its errors (or stale pages).",
            fix="Bring the service back (see the target findings); once healthy, invalidate "
                "the cache so no cached error pages remain.",
            guide=guide.CLOUDFRONT, actions=(guide.INVALIDATE_CLOUDFRONT,),
            runbooks=(guide.P0_SERVICE_DOWN,), action_args=refs))
    return findings


def evaluate_dns(dist: Distribution, records: dict[str, list[DnsRecord] | None]
                 ) -> list[Finding]:
    """`records` maps each alias to the zone's records of that name (None: no zone found)."""
    findings: list[Finding] = []
    expected = normalise(dist.domain_name)
    for alias, found in records.items():
        if found is None:
            findings.append(Finding(
                id="dns.zone-not-found", severity=Severity.INFO,
                title=f"No Route 53 zone in this account holds {alias}",
                evidence=evidence(("name", alias), ("should point at", dist.domain_name)),
                cause="The domain's DNS is hosted elsewhere; the console cannot read it.",
                fix=f"dig +short {alias} should show CloudFront addresses (CNAME "
                    f"{dist.domain_name}).", guide=guide.DNS, subject=alias))
            continue
        usable = [r for r in found if r.record_type in ("A", "AAAA", "CNAME")]
        pointing = [r for r in usable if expected in r.targets]
        if pointing:
            continue
        facts = evidence(("name", alias), ("should point at", dist.domain_name)) + tuple(
            (f"{r.record_type} record", ", ".join(r.targets) or "empty") for r in usable)
        findings.append(Finding(
            id="dns.missing-record" if not usable else "dns.wrong-target",
            severity=Severity.CRITICAL,
            title=(f"{alias} has no record pointing at CloudFront" if not usable else
                   f"{alias} does not point at the distribution"),
            evidence=facts,
            cause="Viewers resolving the domain do not reach the distribution.",
            fix=f"UPSERT an A alias record {alias} -> {dist.domain_name} (hosted zone "
                "Z2FDTNDATAQYW2, CloudFront's) in the domain's zone.",
            guide=guide.DNS, subject=alias))
    return findings


async def distribution(inputs: DiagnosticInputs) -> Distribution | None:
    dist_id = inputs.deployment.distribution_id
    if not dist_id:
        return None

    async def fetch() -> Distribution:
        cloudfront = await inputs.ctx.client("cloudfront")
        return parse_distribution((await cloudfront.get_distribution(Id=dist_id))["Distribution"])

    return await inputs.shared("distribution", fetch)


async def check_cloudfront(inputs: DiagnosticInputs) -> list[Finding]:
    dist = await distribution(inputs)
    if dist is None:
        return []
    return evaluate_distribution(dist, inputs.snapshot_or_none("targets"))


async def _zone_ids(inputs: DiagnosticInputs, route53: Any, alias: str) -> list[str]:
    if inputs.deployment.hosted_zone_ids:
        return [z.rsplit("/", 1)[-1] for z in inputs.deployment.hosted_zone_ids]
    return await zone_ids_for(route53, alias)


async def zone_ids_for(route53: Any, name: str) -> list[str]:
    """The most specific zones that hold `name`. ListHostedZonesByName lists zones from DNSName
    on, in reversed-label order (com.example sorts before com.example.app): the parent zone of
    app.example.com is never in the answer for app.example.com, so each parent name is asked
    for in turn, nearest first."""
    labels = normalise(name).split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        zones = await route53.list_hosted_zones_by_name(DNSName=candidate, MaxItems="10")
        ids = [z["Id"].rsplit("/", 1)[-1] for z in zones.get("HostedZones", [])
               if normalise(z.get("Name", "")) == candidate]
        if ids:
            return ids
    return []


async def check_dns(inputs: DiagnosticInputs) -> list[Finding]:
    dist = await distribution(inputs)
    if dist is None or not dist.aliases:
        return []
    route53 = await inputs.ctx.client("route53")
    records: dict[str, list[DnsRecord] | None] = {}
    for alias in dist.aliases:
        zone_ids = await _zone_ids(inputs, route53, alias)
        found: list[DnsRecord] | None = None
        for zone_id in zone_ids:
            page = await route53.list_resource_record_sets(
                HostedZoneId=zone_id, StartRecordName=alias, MaxItems="20")
            matching = [parse_record(r) for r in page.get("ResourceRecordSets", [])]
            matching = [r for r in matching if r.name == normalise(alias)]
            found = (found or []) + matching
        records[normalise(alias)] = found
    return evaluate_dns(dist, records)


DIAGNOSTICS = (
    Diagnostic("cloudfront", "CloudFront distribution", (guide.CLOUDFRONT,), check_cloudfront,
               probes=("targets",)),
    Diagnostic("dns", "DNS records", (guide.DNS,), check_dns),
)
