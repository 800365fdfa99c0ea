"""The data path, checked every few minutes: database backups (DATABASE_URL, the newest backup's
age) and the TLS certificates, so that the verdict knows what the guide escalates as P2 without
the operator opening the diagnostics.

It runs the `backups` and `certificates` diagnostics (the same code as `d` and `check`) on
fresh reads of only the probes they need. Its snapshot keeps the findings that escalate and one
short reason for each, in words.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from probes.context import AwsContext
from probes.deployment import Deployment
from probes.ecs import parse_service
from probes.errors import ErrorKind, ProbeError
from probes.result import Probe, ProbeResult, utcnow

if TYPE_CHECKING:
    from probes.diagnostics.model import Finding

DIAGNOSTIC_IDS = ("backups", "certificates")
# Warnings the guide still escalates (P2); every critical finding of these diagnostics does too.
ESCALATING_WARNINGS = ("backups.stale", "certificate.expiring")
SHORT_REASONS = {
    "backups.database-url-invalid": "DATABASE_URL invalid: backups fail",
    "backups.in-memory-database": "database in memory: nothing backed up",
    "backups.bucket-missing": "backups bucket missing",
    "backups.none": "no database backup",
}


@dataclass(frozen=True)
class DataPathConcern:
    """One finding the guide escalates: its id, how bad, and the reason in a few words."""

    finding_id: str
    severity: str  # "critical" or "warning"
    reason: str


@dataclass(frozen=True)
class DataPathSnapshot:
    checked_at: datetime
    concerns: tuple[DataPathConcern, ...]
    not_run: tuple[str, ...] = ()  # diagnostics that could not run, with why

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(c.reason for c in self.concerns)


def short_reason(finding: Finding) -> str:
    """``The newest database backup is 80 h old`` -> ``newest database backup is 80 h old``."""
    if finding.id in SHORT_REASONS:
        return SHORT_REASONS[finding.id]
    title = finding.title.removeprefix("The ")
    return title[:1].lower() + title[1:] if title[:2] != title[:2].upper() else title


def concerns_of(findings: tuple[Finding, ...] | list[Finding]) -> tuple[DataPathConcern, ...]:
    """The findings that escalate (critical, or one of `ESCALATING_WARNINGS`), worst first."""
    chosen = [f for f in findings if f.severity.value == "critical"
              or (f.severity.value == "warning" and f.id in ESCALATING_WARNINGS)]
    chosen.sort(key=lambda f: f.severity.rank)
    return tuple(DataPathConcern(f.id, f.severity.value, short_reason(f)) for f in chosen)


class DataPathProbe(Probe[DataPathSnapshot]):
    """Backups and certificates, every five minutes (each run is a handful of reads)."""

    name = "datapath"
    interval_s = 300.0

    def __init__(self, ctx: AwsContext, deployment: Deployment, *,
                 interval_s: float | None = None):
        super().__init__(ctx, interval_s=interval_s)
        self.deployment = deployment

    async def collect(self) -> DataPathSnapshot:
        from probes.diagnostics.runner import FAILED

        # The backups check reads only the service's current task definition: one
        # DescribeServices, not the whole ECS probe (this runs beside the dashboard's probes).
        # The checks do not wait for it: they start on the task definition last seen
        # (discovery's at first), and run again only when the service has moved to another
        # one since; the next runs start on that one.
        service = asyncio.create_task(self._service())
        try:
            expected = self.deployment.task_definition
            report = await self._checks(None if expected else await service)
            current = await service
            if expected and current.ok and current.data.task_definition != expected:
                self.deployment = replace(self.deployment,
                                          task_definition=current.data.task_definition)
                report = await self._checks(current)
        finally:
            service.cancel()
        not_run = tuple(f"{o.title}: {o.error.summary() if o.error else 'failed'}"
                        for o in report.outcomes if o.status == FAILED)
        return DataPathSnapshot(report.started_at, concerns_of(report.findings), not_run)

    async def _checks(self, service: ProbeResult[Any] | None) -> Any:
        """The two diagnostics' report, given the service as read (None: discovery's)."""
        # Imported here: the diagnostics import the probe suite, which builds this probe.
        # Only these two (not the registry's seventeen): this runs on `status`'s path.
        from probes.diagnostics import backups, certificates
        from probes.diagnostics.runner import probes_read_by, run_diagnostics

        by_id = {d.id: d for d in (*backups.DIAGNOSTICS, *certificates.DIAGNOSTICS)}
        chosen = tuple(by_id[i] for i in DIAGNOSTIC_IDS)
        results: dict[str, ProbeResult[Any]] = {"ecs": service or _not_read("ecs")[1]}
        results.update(_not_read(name) for name in probes_read_by(chosen)
                       if name not in results)
        return await run_diagnostics(self.ctx, self.deployment, results=results,
                                     diagnostics=chosen)

    async def _service(self) -> ProbeResult[Any]:
        started = utcnow()
        ecs = await self.ctx.client("ecs")
        try:
            described = await ecs.describe_services(cluster=self.deployment.cluster,
                                                    services=[self.deployment.service])
        except Exception:  # noqa: BLE001 - the ECS pane reports it; discovery's revision does
            described = {}
        services = described.get("services", [])
        if not services:  # the backups check falls back to discovery's task definition
            return _not_read("ecs")[1]
        return ProbeResult("ecs", started, 0.0,
                           data=parse_service(services[0], self.deployment.cluster, ()))


def _not_read(name: str) -> tuple[str, ProbeResult[Any]]:
    """A placeholder for a probe these diagnostics do not read (the runner reads none)."""
    return name, ProbeResult(name, utcnow(), 0.0, error=ProbeError(
        ErrorKind.OTHER, f"the {name} probe is not read by the data-path check", ""))

