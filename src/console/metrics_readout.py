"""What the Metrics & Changes screen's cursor reads: every signal's value at a moment, and
the changes at that moment. Plain functions of the snapshot and the entries (no widgets).

"At a moment" is the cursor's minute: a signal's value is the datapoint of that minute, or
"—" when CloudWatch had none (no value is carried over or invented); the changes are the ones
within the cursor's step of it, the nearest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from console.changes_text import shown_resource
from console.sanitize import clean
from console.widgets.metric_chart import KIND_LETTERS, MARKED_KINDS
from probes.change_entry import ChangeEntry
from probes.metric_series import MetricSeries, MetricsSnapshot


def value_at(series: MetricSeries, at: datetime, period_s: int = 60) -> float | None:
    """The datapoint whose period holds `at`, or None."""
    for point in reversed(series.points):
        if point.at <= at < point.at + timedelta(seconds=period_s):
            return point.value
        if point.at < at - timedelta(seconds=period_s):
            return None
    return None


def newest_with_data(snapshot: MetricsSnapshot) -> datetime | None:
    """The newest minute at which any signal has a datapoint (CloudWatch publishes a minute
    late: the window's last minute is often still empty), or None when nothing has data."""
    latest = [s.points[-1].at for s in snapshot.series if s.points]
    return max(latest) if latest else None


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "%":
        return f"{value:.1f} %"
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def changes_near(entries: Sequence[ChangeEntry], at: datetime,
                 within: timedelta) -> list[ChangeEntry]:
    """The entries within `within` of `at`, the nearest first."""
    near = [e for e in entries if abs(e.at - at) <= within]
    return sorted(near, key=lambda e: abs(e.at - at))


def readout_lines(snapshot: MetricsSnapshot, at: datetime, entries: Sequence[ChangeEntry],
                  within: timedelta, width: int) -> list[str]:
    """The readout: the cursor's time, the values in columns, then the changes near it."""
    ago = snapshot.end - at
    minutes = max(0, int(ago.total_seconds() // 60))
    when = f"{minutes} min before {snapshot.end:%H:%M}"
    if at == newest_with_data(snapshot):
        when = f"newest data, {when}"  # how old the newest datapoint is
    lines = [f"Cursor {at:%Y-%m-%d %H:%M} UTC ({when})"]
    cells = [f"{clean(s.label, limit=16)} "
             f"{format_value(value_at(s, at, snapshot.period_s), s.unit)}"
             for s in snapshot.series]
    columns = max(1, min(4, width // 26))
    cell_width = max(20, width // columns - 1)
    for row in range(0, len(cells), columns):
        lines.append(" ".join(c[:cell_width].ljust(cell_width) for c in cells[row:row + columns])
                     .rstrip())
    near = changes_near(entries, at, within)
    if not near:
        lines.append("No change at the cursor: [ / ] jump to the previous / next change")
        lines.append("Marks: " + "  ".join(f"{KIND_LETTERS[k]} {k}" for k in MARKED_KINDS))
    for entry in near[:3]:
        letter = KIND_LETTERS.get(entry.kind, "?")
        lines.append(clean(f"{letter} {entry.at:%H:%M:%S} {entry.kind} {shown_resource(entry)}: "
                           f"{entry.summary}", limit=width))
    if len(near) > 3:
        lines.append(f"… and {len(near) - 3} more changes within {_span(within)}")
    return lines


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
