"""Run every diagnostic once, concurrently, each guarded: none can stop the others.

First the probes the diagnostics read are collected once (fresh probe objects sharing the
context's clients, so a running dashboard's probes keep their own state), unless the caller
hands in snapshots it already has. Then every diagnostic runs in its own task under a timeout.
A diagnostic that raises, is denied, or meets an API the endpoint does not implement becomes a
"could not run" finding saying why; the rest report as usual. Last, every "access denied" seen
is summarised in one permissions finding.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from probes.context import AwsContext, current_action
from probes.deployment import Deployment
from probes.diagnostics import access
from probes.diagnostics.inputs import DiagnosticInputs, FetchFailed, ProbeUnavailable
from probes.diagnostics.model import Diagnostic, Finding, Severity, sort_findings
from probes.errors import ErrorKind, ProbeError
from probes.identity import CallerIdentity
from probes.result import ProbeResult, utcnow
from probes.suite import build_probes

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT_S = 20.0
PASSED, FOUND, FAILED, LISTED = "passed", "findings", "could not run", "listed"

# (done, total, what just finished)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Outcome:
    """How one diagnostic went."""

    diagnostic: str
    title: str
    status: str  # PASSED, FOUND, FAILED or LISTED (manual steps only)
    elapsed_s: float
    findings: int = 0
    error: ProbeError | None = None

    def to_dict(self) -> dict[str, object]:
        return {"id": self.diagnostic, "title": self.title, "status": self.status,
                "elapsed_s": round(self.elapsed_s, 3), "findings": self.findings,
                "error": self.error.to_dict() if self.error else None}


@dataclass(frozen=True)
class Report:
    """One run: findings (critical first), how each diagnostic went, and when."""

    findings: tuple[Finding, ...]
    outcomes: tuple[Outcome, ...]
    started_at: datetime
    elapsed_s: float
    probe_errors: Mapping[str, ProbeError] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def worst(self) -> Severity | None:
        return min((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    @property
    def exit_code(self) -> int:
        """2 with a critical finding, 1 with a warning or a diagnostic that could not run,
        else 0: the guide's weekly health check, for cron."""
        if self.count(Severity.CRITICAL):
            return 2
        if self.count(Severity.WARNING) or self.count(Severity.UNAVAILABLE):
            return 1
        return 0


def every_diagnostic() -> tuple[Diagnostic, ...]:
    """The registry's diagnostics, imported when first asked for: a caller that runs two of
    them (the data-path probe, on `status`'s path) does not load the other fifteen."""
    from probes.diagnostics.registry import DIAGNOSTICS

    return DIAGNOSTICS


def probes_read_by(diagnostics: Iterable[Diagnostic]) -> tuple[str, ...]:
    """The probes whose snapshots these diagnostics read, in order."""
    return tuple(dict.fromkeys(p for d in diagnostics for p in d.probes))


async def collect_snapshots(ctx: AwsContext, deployment: Deployment, *,
                            have: Mapping[str, ProbeResult[Any]] | None = None,
                            cost_cache_dir: Path | None = None,
                            diagnostics: Iterable[Diagnostic] | None = None,
                            ) -> dict[str, ProbeResult[Any]]:
    """The snapshots the diagnostics (default: every one) read: those in `have`, plus one
    fresh run of the others."""
    results = dict(have or {})
    wanted = probes_read_by(every_diagnostic() if diagnostics is None else diagnostics)
    missing = [name for name in wanted if name not in results]
    if missing:
        probes = build_probes(ctx, deployment, cost_cache_dir=cost_cache_dir)
        fresh = await asyncio.gather(*(probes[name].run() for name in missing))
        results.update({r.probe: r for r in fresh})
    return results


def unavailable(diagnostic: Diagnostic, error: ProbeError) -> Finding:
    """The "could not run" result of a diagnostic, saying why and what to do."""
    return Finding(
        id=f"{diagnostic.id}.could-not-run", severity=Severity.UNAVAILABLE,
        title=f"Could not run: {diagnostic.title}",
        evidence=tuple((label, value) for label, value in (
            ("error", error.summary()),
            ("detail", "" if error.message in error.summary() else error.message),
            ("AWS action", error.action or "")) if value),
        cause="The check itself failed, so its problems (if any) are not shown.",
        fix=error.fix, guide=diagnostic.guide[0] if diagnostic.guide else "",
        diagnostic=diagnostic.id)


async def _guarded(diagnostic: Diagnostic, inputs: DiagnosticInputs,
                   timeout_s: float) -> tuple[list[Finding], Outcome]:
    started = time.perf_counter()
    current_action.set(None)  # each diagnostic runs in its own task: a context of its own
    error: ProbeError | None = None
    deadline = asyncio.timeout(timeout_s)
    try:
        async with deadline:
            findings = [f if f.diagnostic else _tag(f, diagnostic.id)
                        for f in await diagnostic.check(inputs)]
    except (ProbeUnavailable, FetchFailed) as exc:
        error = exc.error
    except TimeoutError as exc:  # ours, or a connection's own timeout
        error = ProbeError(ErrorKind.UNREACHABLE, f"no answer within {timeout_s:g} s",
                           "re-run; if it persists, check the network and the endpoint",
                           current_action.get()) if deadline.expired() else inputs.classify(exc)
    except Exception as exc:  # any bug or AWS failure: reported, never propagated
        error = inputs.classify(exc)
        if error.kind is ErrorKind.OTHER and error.code != "NotImplemented":
            log.warning("diagnostic %s failed", diagnostic.id, exc_info=exc)
    elapsed = time.perf_counter() - started
    if error is not None:
        return ([unavailable(diagnostic, error)],
                Outcome(diagnostic.id, diagnostic.title, FAILED, elapsed, 1, error))
    status = (FOUND if any(f.severity is not Severity.MANUAL for f in findings)
              else LISTED if findings else PASSED)  # LISTED: manual steps only
    return findings, Outcome(diagnostic.id, diagnostic.title, status, elapsed, len(findings))


def _tag(finding: Finding, diagnostic_id: str) -> Finding:
    return replace(finding, diagnostic=diagnostic_id)


async def run_diagnostics(ctx: AwsContext, deployment: Deployment,
                          identity: CallerIdentity | None = None, *,
                          results: Mapping[str, ProbeResult[Any]] | None = None,
                          diagnostics: Iterable[Diagnostic] | None = None,
                          cost_cache_dir: Path | None = None,
                          timeout_s: float = DEFAULT_TIMEOUT_S,
                          on_progress: Progress | None = None,
                          now: datetime | None = None) -> Report:
    """Every diagnostic once. Never raises for an AWS failure (cancellation passes through)."""
    chosen = tuple(diagnostics if diagnostics is not None else every_diagnostic())
    started_at, started = now or utcnow(), time.perf_counter()
    total, done = len(chosen) + 1, 0

    def progress(label: str) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, total, label)

    snapshots = await collect_snapshots(ctx, deployment, have=results,
                                        cost_cache_dir=cost_cache_dir, diagnostics=chosen)
    progress("probes")
    inputs = DiagnosticInputs(ctx, deployment, identity, snapshots, started_at)

    async def one(diagnostic: Diagnostic) -> tuple[list[Finding], Outcome]:
        outcome = await _guarded(diagnostic, inputs, timeout_s)
        progress(diagnostic.id)
        return outcome

    try:
        ran = await asyncio.gather(*(one(d) for d in chosen))
    finally:
        await inputs.close()
    findings = [f for found, _ in ran for f in found]
    probe_errors = {name: r.error for name, r in snapshots.items() if r.error is not None}
    errors = [*probe_errors.values(), *inputs.notes,
              *(o.error for _, o in ran if o.error is not None)]
    findings += access.permission_findings(errors, identity)
    return Report(sort_findings(findings), tuple(o for _, o in ran), started_at,
                  time.perf_counter() - started, probe_errors)
