"""One line per timeline entry, the same in the timeline view, `incident show` and the report.

The text is raw (it holds what AWS and operators wrote): the caller sanitizes it for a
terminal (`console.sanitize.clean`) or escapes it for Markdown (`console.incidents.export`).
"""

from __future__ import annotations

from typing import Any

from console.incidents import evidence
from console.incidents.model import Entry, plain_title


def passed_label(value: Any) -> str:
    """A check's outcome: PASS, FAIL, or n/a when it could not tell."""
    return "PASS" if value is True else "FAIL" if value is False else "n/a"


def short_who(who: str | None) -> str:
    """``assumed-role/OnCall/alice`` rather than the whole ARN; ``probes`` for changes the
    probes saw."""
    if not who:
        return "probes"
    return who.split(":", 5)[-1] if who.startswith("arn:") and who.count(":") >= 5 else who


def person(who: str | None) -> str:
    """The shortest useful name for a narrow column: an assumed role's session name
    (usually the person), a user's name; ``probes`` for changes the probes saw."""
    return short_who(who).rsplit("/", 1)[-1] or "?"


def headline(entry: Entry) -> str:
    """Like `describe`, but a state change starts with its transition (``OK → ALARM``) so
    that a narrow terminal still shows what happened when it cuts the subject."""
    if entry.kind != "state-change":
        return describe(entry)
    before, after = entry.get("before") or "", entry.get("after") or ""
    arrow = f"{before} → {after}" if before else str(after)
    return f"{arrow}  {entry.get('subject', '?')}"


def _state_change(e: Entry) -> str:
    before, after = e.get("before") or "", e.get("after") or ""
    arrow = f"{before} → {after}" if before else str(after)
    detail = f" ({e.get('detail')})" if e.get("detail") else ""
    return f"{e.get('source', '?')}: {e.get('subject', '?')}: {arrow}{detail}"


def action_result(e: Entry) -> str:
    """The action's result without its title in front (``Scale the task size: done`` is
    ``done`` under the title it already has)."""
    result, title = str(e.get("result") or ""), str(e.get("title") or "")
    return result[len(title) + 2:] if title and result.startswith(f"{title}: ") else result


def _action(e: Entry) -> str:
    text = f"{e.get('title') or e.get('action_id', '?')}: {action_result(e)}"
    if e.get("error"):
        text += f" (error: {e.get('error')})"
    ids = e.get("request_ids") or []
    return text + (f" [request {', '.join(map(str, ids))}]" if ids else "")


def _runbook(e: Entry) -> str:
    """``runbook p0-service-down step tasks: skipped (why)``; a runbook-wide event (its start,
    which has no step) reads ``runbook p0-service-down: started (title)``."""
    step = e.get("step_id")
    where = f"runbook {e.get('runbook_id', '?')}" + (f" step {step}" if step else "")
    detail = f" ({e.get('detail')})" if e.get("detail") else ""
    return f"{where}: {e.get('event', '')}{detail}"


_DESCRIBERS = {
    "opened": lambda e: f"{e.get('severity', '?')} opened: {plain_title(str(e.get('title', '')))}",
    "check": lambda e: f"check {e.get('name', '?')}: {passed_label(e.get('passed'))}",
    "action": _action,
    "note": lambda e: str(e.get("text", "")),
    "state-change": _state_change,
    "runbook": lambda e: _runbook(e),
    "severity": lambda e: (f"severity {e.get('before', '?')} → {e.get('after', '?')}"
                           + (f": {e.get('reason')}" if e.get("reason") else "")),
    "closed": lambda e: f"closed: {e.get('summary', '')}",
    "changes": lambda e: evidence.describe_changes(e.fields),
    "metrics": lambda e: evidence.describe_metrics(e.fields),
}


def describe(entry: Entry) -> str:
    """What happened, in one line (an unknown kind, from a newer console, shows its fields)."""
    describer = _DESCRIBERS.get(entry.kind)
    if describer is None:
        return ", ".join(f"{k}={v}" for k, v in entry.fields.items())
    return describer(entry)
