"""Whether a pane's data can be trusted: fresh, refreshing, stale, or still waiting.

A pane never lies about its data: when the last collection failed, or when no collection has
succeeded for three intervals (an endpoint that hangs rather than fails), the data is STALE and
the pane says how old it is and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from console.timeparse import ago
from probes.errors import ProbeError


class Freshness(StrEnum):
    WAITING = "waiting"
    FRESH = "fresh"
    REFRESHING = "refreshing"
    STALE = "STALE"


@dataclass(frozen=True)
class FreshnessView:
    state: Freshness
    label: str  # what the pane's border shows
    error: ProbeError | None = None


def coarse_age(seconds: float) -> str:
    """``<10s ago``, ``20s ago``, ``3m ago``: exact enough to judge, and a label that changes
    every ten seconds rather than every second (each change repaints the pane's border)."""
    if seconds < 10:
        return "<10s ago"
    if seconds < 60:
        return f"{int(seconds) // 10 * 10}s ago"
    return f"{ago(seconds)} ago"


def judge_freshness(*, last_good_at: datetime | None, last_error: ProbeError | None,
                    collecting: bool, interval_s: float, now: datetime,
                    display_error: str | None = None) -> FreshnessView:
    """`display_error`: why the newest data could not be put on screen (then what is shown
    is not the newest data, whatever the probe said)."""
    if display_error is not None:
        age_text = "no data" if last_good_at is None else coarse_age(
            (now - last_good_at).total_seconds())
        return FreshnessView(Freshness.STALE, f"STALE · {age_text} · {display_error}",
                             last_error)
    if last_good_at is None:
        if last_error is not None:
            return FreshnessView(Freshness.STALE, f"STALE · no data · {last_error.summary()}",
                                 last_error)
        return FreshnessView(Freshness.WAITING, "loading…")
    age = (now - last_good_at).total_seconds()
    age_text = coarse_age(age)
    if last_error is not None:
        return FreshnessView(Freshness.STALE, f"STALE · {age_text} · {last_error.summary()}",
                             last_error)
    if age > max(3 * interval_s, interval_s + 30):
        if collecting:
            return FreshnessView(Freshness.STALE, f"STALE · {age_text} · waiting for AWS")
        return FreshnessView(Freshness.STALE, f"STALE · {age_text}")
    if collecting:
        return FreshnessView(Freshness.REFRESHING, f"refreshing · {age_text}")
    return FreshnessView(Freshness.FRESH, f"fresh · {age_text}")
