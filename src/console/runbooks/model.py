"""A runbook and its steps, as loaded from TOML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STEP_KINDS = ("check", "action", "manual")
SEVERITIES = ("P0", "P1", "P2")


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    kind: str  # check, action, manual
    text: str = ""
    check: str | None = None  # kind "check": a name in probes.checks.CHECKS
    action: str | None = None  # kind "action": an id in console.actions.ACTIONS
    optional: bool = False  # an action that only applies when an earlier check failed
    when_failed: str | None = None  # suggest this step only when that step's check failed


@dataclass(frozen=True)
class Runbook:
    id: str
    title: str
    severity: str | None  # opens an incident of this severity (None: no incident needed)
    description: str
    steps: tuple[Step, ...]
    source: Path

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)
