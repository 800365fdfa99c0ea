"""judge(): the guide's escalation levels (P0 DOWN, P1 DEGRADED, P2 ATTENTION, else OK) from
snapshots in the shapes AWS documents; the ALB's fail-open versus its 503."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from probes.costs import Budget, CostSnapshot
from probes.datapath import DataPathSnapshot, concerns_of
from probes.diagnostics.model import Finding, Severity
from probes.targets import ErrorCounts, Routing, TargetHealthSnapshot, parse_target_group
from probes.verdict import Level, judge

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
TG_ARN = ("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/"
          "children-drawing-prod-tg/73e2d6bc24d8a067")


def targets(*states: str, errors: ErrorCounts | None = None) -> TargetHealthSnapshot:
    """DescribeTargetHealth ``TargetHealthDescriptions`` with these states (ELBv2 reference)."""
    reasons = {"unhealthy": ("Target.ResponseCodeMismatch",
                             "Health checks failed with these codes: [404]"),
               "draining": ("Target.DeregistrationInProgress",
                            "Target deregistration is in progress"),
               "unhealthy.draining": ("Target.DeregistrationInProgress",
                                      "Target deregistration is in progress"),
               "initial": ("Elb.InitialHealthChecking", "Initial health checks in progress")}
    health = {"TargetHealthDescriptions": [
        {"Target": {"Id": f"10.0.1.{10 + i}", "Port": 8000}, "HealthCheckPort": "8000",
         "TargetHealth": {"State": state, **({"Reason": reasons[state][0],
                                              "Description": reasons[state][1]}
                                             if state in reasons else {})}}
        for i, state in enumerate(states)]}
    group = parse_target_group({"TargetGroupArn": TG_ARN, "Port": 8000, "Protocol": "HTTP",
                                "HealthCheckPath": "/health"}, health)
    return TargetHealthSnapshot((), (group,), errors=errors)


def costs(limit: float, actual: float, forecast: float | None) -> CostSnapshot:
    return CostSnapshot(NOW, date(2026, 11, 1), date(2026, 11, 28), "USD", actual, (), (), (),
                        (Budget("monthly", limit, actual, forecast, "USD", "MONTHLY"),))


def finding(finding_id: str, severity: Severity, title: str) -> Finding:
    return Finding(id=finding_id, severity=severity, title=title)


def test_nothing_escalated_is_ok_without_reasons():
    verdict = judge(targets=targets("healthy", "healthy"), costs=costs(200, 80, 150),
                    datapath=DataPathSnapshot(NOW, ()))
    assert (verdict.level, verdict.reasons, verdict.headline) == (Level.OK, (), "OK")


def test_ok_before_the_backup_checks_answer_says_what_it_has_not_read():
    verdict = judge(targets=targets("healthy", "healthy"), costs=costs(200, 80, 150),
                    pending=["datapath"])
    assert verdict.level is Level.OK
    assert verdict.headline == "OK: no result yet for backups and certificates"


def test_a_service_that_cannot_be_seen_is_never_ok():
    # The ECS probe failed: its last snapshot is old, so "OK" would be a guess.
    verdict = judge(targets=targets("healthy", "healthy"),
                    unseen={"ecs": "access denied: ecs:DescribeServices"})
    assert verdict.level is Level.UNKNOWN
    assert verdict.reasons == ("cannot see the ECS service: access denied: "
                               "ecs:DescribeServices",)


def test_what_is_seen_to_be_down_stays_down_and_says_what_is_not_seen():
    verdict = judge(targets=targets(), unseen={"targets": "throttled: x", "costs": "y"})
    assert verdict.level is Level.DOWN
    assert verdict.reasons[-1] == "cannot see the target health: throttled: x"


def test_budget_exceeded_is_p2_with_its_figures_in_words():
    verdict = judge(targets=targets("healthy"), costs=costs(200, 248, 318))
    assert verdict.level is Level.ATTENTION and verdict.level.priority == "P2"
    assert verdict.reasons == ("budget monthly 124% used, forecast 159%",)


def test_forecast_over_budget_alone_is_p2():
    verdict = judge(targets=targets("healthy"), costs=costs(200, 150, 230))
    assert verdict.headline == "ATTENTION: budget monthly 75% used, forecast 115%"


def test_stale_backup_and_critical_data_path_findings_are_p2():
    concerns = concerns_of([
        finding("backups.database-url-invalid", Severity.CRITICAL,
                "DATABASE_URL is not a SQLite URL the backup service understands"),
        finding("backups.stale", Severity.WARNING, "The newest database backup is 80 h old"),
        finding("backups.failing", Severity.WARNING, "The backup service logged 3 failure(s)"),
        finding("certificate.expiring", Severity.WARNING,
                "Certificate for drawings.example.com expires in 12 days")])
    verdict = judge(targets=targets("healthy"), datapath=DataPathSnapshot(NOW, concerns))
    assert verdict.level is Level.ATTENTION
    assert verdict.reasons == ("DATABASE_URL invalid: backups fail",
                               "newest database backup is 80 h old",
                               "certificate for drawings.example.com expires in 12 days")


def test_p0_keeps_the_p2_reasons_after_its_own():
    verdict = judge(targets=targets("unhealthy", errors=ErrorCounts(120, 4, 10)),
                    costs=costs(200, 248, 318))
    assert verdict.level is Level.DOWN and verdict.level.priority == "P0"
    assert verdict.reasons[0].startswith("fail-open: routing to unhealthy targets")
    assert verdict.reasons[-1] == "budget monthly 124% used, forecast 159%"


@pytest.mark.parametrize(("states", "errors", "level", "reason"), [
    (("unhealthy", "unhealthy"), ErrorCounts(0, 0, 10), Level.DEGRADED,
     "fail-open: routing to unhealthy targets (0/2 healthy, no 5XX in 10 min)"),
    (("unhealthy", "unhealthy"), ErrorCounts(37, 5, 10), Level.DOWN,
     "fail-open: routing to unhealthy targets (0/2 healthy, 37 ALB 5XX + 5 target 5XX in "
     "10 min)"),
    (("unhealthy", "unhealthy.draining"), None, Level.DOWN,
     "fail-open: routing to unhealthy targets (0/2 healthy, 1 draining, 5XX unknown)"),
    ((), None, Level.DOWN, "no target registered: the ALB answers 503"),
    (("draining", "unhealthy.draining"), None, Level.DOWN,
     "no target to route to (2 draining): the ALB answers 503"),
])
def test_all_targets_unhealthy_fails_open_and_only_nothing_to_route_to_is_503(
        states, errors, level, reason):
    verdict = judge(targets=targets(*states, errors=errors))
    assert (verdict.level, verdict.reasons[0]) == (level, reason)


def test_draining_is_counted_apart_from_unhealthy():
    snapshot = targets("healthy", "unhealthy.draining", "draining")
    assert (snapshot.draining_count, snapshot.routing.state) == (2, Routing.SERVING)


def test_the_targets_diagnostic_says_fail_open_and_keeps_503_for_nothing_to_route_to():
    from probes.diagnostics.targets import evaluate_targets

    [quiet] = evaluate_targets(targets("unhealthy", "unhealthy", errors=ErrorCounts(0, 0, 10)))
    assert (quiet.severity, quiet.title) == (
        Severity.WARNING, "the ALB fails open: routing to unhealthy targets (0 of 2 healthy)")
    assert ("5XX answers", "no 5XX in 10 min") in quiet.evidence
    assert "routes to all of them (fail-open)" in quiet.cause
    [failing] = evaluate_targets(targets("unhealthy", errors=ErrorCounts(212, 0, 10)))
    assert failing.severity is Severity.CRITICAL and "fails open" in failing.title
    [empty] = evaluate_targets(targets("draining"))
    assert (empty.severity, empty.title) == (
        Severity.CRITICAL, "the ALB answers 503: no target to route to (0 of 1 healthy)")
    assert ("draining", "1") in empty.evidence
