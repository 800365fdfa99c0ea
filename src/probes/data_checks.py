"""Runbook checks that read AWS themselves: log lines counted over a stated window, and the
service's CPU, memory and response time from one GetMetricData call.

A log check says how many lines matched what, in which group, over how long ("0 ERROR, 37
slow request, 9 slow query lines in the last 15 min"), never "no error in the lines that
happened to be on screen". UI-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from probes.context import AwsContext
from probes.deployment import Deployment
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.log_search import search
from probes.diagnostics.metrics import WINDOW as METRICS_WINDOW
from probes.diagnostics.metrics import service_metrics, thresholds

LOG_WINDOW = timedelta(minutes=15)
# (label, CloudWatch Logs filter pattern): what a degraded or failing app writes.
LOG_TERMS: tuple[tuple[str, str], ...] = (
    ("ERROR", "ERROR"), ("Traceback", "Traceback"), ("OutOfMemoryError", "OutOfMemoryError"),
    ("slow request", '"slow request"'), ("slow query", '"slow query"'),
)


@dataclass(frozen=True)
class CheckData:
    """What a data check may read: AWS, the deployment, the latest snapshots, the time."""

    ctx: AwsContext
    deployment: Deployment
    snapshots: dict[str, Any]
    now: datetime | None = None

    def inputs(self) -> DiagnosticInputs:
        return DiagnosticInputs(self.ctx, self.deployment, None, {},
                                self.now or datetime.now(UTC))


async def logs_window(data: CheckData) -> tuple[bool | None, str, tuple[tuple[str, str], ...]]:
    """Matching lines per term over `LOG_WINDOW` in the service's first log group."""
    groups = data.deployment.log_groups
    if not groups:
        return None, "could not check: the deployment has no log group", ()
    inputs, group = data.inputs(), groups[0]
    minutes = int(LOG_WINDOW.total_seconds() // 60)
    counts, evidence = [], []
    for label, pattern in LOG_TERMS:
        found = await search(inputs, group, pattern, LOG_WINDOW)
        number = f"{found.count}{'+' if found.capped else ''}"
        counts.append((label, found.count, number))
        evidence.append((label, f"{number} line(s) in the last {minutes} min"))
        if found.newest:
            evidence.append((f"newest {label}", found.newest[:300]))
    matched = [(label, number) for label, count, number in counts if count]
    where = f"in the last {minutes} min of {group}"
    if matched:
        said = ", ".join(f"{number} {label}" for label, number in matched)
        return False, f"{said} line(s) {where}", tuple(evidence)
    terms = ", ".join(label for label, _ in LOG_TERMS)
    return True, f"0 matching lines ({terms}) {where}", tuple(evidence)


async def utilisation(data: CheckData) -> tuple[bool | None, str, tuple[tuple[str, str], ...]]:
    """CPU, memory and response time against the deployment's own alarm thresholds."""
    metrics = await service_metrics(data.inputs())
    limits = thresholds(data.snapshots.get("alarms"))
    minutes = int(METRICS_WINDOW.total_seconds() // 60)
    rows = ((metrics.cpu, "CPU", "%", "CPUUtilization", 1),
            (metrics.memory, "memory", "%", "MemoryUtilization", 1),
            (metrics.response_time, "response time", " s", "TargetResponseTime", 2))
    evidence, over, said = [], [], []
    for series, label, unit, metric, digits in rows:
        limit = limits[metric]
        evidence.append((f"{label} (threshold {limit:g}{unit.strip()})",
                         series.describe(unit.strip(), digits)))
        if series.mean is None:
            continue
        said.append(f"{label} mean {series.mean:.{digits}f}{unit}, peak "
                    f"{series.peak:.{digits}f}{unit}")
        if series.mean > limit:
            over.append(label)
    if not said:
        return None, f"no datapoints in the last {minutes} min", tuple(evidence)
    summary = "; ".join(said) + f" (last {minutes} min)"
    if over:
        return False, f"over threshold: {', '.join(over)}: {summary}", tuple(evidence)
    return True, summary, tuple(evidence)


FETCHES = {"logs-window": logs_window, "utilisation": utilisation}
