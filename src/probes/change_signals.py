"""Target health transitions for the changes timeline, from CloudWatch's record of the target
group: HealthyHostCount (Minimum) and UnHealthyHostCount (Maximum) per minute.

The running console sees target transitions itself (DescribeTargetHealth between two polls);
the one-shot `changes` command was not watching, so it reads what CloudWatch kept instead: the
same two signals the metrics probe charts (`probes.metric_signals`, config overrides honoured),
asked through the metrics probe in one GetMetricData. A transition is a minute whose count
differs from the last minute that had a datapoint: a minute without a datapoint is a gap, not a
change. Every entry says where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from probes.change_entry import ChangeEntry
from probes.context import AwsContext
from probes.deployment import Deployment
from probes.metric_series import MetricsSnapshot
from probes.metric_signals import SignalPlan, apply_overrides, default_signals
from probes.metrics import MetricsProbe, window_end

HOST_SIGNALS = ("tg_healthy", "tg_unhealthy")
SOURCE = "CloudWatch GetMetricData: AWS/ApplicationELB HealthyHostCount (Minimum), " \
         "UnHealthyHostCount (Maximum)"
ONE_MINUTE_RETENTION = timedelta(days=15)  # CloudWatch keeps 1-minute datapoints 15 days


def _count(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if value == int(value) else f"{value:g}"


def period_for(since: datetime, until: datetime) -> int:
    """1 minute while CloudWatch still holds 1-minute data for the whole window, else 5 (a
    GetMetricData older than 15 days must ask for a multiple of 300 s)."""
    return 60 if until - since <= ONE_MINUTE_RETENTION else 300


def host_count_entries(snapshot: MetricsSnapshot, target_group: str) -> list[ChangeEntry]:
    """One `target-health` entry per minute where either count changed, oldest first."""
    series = {s: snapshot.get(s) for s in HOST_SIGNALS}
    values = {s: {p.at: p.value for p in found.points} if found else {}
              for s, found in series.items()}
    last: dict[str, float | None] = dict.fromkeys(HOST_SIGNALS)
    found: list[ChangeEntry] = []
    for at in sorted({at for by_minute in values.values() for at in by_minute}):
        now = {s: values[s].get(at, last[s]) for s in HOST_SIGNALS}
        changed = [s for s in HOST_SIGNALS
                   if last[s] is not None and now[s] is not None and now[s] != last[s]]
        if changed:
            parts = {s: f"{_count(last[s])} -> {_count(now[s])}" if s in changed
                     else _count(now[s]) for s in HOST_SIGNALS}
            summary = (f"healthy hosts {parts['tg_healthy']}, "
                       f"unhealthy hosts {parts['tg_unhealthy']}")
            found.append(ChangeEntry(
                at, "target-health", target_group, summary,
                (("target group", target_group), ("healthy hosts", parts["tg_healthy"]),
                 ("unhealthy hosts", parts["tg_unhealthy"]),
                 ("period", f"{snapshot.period_s // 60} min"), ("source", SOURCE))))
        last = now
    return found


async def read_target_health(ctx: AwsContext, deployment: Deployment,
                             overrides: Mapping[str, Any] | None, since: datetime,
                             until: datetime) -> tuple[list[ChangeEntry], str]:
    """(entries, note): the host counts between `since` and `until` in one GetMetricData. The
    note says why nothing was read (no target group discovered or configured)."""
    plan = apply_overrides(default_signals(deployment), overrides)
    signals = tuple(s for s in plan.signals if s.id in HOST_SIGNALS)
    if not signals:
        return [], "no target group discovered: target health not read from CloudWatch"
    period = period_for(since, until)
    # Aligned to the period, as the metrics probe asks (CloudWatch buckets from StartTime).
    start = datetime.fromtimestamp(since.timestamp() // period * period, UTC)
    probe = MetricsProbe(ctx, SignalPlan(signals))
    snapshot = await probe.collect_window(start, window_end(until), period)
    target_group = next((v for s in signals for k, v in s.dimensions if k == "TargetGroup"),
                        signals[0].label)
    return [e for e in host_count_entries(snapshot, target_group) if since <= e.at], ""
