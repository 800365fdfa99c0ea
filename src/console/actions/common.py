"""Small helpers the guide's actions share: sizes and ages in words, error codes, local paths,
choices that depend on the deployment, and running planned calls while keeping request ids.

Kept apart from `base` (the framework) so that the framework stays what every action relies
on, and this stays what several actions find convenient.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from console import clock
from console.actions.base import Action, ActionContext, ActionError, ApiCall, request_id
from console.sanitize import clean
from console.timeparse import ago

NOT_SHOWN = "<generated, not shown>"


def utc_stamp(moment: datetime | None = None) -> str:
    """``20261128T0312Z``: sorts by time, safe in file names on every system."""
    return f"{(moment or clock.now()).astimezone(UTC):%Y%m%dT%H%MZ}"


def size_text(size: int | float) -> str:
    """``4.0 KiB``, ``12.3 MiB``: sizes as the operator reads them."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def age_text(moment: datetime | None, now: datetime | None = None) -> str:
    """``3h05m ago`` (or ``-`` when unknown)."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{ago(((now or clock.now()) - moment).total_seconds())} ago"


def when_text(moment: datetime | None) -> str:
    """``2026-11-28 03:12 UTC (3h05m ago)`` or ``never``."""
    if moment is None:
        return "never"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({age_text(moment)})"


def error_code(exc: BaseException) -> str:
    """The AWS error code of a `ClientError` (``NoSuchBucket``), else ``""``."""
    if isinstance(exc, ClientError):
        return str((exc.response.get("Error") or {}).get("Code", ""))
    return ""


def shown(text: object, limit: int = 120) -> str:
    """Untrusted text (a name, a key, a path) made safe for a message."""
    return clean(str(text), limit=limit)


def local_path(raw: str) -> Path:
    """A path as the operator typed it (``~`` expanded, relative to the working directory)."""
    text = str(raw).strip()
    if not text:
        raise ActionError("a local path is required")
    return Path(text).expanduser().absolute()


def last_segment(arn: str) -> str:
    """``arn:aws:sns:eu-west-1:123:topic-name`` -> ``topic-name`` (also for ``.../name``)."""
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def set_choices(action: Action, name: str, choices: tuple[str, ...], default: Any) -> None:
    """Give `action` (this instance only) a choice field whose choices come from the
    deployment: the form validates the answer, and the class keeps its generic fields.

    The flow calls `defaults(ctx)` before it shows the form, so that is where an action
    that knows its choices only from `ctx` calls this.
    """
    action.fields = tuple(  # type: ignore[misc]  # per-instance override, by design
        replace(f, kind="choice", choices=choices, default=default) if f.name == name else f
        for f in action.fields)


async def send(ctx: ActionContext, call: ApiCall) -> dict[str, Any]:
    """Send one planned call exactly as planned and return AWS's answer."""
    client = await ctx.aws.client(call.service, call.region)
    return await getattr(client, call.method)(**call.params)


def ids_of(responses: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(rid for rid in (request_id(r) for r in responses) if rid)
