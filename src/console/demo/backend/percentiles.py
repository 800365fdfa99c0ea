"""Percentile statistics (``p50``, ``p95``...) in moto's GetMetricData, as CloudWatch has them.

moto 5.2.5 computes SampleCount, Sum, Average, Minimum and Maximum only; a MetricStat asking for
``p95`` makes its GetMetricData answer HTML 500. The metrics probe asks for TargetResponseTime
p50 and p95 (as the ALB's own dashboards do), so the demo teaches moto the percentile of the
raw values of each period (nearest rank, as CloudWatch's for raw values). Internal to moto
5.2.5: `Statistics.get_statistics_for_type(self, stat)` and `.metric_single_values_list`;
tests/demo/test_metric_history.py fails loudly when an upgrade moves them.
"""

from __future__ import annotations

import math
import re
from typing import Any

from moto.cloudwatch.models import Statistics

INTERNALS = (
    "moto.cloudwatch.models: Statistics.get_statistics_for_type(self, stat)",
    "moto.cloudwatch.models: Statistics.metric_single_values_list (list of float)",
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


def install() -> None:
    """Answer ``pNN`` statistics (idempotent)."""
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
