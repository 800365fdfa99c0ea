"""The header's incident segment: ``P0 INCIDENT 12m: ALB 503s``, always in view while an
incident is open, so nobody forgets that what they do is being recorded (and for whom)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text

from console import clock
from console.sanitize import clean

SEVERITY_STYLE = {"P0": "bold white on red", "P1": "bold black on dark_orange",
                  "P2": "bold black on yellow"}
TITLE_LIMIT = 40
MIN_TITLE = 12


@dataclass(frozen=True)
class IncidentBadge:
    """What the header needs to know about the open incident."""

    severity: str
    title: str
    opened_at: datetime | None


def age_text(seconds: float) -> str:
    """Compact age for a header, in the console's one convention: ``45s``, ``12m``,
    ``1h05m``, ``2d3h`` (`console.clock.duration`'s short form)."""
    return clock.duration(seconds, seconds_below_10m=False)


def incident_segment(badge: IncidentBadge, now: datetime, width: int = 160) -> Text:
    """``P0 INCIDENT 12m  ALB 503s`` with the severity's colour. The title gets a quarter of
    the terminal's `width` (12 to 40 characters) so the verdict's reasons keep room on an
    80-column terminal; the timeline view shows it whole."""
    age = age_text((now - badge.opened_at).total_seconds()) if badge.opened_at else "?"
    style = SEVERITY_STYLE.get(badge.severity, "bold reverse")
    segment = Text()
    segment.append(f" {clean(badge.severity, limit=3)} INCIDENT {age} ", style=style)
    limit = max(MIN_TITLE, min(TITLE_LIMIT, width // 4))
    title = badge.title if len(badge.title) <= limit else badge.title[:limit - 1] + "…"
    segment.append(f" {clean(title, limit=None)} ", style="bold")
    return segment
