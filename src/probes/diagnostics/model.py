"""What a diagnostic says: findings, each with its evidence, cause, fix and where to go next.

A `Finding` is plain frozen data so that the Diagnostics screen, `incident-console check` (table
or JSON) and the tests read the same thing. Strings inside come from AWS and are NOT sanitised
here (this core never renders); whoever shows them sanitises them.

Severity is ordered for display: critical first, then warning, then "could not run" (a
diagnostic that failed says so instead of pretending all is well), then info, then the manual
steps the APIs cannot take for us.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from probes.diagnostics.inputs import DiagnosticInputs


class Severity(StrEnum):
    """How bad a finding is. UNAVAILABLE and MANUAL are results, not judgements."""

    CRITICAL = "critical"
    WARNING = "warning"
    UNAVAILABLE = "could not run"
    INFO = "info"
    MANUAL = "manual"

    @property
    def rank(self) -> int:
        """Sort key: lower is shown first."""
        return _RANK[self]

    @property
    def alarming(self) -> bool:
        """Whether it makes `check` exit non-zero (an incomplete check is not an all-clear)."""
        return self in (Severity.CRITICAL, Severity.WARNING, Severity.UNAVAILABLE)


_RANK = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.UNAVAILABLE: 2,
         Severity.INFO: 3, Severity.MANUAL: 4}

Evidence = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Finding:
    """One thing a diagnostic saw, in words an on-call engineer can act on.

    `id` is stable across runs (``targets.no-healthy``) so cron output and tests can match on
    it; `subject` names the resource when one diagnostic reports several (a task id, a topic).
    `actions` / `runbooks` are the ids of the actions and runbooks that apply, first the most
    useful; `action_args` is what the action needs to know (cluster, service, a task ARN...).
    """

    id: str
    severity: Severity
    title: str
    evidence: Evidence = ()
    cause: str = ""
    fix: str = ""
    guide: str = ""
    actions: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()
    subject: str = ""
    action_args: tuple[tuple[str, str], ...] = ()
    diagnostic: str = ""

    @property
    def key(self) -> str:
        """Unique within one report (an id can repeat for several subjects)."""
        return f"{self.id}|{self.subject}" if self.subject else self.id

    @property
    def refs(self) -> tuple[str, ...]:
        """``action:force-new-deployment``, ``runbook:p0-service-down`` ..."""
        return (tuple(f"action:{a}" for a in self.actions)
                + tuple(f"runbook:{r}" for r in self.runbooks))

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `check --json`."""
        return {
            "id": self.id,
            "severity": self.severity.value,
            "title": self.title,
            "subject": self.subject,
            "evidence": [{"label": label, "value": value} for label, value in self.evidence],
            "cause": self.cause,
            "fix": self.fix,
            "guide": self.guide,
            "actions": list(self.actions),
            "runbooks": list(self.runbooks),
            "refs": list(self.refs),
            "action_args": dict(self.action_args),
            "diagnostic": self.diagnostic,
        }


def evidence(*pairs: tuple[str, object]) -> Evidence:
    """Evidence from (label, value) pairs; values become text, None becomes "-"."""
    return tuple((label, "-" if value is None else str(value)) for label, value in pairs)


def args(**values: str | None) -> tuple[tuple[str, str], ...]:
    """Action arguments without the ones not known."""
    return tuple((k, v) for k, v in values.items() if v)


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Critical first; within a severity, in the registry's order (stable sort)."""
    return tuple(sorted(findings, key=lambda f: f.severity.rank))


Check = Callable[["DiagnosticInputs"], Awaitable[list[Finding]]]


@dataclass(frozen=True)
class Diagnostic:
    """One registered check: fetch what it needs (async) and evaluate it (pure).

    `guide` names the troubleshooting-guide entries it covers; `probes` the probe snapshots it
    reads (the runner collects them once for every diagnostic).
    """

    id: str
    title: str
    guide: tuple[str, ...]
    check: Check
    probes: tuple[str, ...] = field(default=())
