"""Load balancer, security groups, certificates, CloudFront and DNS, from responses in the shapes
AWS documents (DescribeCertificate, GetDistribution, ListResourceRecordSets,
DescribeSecurityGroups), including states moto never returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.diagnostics.findings import evidence_text

from probes.diagnostics import Severity
from probes.diagnostics import guide as g
from probes.diagnostics.certificates import evaluate_certificate, parse_certificate
from probes.diagnostics.edge import (
    evaluate_distribution,
    evaluate_dns,
    parse_distribution,
    parse_record,
)
from probes.diagnostics.network import evaluate_network, parse_security_group
from probes.diagnostics.targets import evaluate_targets
from probes.targets import LoadBalancer, Target, TargetGroupHealth, TargetHealthSnapshot

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
DOMAIN = "children-drawing.example.com"
CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/1f2e3d4c-0000-4000-8000-000000000001"
ALB_DNS = "children-drawing-prod-alb-1234567890.eu-west-1.elb.amazonaws.com"


def certificate(status: str, days_left: int, **extra) -> dict:
    return {"CertificateArn": CERT, "DomainName": DOMAIN, "Status": status,
            "Type": "AMAZON_ISSUED", "NotAfter": NOW + timedelta(days=days_left),
            "InUseBy": ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/"
                        "children-drawing-prod-alb/0123456789abcdef"], **extra}


@pytest.mark.parametrize(("status", "days", "expected"), [
    ("ISSUED", 200, None),
    ("ISSUED", 20, ("certificate.expiring", Severity.WARNING)),
    ("ISSUED", 5, ("certificate.expiring", Severity.CRITICAL)),
    ("ISSUED", -1, ("certificate.expired", Severity.CRITICAL)),
    ("EXPIRED", -3, ("certificate.not-issued", Severity.CRITICAL)),
    ("REVOKED", 100, ("certificate.not-issued", Severity.CRITICAL)),
])
def test_certificate_states(status, days, expected):
    findings = evaluate_certificate(parse_certificate(certificate(status, days)), NOW)
    assert [(f.id, f.severity) for f in findings] == ([expected] if expected else [])
    assert all(f.guide == g.SSL for f in findings)


def test_pending_validation_shows_the_dns_record_to_create():
    raw = certificate("PENDING_VALIDATION", 395, InUseBy=[], DomainValidationOptions=[{
        "DomainName": DOMAIN, "ValidationDomain": DOMAIN, "ValidationMethod": "DNS",
        "ValidationStatus": "PENDING_VALIDATION",
        "ResourceRecord": {"Name": f"_a79865eb4cd1a6ab990a45779b4e0b96.{DOMAIN}.",
                           "Type": "CNAME", "Value": "_x2.acm-validations.aws."}}])
    [finding] = evaluate_certificate(parse_certificate(raw), NOW)
    assert finding.severity is Severity.WARNING  # not in use yet: nothing breaks today
    assert "CNAME _x2.acm-validations.aws." in evidence_text(finding)


def distribution(**config) -> dict:
    """A GetDistribution ``Distribution`` object."""
    base = {"Enabled": True, "Aliases": {"Quantity": 1, "Items": [DOMAIN]},
            "Origins": {"Quantity": 1, "Items": [{"Id": "alb", "DomainName": ALB_DNS}]}}
    status = config.pop("Status", "Deployed")
    return {"Id": "E2QWRUHAPOMQZL", "Status": status, "DomainName": "d111111abcdef8.cloudfront.net",
            "DistributionConfig": {**base, **config}}


def targets(*states: tuple[str, str]) -> TargetHealthSnapshot:
    group = TargetGroupHealth(
        "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/children-drawing-prod-tg/1",
        "children-drawing-prod-tg", 8000, "HTTP", "/health",
        tuple(Target(f"10.0.1.{i}", 8000, state, reason, "") for i, (state, reason)
              in enumerate(states)))
    lb = LoadBalancer("arn:lb", "children-drawing-prod-alb", ALB_DNS, "active",
                      "internet-facing", ("sg-alb",))
    return TargetHealthSnapshot((lb,), (group,))


def test_cloudfront_in_progress_disabled_and_origin_states():
    healthy = targets(("healthy", ""))
    ids = lambda raw, t: {f.id for f in evaluate_distribution(parse_distribution(raw), t)}  # noqa: E731
    assert ids(distribution(), healthy) == set()
    assert ids(distribution(Status="InProgress"), healthy) == {"cloudfront.not-deployed"}
    assert ids(distribution(Enabled=False), healthy) == {"cloudfront.disabled"}
    down = targets(("unhealthy", "Target.Timeout"))
    assert ids(distribution(), down) == {"cloudfront.origin-unhealthy"}
    elsewhere = distribution(Origins={"Quantity": 1, "Items": [
        {"Id": "old", "DomainName": "old-alb.eu-west-1.elb.amazonaws.com"}]})
    assert ids(elsewhere, healthy) == {"cloudfront.origin-mismatch"}


def test_dns_records_must_point_at_the_distribution():
    dist = parse_distribution(distribution())
    alias_ok = parse_record({"Name": f"{DOMAIN}.", "Type": "A", "AliasTarget": {
        "HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d111111abcdef8.cloudfront.net.",
        "EvaluateTargetHealth": False}})
    cname_ok = parse_record({"Name": DOMAIN, "Type": "CNAME", "TTL": 300,
                             "ResourceRecords": [{"Value": "D111111ABCDEF8.cloudfront.net"}]})
    stale = parse_record({"Name": f"{DOMAIN}.", "Type": "A", "TTL": 300,
                          "ResourceRecords": [{"Value": "203.0.113.10"}]})
    assert evaluate_dns(dist, {DOMAIN: [alias_ok]}) == []
    assert evaluate_dns(dist, {DOMAIN: [cname_ok]}) == []
    [wrong] = evaluate_dns(dist, {DOMAIN: [stale]})
    assert (wrong.id, wrong.severity) == ("dns.wrong-target", Severity.CRITICAL)
    assert "203.0.113.10" in evidence_text(wrong)
    [missing] = evaluate_dns(dist, {DOMAIN: []})
    assert missing.id == "dns.missing-record"
    [elsewhere] = evaluate_dns(dist, {DOMAIN: None})
    assert elsewhere.severity is Severity.INFO


def test_no_healthy_target_is_the_503_with_reason_codes_explained():
    [finding] = evaluate_targets(targets(("unhealthy", "Target.Timeout"),
                                         ("unhealthy", "Target.ResponseCodeMismatch")))
    assert finding.id == "targets.no-healthy" and finding.guide == g.ALB_503
    assert "Target.Timeout means no answer in time" in finding.cause
    [partial] = evaluate_targets(targets(("healthy", ""), ("unhealthy", "Target.Timeout")))
    assert (partial.id, partial.severity) == ("targets.unhealthy", Severity.WARNING)
    assert partial.actions == (g.STOP_TASK, g.FORCE_NEW_DEPLOYMENT)


def test_a_failed_load_balancer_is_critical():
    snapshot = targets(("healthy", ""))
    lb = snapshot.load_balancers[0]
    failed = TargetHealthSnapshot((LoadBalancer(lb.arn, lb.name, lb.dns_name, "failed",
                                                lb.scheme),), snapshot.groups)
    [finding] = evaluate_targets(failed)
    assert (finding.id, finding.severity) == ("targets.load-balancer-state", Severity.CRITICAL)


def group(*permissions: dict) -> dict:
    """A DescribeSecurityGroups ``SecurityGroups`` item."""
    return {"GroupId": "sg-tasks", "GroupName": "children-drawing-prod-ecs-sg",
            "IpPermissions": list(permissions)}


FROM_ALB = {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000,
            "UserIdGroupPairs": [{"GroupId": "sg-alb", "UserId": "123456789012"}],
            "IpRanges": [], "Ipv6Ranges": []}


@pytest.mark.parametrize(("permissions", "blocked"), [
    ([FROM_ALB], False),
    ([{**FROM_ALB, "IpProtocol": "-1", "FromPort": None, "ToPort": None}], False),
    ([{**FROM_ALB, "FromPort": 80, "ToPort": 80}], True),
    ([{**FROM_ALB, "UserIdGroupPairs": [{"GroupId": "sg-other"}]}], True),
    ([], True),
])
def test_the_tasks_security_group_must_admit_the_alb_on_8000(permissions, blocked):
    findings = evaluate_network((parse_security_group(group(*permissions)),), ("sg-alb",),
                                8000, (8000,))
    assert [f.id for f in findings] == (["network.alb-blocked"] if blocked else [])
    if blocked:
        assert "--port 8000 --source-group sg-alb" in findings[0].fix


def test_a_container_not_exposing_the_target_port_is_reported():
    [finding] = evaluate_network((), ("sg-alb",), 8000, (5000,))
    assert finding.id == "network.container-port" and "5000" in evidence_text(finding)
