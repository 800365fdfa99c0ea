"""Helpers to read findings in assertions."""

from __future__ import annotations

from probes.diagnostics import Report


def alarming_ids(report: Report) -> set[str]:
    """Ids of the findings that make `check` exit non-zero."""
    return {f.id for f in report.findings if f.severity.alarming}


def only(report: Report, finding_id: str):
    matches = [f for f in report.findings if f.id == finding_id]
    assert len(matches) == 1, f"{finding_id}: {[f.key for f in report.findings]}"
    return matches[0]


def evidence_text(finding) -> str:
    return "\n".join(f"{label}: {value}" for label, value in finding.evidence)
