"""The `metrics` key of `status --json`: per signal, the latest value and the 3-hour series.

Shape (times ISO 8601 UTC; a minute CloudWatch had no datapoint for is absent, not 0)::

    "metrics": {"start": "...", "end": "...", "period_s": 60, "error": null, "notes": [],
                "signals": {"alb_elb_5xx": {"label": "ELB 5xx", "unit": "count",
                                            "latest": {"at": "...", "value": 86.0},
                                            "series": [["2026-11-28T17:01:00+00:00", 0.0], ...]}}}

When the probe failed, `error` holds what AWS said (kind, message, fix, action) and `signals`
is empty: no series is invented.
"""

from __future__ import annotations

from typing import Any

from probes.metric_series import MetricsSnapshot
from probes.result import ProbeResult


def metrics_json(result: ProbeResult[MetricsSnapshot]) -> dict[str, Any]:
    snapshot = result.data if result.ok else None
    out: dict[str, Any] = {
        "start": snapshot.start.isoformat() if snapshot else None,
        "end": snapshot.end.isoformat() if snapshot else None,
        "period_s": snapshot.period_s if snapshot else None,
        "fetched_at": result.fetched_at.isoformat(),
        "error": result.error.to_dict() if result.error is not None else None,
        "notes": list(snapshot.notes) if snapshot else [],
        "signals": {},
    }
    for series in snapshot.series if snapshot else ():
        latest = series.latest
        out["signals"][series.signal] = {
            "label": series.label, "unit": series.unit,
            "latest": {"at": latest.at.isoformat(), "value": latest.value} if latest else None,
            "series": [[p.at.isoformat(), p.value] for p in series.points],
        }
    return out
