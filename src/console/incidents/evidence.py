"""The evidence an incident starts with: the changes list and the metrics, snapshotted into the
timeline when the incident is opened, and their sections of the Markdown report.

Two timeline kinds: ``changes`` (the changes timeline's entries, the sources it could not read,
and "what changed before this broke") and ``metrics`` (every signal of a `MetricsSnapshot`, one
value per period from `start`, None where CloudWatch had no datapoint). In the report the
metrics are text sparklines, so a ticket shows the shape of the outage without a chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from console.changes_text import entry_to_dict
from probes.change_entry import ChangeEntry
from probes.metric_series import MetricsSnapshot

MAX_CHANGES = 400  # the newest kept in the record (the timeline caps lists at 500)
SPARK = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 60


def changes_fields(entries: Sequence[ChangeEntry], *, since: datetime, until: datetime,
                   failures: Sequence[str] = (), broke_at: datetime | None = None,
                   basis: str = "", suspects: Sequence[ChangeEntry] = ()) -> dict[str, Any]:
    """The ``changes`` entry: oldest first; `failures` are the sources not read (one line
    each, naming the action)."""
    kept = list(entries)[-MAX_CHANGES:]
    return {"since": since.astimezone(UTC).isoformat(), "until": until.astimezone(UTC).isoformat(),
            "count": len(entries), "entries": [entry_to_dict(e) for e in kept],
            "incomplete": list(failures),
            "broke_at": broke_at.astimezone(UTC).isoformat() if broke_at else None,
            "basis": basis, "before_break": [entry_to_dict(e) for e in suspects]}


def metrics_fields(snapshot: MetricsSnapshot) -> dict[str, Any]:
    """The ``metrics`` entry: per signal, one value per period (None: no datapoint)."""
    slots = max(0, int((snapshot.end - snapshot.start).total_seconds() // snapshot.period_s))
    series = []
    for s in snapshot.series:
        values: list[float | None] = [None] * slots
        for point in s.points:
            index = int((point.at - snapshot.start).total_seconds() // snapshot.period_s)
            if 0 <= index < slots:
                values[index] = point.value
        series.append({"signal": s.signal, "label": s.label, "unit": s.unit,
                       "values": values})
    return {"start": snapshot.start.astimezone(UTC).isoformat(),
            "end": snapshot.end.astimezone(UTC).isoformat(),
            "period_s": snapshot.period_s, "series": series}


def sparkline(values: Sequence[float | None], width: int = SPARK_WIDTH) -> str:
    """`values` in at most `width` characters (each the maximum of its slice, so a spike is
    never averaged away); a space where there was no datapoint; all-equal values sit low."""
    if not values:
        return ""
    size = max(1, -(-len(values) // width))
    cells = []
    for i in range(0, len(values), size):
        known = [v for v in values[i:i + size] if v is not None]
        cells.append(max(known) if known else None)
    present = [v for v in cells if v is not None]
    if not present:
        return " " * len(cells)
    low, high = min(present), max(present)
    span = high - low
    return "".join(" " if v is None else SPARK[0 if span == 0 else
                                                 round((v - low) / span * (len(SPARK) - 1))]
                   for v in cells)


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def metrics_lines(fields: dict[str, Any]) -> list[str]:
    """One line per signal: label, sparkline, min..max and the latest value."""
    lines = []
    for s in fields.get("series", []):
        values = [v for v in s.get("values", []) if isinstance(v, (int, float)) or v is None]
        known = [v for v in values if v is not None]
        if known:
            summary = (f"min {_number(min(known))} max {_number(max(known))} "
                       f"latest {_number(known[-1])} {s.get('unit', '')}").rstrip()
        else:
            summary = "no datapoint"
        lines.append(f"{s.get('label', s.get('signal', '?'))!s:<22} "
                     f"{sparkline(values) or '-'}  {summary}")
    return lines


def describe_changes(fields: dict[str, Any]) -> str:
    suspects = fields.get("before_break") or []
    text = f"changes snapshot: {fields.get('count', 0)} since {fields.get('since', '?')}"
    if suspects:
        first = suspects[0]
        text += f"; before the break: {first.get('kind')} {first.get('summary', '')}"
    if fields.get("incomplete"):
        text += f" (incomplete: {'; '.join(map(str, fields['incomplete']))})"
    return text


def describe_metrics(fields: dict[str, Any]) -> str:
    return (f"metrics snapshot: {len(fields.get('series', []))} signals from "
            f"{fields.get('start', '?')} every {fields.get('period_s', '?')} s")


def when_of(fields: dict[str, Any], key: str) -> datetime | None:
    try:
        return datetime.fromisoformat(str(fields.get(key)))
    except ValueError:
        return None


def window_text(fields: dict[str, Any]) -> str:
    start, end = when_of(fields, "start"), when_of(fields, "end")
    if start is None or end is None:
        return ""
    return f"{start:%Y-%m-%d %H:%M}Z .. {end:%H:%M}Z ({(end - start) // timedelta(minutes=1)} min)"
