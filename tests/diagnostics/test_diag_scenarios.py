"""Each demo scenario yields exactly its expected warnings and criticals, with evidence that
names what the scenario broke; `healthy` yields nothing above info.

Every scenario is built and diagnosed once for the module, in one event loop with one AWS
context (as a long-running console would hold it), with ten minutes of its log lines written.
"""

from __future__ import annotations

import asyncio

import pytest
from tests.diagnostics.findings import alarming_ids, evidence_text, only

from console.demo import names as n
from console.demo.harness import open_scenario
from probes.context import AwsContext, AwsSettings
from probes.deployment import discover
from probes.diagnostics import Report, Severity, run_diagnostics
from probes.diagnostics import guide as g
from probes.identity import IdentityProbe

EXPECTED: dict[str, set[str]] = {
    "healthy": set(),
    "p0-outage": {"targets.no-healthy", "ecs.no-running-tasks", "ecs.health-check-kills",
                  "memory.oom-kills", "cloudfront.origin-unhealthy", "ecs.service-events",
                  "performance.cpu-high", "alarms.firing"},
    "p1-degraded": {"performance.response-time-high", "alarms.firing"},
    "stack-rollback": {"stack.update-rolled-back"},
    "cost-overrun": {"costs.budget-exceeded", "costs.nat-gateway"},
    "backup-failure": {"backups.database-url-invalid", "backups.stale", "backups.failing"},
}
EXIT_CODES = {"healthy": 0, "p0-outage": 2, "p1-degraded": 1, "stack-rollback": 1,
              "cost-overrun": 1, "backup-failure": 2}




@pytest.fixture(scope="module")
def reports(emulator) -> dict[str, Report]:
    async def diagnose_all() -> dict[str, Report]:
        found: dict[str, Report] = {}
        settings = AwsSettings(region=n.REGION, endpoint_url=emulator.endpoint_url,
                               static_credentials=n.CREDENTIALS, max_attempts=1)
        async with AwsContext(settings) as ctx:
            identity = (await IdentityProbe(ctx).run()).data
            for name in EXPECTED:
                handle = open_scenario(emulator, name)
                handle.traffic().backfill()
                found[name] = await run_diagnostics(ctx, await discover(ctx), identity)
                handle.close()
        return found

    return asyncio.run(diagnose_all())


@pytest.mark.parametrize("name", list(EXPECTED))
def test_scenario_yields_exactly_its_findings(reports, name):
    report = reports[name]
    assert alarming_ids(report) == EXPECTED[name]
    assert report.exit_code == EXIT_CODES[name]
    assert not [o for o in report.outcomes if o.status == "could not run"]
    ranks = [f.severity.rank for f in report.findings]
    assert ranks == sorted(ranks), "critical first, manual steps last"


def test_healthy_reports_facts_and_manual_steps_only(reports):
    report = reports["healthy"]
    assert {f.severity for f in report.findings} <= {Severity.INFO, Severity.MANUAL}
    ids = {f.id for f in report.findings}
    assert {"credentials.identity", "costs.top-drivers", "recovery.restore-point"} <= ids
    assert {"manual.template-validation", "manual.dns-propagation",
            "manual.ssl-handshake"} <= ids
    assert "children-drawing.example.com" in only(report, "manual.ssl-handshake").fix


def test_p0_outage_names_the_503_the_oom_kills_and_what_to_do(reports):
    report = reports["p0-outage"]
    no_healthy = only(report, "targets.no-healthy")
    assert no_healthy.severity is Severity.CRITICAL
    assert "Target.ResponseCodeMismatch" in evidence_text(no_healthy)
    assert no_healthy.actions == (g.FORCE_NEW_DEPLOYMENT,)
    assert no_healthy.runbooks == (g.P0_SERVICE_DOWN,)
    assert dict(no_healthy.action_args)["service"] == "children-drawing-prod-service"
    oom = only(report, "memory.oom-kills")
    assert oom.severity is Severity.CRITICAL and oom.actions == (g.SCALE_TASK_SIZE,)
    text = evidence_text(oom)
    assert "exit 137" in text and "512 MiB" in text and "OutOfMemoryError lines: 50+" in text
    service = only(report, "ecs.no-running-tasks")
    assert ("running", "0") in service.evidence and ("desired", "2") in service.evidence
    # The cause is read from the newest stopped task's own reason, not assumed.
    assert service.cause.startswith("The newest stopped task: ")
    assert "Tasks stop as soon as they start or cannot be placed" not in service.cause
    assert report.findings[0].severity is Severity.CRITICAL


def test_p1_degraded_explains_slowness_with_cpu(reports):
    report = reports["p1-degraded"]
    slow = only(report, "performance.response-time-high")
    assert "CPU is saturated" in slow.cause
    assert g.SCALE_TASK_SIZE in slow.actions and slow.runbooks == (g.P1_DEGRADED,)
    assert "threshold 2 s" in evidence_text(slow)  # the deployment's own alarm threshold


def test_stack_rollback_names_the_failing_resource_and_reason(reports):
    report = reports["stack-rollback"]
    rolled = only(report, "stack.update-rolled-back")
    text = evidence_text(rolled)
    assert "UPDATE_ROLLBACK_COMPLETE" in text
    assert "root cause: Service:" in text and "UpdateService error" in text
    assert rolled.guide == g.STACK_ROLLBACK and rolled.runbooks == (g.STACK_UPDATE_ROLLBACK,)
    assert "container 'app'" in rolled.cause and "VPC" not in rolled.cause
    # Nobody is sent to a rebuild while the stack serves: no finding points at one.
    assert not [f.id for f in report.findings
                if g.REBUILD_STACK in f.actions or g.STACK_RECOVERY in f.runbooks]


def test_cost_overrun_points_at_the_nat_gateway(reports):
    report = reports["cost-overrun"]
    nat = only(report, "costs.nat-gateway")
    assert nat.severity is Severity.WARNING  # over budget: the NAT gateway is in question
    assert dict(nat.action_args)["nat_gateway_id"].startswith("nat-")
    budget = only(report, "costs.budget-exceeded")
    assert "EC2 - Other" in evidence_text(budget) and "/day" in evidence_text(budget)
    assert g.DELETE_NAT_GATEWAY in budget.actions and budget.runbooks == (g.P2_COST,)


def test_backup_failure_shows_the_bad_url_and_the_stale_backup(reports):
    report = reports["backup-failure"]
    url = only(report, "backups.database-url-invalid")
    assert ("DATABASE_URL", "sqlite:/data/app.db") in url.evidence
    stale = only(report, "backups.stale")
    assert int(stale.title.split(" is ")[1].split(" h")[0]) > 24
    assert "SQLite backup to S3 failed" in evidence_text(only(report, "backups.failing"))
