"""Colours with meaning, chosen to survive 16-colour terminals and light backgrounds, and
always paired with a word or symbol so that NO_COLOR loses nothing."""

from __future__ import annotations

from rich.text import Text

from console.sanitize import clean

BAD = "bold red"
WARN = "yellow"
GOOD = "green"
MUTED = "dim"


def status_style(status: str) -> str:
    """CloudFormation, ECS and ELB statuses alike."""
    s = status.upper()
    if s.endswith("_FAILED") or "ROLLBACK" in s or s in (
            "UNHEALTHY", "FAILED", "ALARM", "STOPPED", "UNAVAILABLE"):
        return BAD
    if s.endswith("_IN_PROGRESS") or s in (
            "PENDING", "PROVISIONING", "ACTIVATING", "DEACTIVATING", "STOPPING", "DRAINING",
            "INITIAL", "IN_PROGRESS", "INSUFFICIENT_DATA", "UNKNOWN", "DEPROVISIONING"):
        return WARN
    if s.endswith("_COMPLETE") or s in ("HEALTHY", "RUNNING", "ACTIVE", "OK", "COMPLETED",
                                        "PRIMARY"):
        return GOOD
    return ""


def cell(value: object, style: str = "", limit: int = 200) -> Text:
    """A table cell from untrusted text: sanitised, never parsed as markup."""
    return Text(clean("" if value is None else str(value), limit=limit), style=style,
                no_wrap=True, overflow="ellipsis")


def status_cell(status: str, limit: int = 40) -> Text:
    return cell(status, status_style(status), limit)
