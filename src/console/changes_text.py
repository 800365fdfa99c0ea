"""The changes timeline as text: the `changes` command, "what changed before this broke" in the
verdict's detail and the runbooks, and the incident record all print entries the same way.

Every entry fits 80 columns: its time (UTC, with the date), kind and resource, then AWS's
summary indented (up to three lines). Text from AWS is sanitised.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from console.sanitize import clean
from probes.change_entry import ChangeEntry
from probes.task_ids import short_task_id

WIDTH = 80
KIND_WIDTH = 15
SUMMARY_LINES = 3  # AWS's reasons are long; more is in the JSON and the detail


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def shown_resource(entry: ChangeEntry) -> str:
    """The resource as the console names it: a task by its one short id (``task e04e449f``;
    the JSON and the detail keep the whole id)."""
    if entry.kind == "task-stop" and entry.resource.startswith("task "):
        return f"task {short_task_id(entry.resource.removeprefix('task '))}"
    return entry.resource


def entry_lines(entry: ChangeEntry, width: int = WIDTH) -> list[str]:
    head = f"{when(entry.at)}  {entry.kind:<{KIND_WIDTH}} "
    resource = clean(shown_resource(entry), limit=None)
    room = width - len(head)
    if len(resource) > room:  # keep the tail: it is what tells resources apart
        resource = "…" + resource[-(room - 1):]
    summary = clean(entry.summary, limit=SUMMARY_LINES * width) or "-"
    wrapped = textwrap.wrap(summary, width - 4, max_lines=SUMMARY_LINES, placeholder=" …",
                            break_on_hyphens=False)
    return [head + resource, *("    " + line for line in wrapped)]


def render_entries(entries: Iterable[ChangeEntry], width: int = WIDTH) -> list[str]:
    return [line for entry in entries for line in entry_lines(entry, width)]


def before_break_heading(broke_at: datetime | None, basis: str,
                         width: int = WIDTH) -> list[str]:
    if broke_at is None:
        return ["What changed before this broke: nothing is broken (no bad moment seen)."]
    return [f"What changed in the 30 min before {when(broke_at)}:",
            *textwrap.wrap(f"(it broke then: {clean(basis, limit=300)})", width,
                           initial_indent="  ", subsequent_indent="  ")]


def before_break_lines(broke_at: datetime | None, basis: str,
                       entries: Sequence[ChangeEntry], width: int = WIDTH) -> list[str]:
    """The heading and the entries of "what changed before this broke"."""
    head = before_break_heading(broke_at, basis, width)
    if broke_at is None:
        return head
    if not entries:
        return [*head, "    no change recorded in that window"]
    return [*head, *render_entries(entries, width)]


def entry_to_dict(entry: ChangeEntry) -> dict[str, Any]:
    return {"at": entry.at.astimezone(UTC).isoformat(), "kind": entry.kind,
            "resource": clean(entry.resource, limit=None),
            "summary": clean(entry.summary, limit=None),
            "detail": {clean(k): clean(v, limit=None) for k, v in entry.detail if v}}
