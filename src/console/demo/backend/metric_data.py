"""GetMetricData in moto as the metrics probe needs it: percentiles, and at a usable speed.

- Percentiles: moto 5.2.5 computes SampleCount, Sum, Average, Minimum and Maximum only; a
  MetricStat asking for ``p95`` makes its GetMetricData answer HTML 500. The metrics probe asks
  for TargetResponseTime p50 and p95 (as the ALB's own dashboards do), so the demo teaches moto
  the percentile of the raw values of each period (nearest rank).
- Speed: moto scans every datapoint of the window once per query and per period (12 signals x
  181 minutes x ~4,000 datapoints: ~0.4 s a request, over the tests' 0.5 s read timeout on a
  busy machine). For MetricStat-only requests the datapoints are grouped once by metric and
  bucketed by period, with moto's own `Statistics` computing each value: the same answer.
  Requests with expressions go to moto's own code.

Internal to moto 5.2.5 (see INTERNALS); tests/demo/test_metric_history.py fails loudly when an
upgrade moves them.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend, Dimension, Statistics

INTERNALS = (
    "moto.cloudwatch.models: Statistics.get_statistics_for_type(self, stat)",
    "moto.cloudwatch.models: Statistics.metric_single_values_list (list of float)",
    "moto.cloudwatch.models: CloudWatchBackend.get_metric_data(self, queries, start_time, "
    "end_time, scan_by)",
    "moto.cloudwatch.models: CloudWatchBackend.get_all_metrics() (.namespace, .name, "
    ".dimensions, .unit, .timestamp)",
)
_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d+)?|100)$")
_PATCH_MARK = "_incident_console_demo_patch"


def percentile(values: list[float], rank: float) -> float | None:
    """Nearest-rank percentile of `values` (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, math.ceil(rank / 100.0 * len(ordered)) - 1)
    return ordered[min(index, len(ordered) - 1)]


def _key(namespace: str, name: str, dimensions: list[Any]) -> tuple[Any, ...]:
    return (namespace, name, tuple((d.name, d.value) for d in sorted(dimensions)))


def fast_metric_data(backend: Any, queries: list[dict[str, Any]], start_time: datetime,
                     end_time: datetime, scan_by: str = "TimestampAscending",
                     ) -> list[dict[str, Any]]:
    """moto's MetricStat answer, computed from datapoints grouped by metric and period."""
    start_time, end_time = start_time.replace(microsecond=0), end_time.replace(microsecond=0)
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for datum in backend.get_all_metrics():
        if start_time <= datum.timestamp < end_time:
            groups.setdefault(_key(datum.namespace, datum.name, datum.dimensions),
                              []).append(datum)
    results = []
    for query in queries:
        stat_query = query["MetricStat"]
        metric = stat_query["Metric"]
        delta = timedelta(seconds=int(stat_query["Period"]))
        dims = [Dimension(d["Name"], d["Value"]) for d in metric.get("Dimensions", [])]
        data = groups.get(_key(metric["Namespace"], metric["MetricName"], dims), [])
        unit = stat_query.get("Unit")
        buckets: dict[int, list[Any]] = {}
        for datum in data:
            if not unit or datum.unit == unit:
                buckets.setdefault(int((datum.timestamp - start_time) / delta), []).append(datum)
        values, timestamps = [], []
        for index in sorted(buckets):
            stats = Statistics([stat_query["Stat"]], start_time + delta * index)
            stats.metric_data = buckets[index]
            values.append(stats.get_statistics_for_type(stat_query["Stat"]))
            timestamps.append(stats.timestamp)
        if scan_by == "TimestampDescending":
            values.reverse()
            timestamps.reverse()
        if query.get("ReturnData", True):
            results.append({"id": query["Id"], "status_code": "Complete",
                            "label": query.get("Label") or
                            f"{metric['MetricName']} {stat_query['Stat']}",
                            "values": values, "timestamps": timestamps})
    return results


def install() -> None:
    """Answer ``pNN`` statistics, and MetricStat requests quickly (idempotent)."""
    original_data = CloudWatchBackend.get_metric_data
    if not getattr(original_data, _PATCH_MARK, False):
        def get_metric_data(self: Any, queries: list[dict[str, Any]], start_time: datetime,
                            end_time: datetime, scan_by: str = "TimestampAscending") -> Any:
            if not queries or any("MetricStat" not in q for q in queries) or \
                    start_time >= end_time:
                return original_data(self, queries, start_time, end_time, scan_by)
            return fast_metric_data(self, queries, start_time, end_time, scan_by)

        setattr(get_metric_data, _PATCH_MARK, True)
        get_metric_data.__wrapped__ = original_data  # type: ignore[attr-defined]
        CloudWatchBackend.get_metric_data = get_metric_data  # type: ignore[method-assign]
    original = Statistics.get_statistics_for_type
    if getattr(original, _PATCH_MARK, False):
        return

    def get_statistics_for_type(self: Any, stat: str) -> Any:
        match = _PERCENTILE.match(stat)
        if match is None:
            return original(self, stat)
        return percentile(list(self.metric_single_values_list), float(match.group(1)))

    setattr(get_statistics_for_type, _PATCH_MARK, True)
    get_statistics_for_type.__wrapped__ = original  # type: ignore[attr-defined]
    Statistics.get_statistics_for_type = get_statistics_for_type  # type: ignore[method-assign]
