"""The registry covers the whole guide, points only to known actions and runbooks, and stays
UI-free."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from probes.deployment import Deployment
from probes.diagnostics import guide as g
from probes.diagnostics.manual import manual_findings
from probes.diagnostics.registry import BY_ID, DIAGNOSTICS

GUIDE = Path(__file__).resolve().parents[3] / "shared" / "reference" / \
    "troubleshooting-guide.md"
ACTIONS = {v for k, v in vars(g).items() if k.isupper() and isinstance(v, str) and v in {
    "force-new-deployment", "set-desired-count", "scale-task-size", "rollback-task-definition",
    "stop-task", "invalidate-cloudfront", "rotate-admin-secret", "publish-test-notification",
    "publish-test-metric", "set-alarm-state", "apply-s3-lifecycle", "backup-buckets",
    "restore-database", "delete-nat-gateway", "rebuild-stack", "prepare-support-case"}}
RUNBOOKS = {"p0-service-down", "p1-degraded-performance", "p0-security-breach",
            "p2-cost-exceeded", "complete-stack-recovery", "database-recovery",
            "weekly-health-check", "stack-update-rollback"}


def manual_steps():
    d = Deployment.by_convention("children-drawing-prod", "eu-west-1")
    return manual_findings(stack=d.stack, region=d.region, cluster=d.cluster, domain=None,
                           alb_dns=None, distribution_id="E1", distribution_domain=None,
                           buckets=(), log_group=None)


@pytest.mark.skipif(not GUIDE.exists(), reason="the shared guide is not beside the project")
def test_every_guide_issue_has_a_diagnostic_or_a_manual_step():
    issues = re.findall(r"^#### Issue: (.+?)\s*$", GUIDE.read_text(), re.MULTILINE)
    assert tuple(issues) == g.ISSUES
    covered = {entry for d in DIAGNOSTICS for entry in d.guide}
    covered |= {f.guide for f in manual_steps()}
    assert set(issues) <= covered


def test_ids_are_unique_and_refs_are_known():
    assert len(BY_ID) == len(DIAGNOSTICS)
    assert len(ACTIONS) == 16
    for finding in manual_steps():
        assert set(finding.actions) <= ACTIONS and set(finding.runbooks) <= RUNBOOKS


def test_every_ref_in_the_diagnostics_source_is_a_known_action_or_runbook():
    source = "\n".join(p.read_text() for p in
                       Path(g.__file__).parent.glob("*.py") if p.name != "guide.py")
    used = set(re.findall(r"guide\.([A-Z_0-9]+)", source))
    values = {getattr(g, name) for name in used}
    entries = set(g.ISSUES) | {g.HEALTH_CHECK_SCRIPT, g.ESCALATION, g.METRICS_NAMESPACE}
    assert values <= ACTIONS | RUNBOOKS | entries


def test_diagnostics_never_import_textual_or_rich():
    out = subprocess.run(
        [sys.executable, "-c", "import probes.diagnostics.registry, probes.diagnostics.runner\n"
         "import sys\nprint('\\n'.join(sys.modules))"],
        check=True, capture_output=True, text=True).stdout
    roots = {m.split(".")[0] for m in out.split()}
    assert not roots & {"textual", "rich", "moto"}
