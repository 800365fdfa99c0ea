"""Snapshots to plain JSON-able values (for `status --json`, `check --json`, timelines)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any

from probes.result import ProbeResult


def to_jsonable(value: Any) -> Any:
    if isinstance(value, ProbeResult):
        return result_to_dict(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.repr}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


def result_to_dict(result: ProbeResult[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ok": result.ok,
        "fetched_at": result.fetched_at.isoformat(),
        "elapsed_s": round(result.elapsed_s, 4),
    }
    if result.error is not None:
        out["error"] = result.error.to_dict()
    else:
        out["data"] = to_jsonable(result.data)
    return out
