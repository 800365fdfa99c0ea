"""Which runbook fits what the console sees, and at what severity to open its incident.

Pure: the latest snapshots in, an ordered list of (runbook id, why) out. The verdict (DOWN,
DEGRADED, OK) and what each probe holds decide; the first entry is the recommendation the
picker puts first. The severity follows the evidence, not the runbook's title: DOWN is P0,
DEGRADED P1, anything else P2 (the operator can change it before starting).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from probes.diagnostics import guide
from probes.verdict import Level, Verdict, judge

_SERVING_ROLLBACKS = ("UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED",
                      "UPDATE_ROLLBACK_IN_PROGRESS")
_NOT_SERVING = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_COMPLETE",
                "DELETE_FAILED")
SEVERITY_FOR_LEVEL = {Level.DOWN: "P0", Level.DEGRADED: "P1"}


@dataclass(frozen=True)
class Recommendation:
    runbook_id: str
    reason: str


def verdict_of(snapshots: Mapping[str, Any]) -> Verdict:
    return judge(stack=snapshots.get("stack"), service=snapshots.get("ecs"),
                 targets=snapshots.get("targets"), alarms=snapshots.get("alarms"))


def evidence_severity(verdict: Verdict) -> str:
    """P0 when users are not served, P1 when degraded, P2 otherwise (a failed stack update
    alone degrades nothing users see: the stack serves the previous template)."""
    if verdict.level is Level.DEGRADED and all(r.startswith("stack ") for r in verdict.reasons):
        return "P2"
    return SEVERITY_FOR_LEVEL.get(verdict.level, "P2")


def recommend(snapshots: Mapping[str, Any]) -> list[Recommendation]:
    """Runbooks that fit, best first, each with the evidence that makes it fit."""
    verdict = verdict_of(snapshots)
    found: list[Recommendation] = []
    stack = snapshots.get("stack")
    if verdict.level is Level.DOWN:
        found.append(Recommendation(guide.P0_SERVICE_DOWN, f"the service is DOWN: "
                                    f"{verdict.reasons[0]}"))
    if stack is not None and stack.status in _NOT_SERVING:
        found.append(Recommendation(guide.STACK_RECOVERY, f"stack {stack.status}: it no "
                                    "longer serves"))
    if stack is not None and stack.status in _SERVING_ROLLBACKS:
        found.append(Recommendation(guide.STACK_UPDATE_ROLLBACK, f"stack {stack.status}: the "
                                    "latest update failed; the stack serves the previous "
                                    "template"))
    if verdict.level is Level.DEGRADED and not found:
        found.append(Recommendation(guide.P1_DEGRADED, f"the service is DEGRADED: "
                                    f"{verdict.reasons[0]}"))
    costs = snapshots.get("costs")
    over = [b for b in getattr(costs, "budgets", ()) if b.exceeded]
    if over:
        found.append(Recommendation(guide.P2_COST, f"budget {over[0].name} exceeded"))
    if not found and verdict.level is Level.OK:
        found.append(Recommendation(guide.WEEKLY_HEALTH_CHECK, "all is OK: a routine check"))
    return found
