"""Post-incident reports from a timeline: Markdown for people, JSON for tools.

The Markdown report is pasted into tickets and wikis that render it, and almost everything in
it came from outside (titles and notes typed in a hurry, alarm reasons, task stop reasons,
error messages from AWS). So every untrusted string is sanitized of control characters (an
ESC sequence in a report is a terminal attack when someone `cat`s it) and Markdown-escaped:
no HTML, no link, no image, no heading can be injected. Structured data (parameters, API
calls, evidence) goes into fenced code blocks, as JSON with non-ASCII escaped, fenced longer
than any backtick run inside it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from console import clock
from console.incidents import evidence
from console.incidents.describe import action_result, describe, passed_label, short_who
from console.incidents.model import Entry, LoadedIncident
from console.incidents.store import format_time
from console.sanitize import clean, clean_block
from probes.serialize import to_jsonable

FORMATS = ("md", "json")
# Backslash-escaped wherever they appear: emphasis, code, links and images, raw HTML and
# entities, tables, strikethrough, math. (CommonMark allows escaping any ASCII punctuation.)
_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>!|~&$^])")
# GFM autolinks: ``scheme://`` and ``www.``; escaping their ':' or '.' leaves plain text.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=www)(\.)")
# Only at the start of a line (in a blockquote): headings, lists, quotes, setext rules.
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")
CONTEXT_LABELS = (("environment", "Environment"), ("account", "Account"),
                  ("region", "Region"), ("stack", "Stack"), ("local_user", "Local user"))


def _escape(text: str) -> str:
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: "\\" + m.group(), text)


def md(text: Any, limit: int | None = 2_000) -> str:
    """Untrusted text as inert Markdown on one line."""
    return _escape(clean("" if text is None else str(text), limit=limit))


def md_block(text: Any, prefix: str = "> ") -> str:
    """Untrusted multi-line text as a blockquote, every line escaped."""
    lines = clean_block("" if text is None else str(text), limit=20_000).splitlines() or [""]
    return "\n".join(f"{prefix}{_LINE_START.sub(_escape_line_start, _escape(line))}".rstrip()
                     for line in lines)


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    return match.group(1) + (f"{marker}\\" if marker[0].isdigit() else f"\\{marker}")


def code_block(value: Any) -> str:
    """`value` as pretty JSON in a fence no backtick run inside can close."""
    body = json.dumps(to_jsonable(value), indent=2, ensure_ascii=True, sort_keys=True,
                      default=str)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}json\n{body}\n{fence}"


def _time(moment: datetime | None) -> str:
    return format_time(moment).replace("T", " ") if moment else "unknown"


def duration_text(seconds: float | None) -> str:
    """``1h 05m``, ``12m 30s``: how long, for people."""
    if seconds is None:
        return "unknown"
    total = int(max(0, seconds))
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h {minutes:02d}m"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s"


def _summary(loaded: LoadedIncident, now: datetime) -> list[str]:
    incident = loaded.incident
    state = (f"{_time(incident.closed_at)} by {md(incident.closed_by or 'unknown')}"
             if not incident.is_open else "**still open**")
    rows = [("Incident", md(incident.id)), ("Severity", md(incident.severity)),
            ("Opened", f"{_time(incident.opened_at)} by {md(incident.opened_by or 'unknown')}"),
            ("Closed", state),
            ("Duration", duration_text(incident.duration_s(now))
             + (" so far" if incident.is_open else ""))]
    opened = loaded.opened_entry
    for key, label in CONTEXT_LABELS:
        if opened is not None and opened.get(key):
            rows.append((label, md(opened.get(key))))
    people = sorted({e.who for e in loaded.entries if e.who})
    rows.append(("People", ", ".join(md(short_who(p)) for p in people) or "none recorded"))
    out = [f"# {md(incident.severity)} incident: {md(incident.title)}", "",
           "| | |", "|---|---|", *(f"| {label} | {value} |" for label, value in rows)]
    if incident.summary:
        out += ["", "## Summary", "", md_block(incident.summary)]
    return out


def _timeline(loaded: LoadedIncident) -> list[str]:
    out = ["", "## Timeline", "", "| Time (UTC) | Kind | Who | What |", "|---|---|---|---|"]
    for entry in loaded.entries:
        out.append(f"| {_time(entry.time)} | {md(entry.kind)} | {md(short_who(entry.who))} | "
                   f"{md(describe(entry), limit=500)} |")
    return out


def _change_line(change: dict) -> str:
    return (f"- {md(change.get('at'))} **{md(change.get('kind'))}** "
            f"{md(change.get('resource'))}: {md(change.get('summary'), limit=500)}")


def _evidence(loaded: LoadedIncident) -> list[str]:
    """What changed (and what changed just before it broke) and the metrics, as snapshotted
    when the incident was opened: sparklines in a code block, so they keep their columns."""
    out: list[str] = []
    for entry in loaded.of_kind("changes")[:1]:
        fields = entry.fields
        out += ["", f"## What changed (snapshot at {_time(entry.time)})", ""]
        if fields.get("broke_at"):
            out += [f"Before this broke ({md(fields.get('broke_at'))}, "
                    f"{md(fields.get('basis'))}), most suspicious first:", ""]
            out += [_change_line(c) for c in fields.get("before_break") or []] or [
                "- no change recorded in the 30 minutes before"]
            out.append("")
        out.append(f"All {md(fields.get('count', 0))} changes from {md(fields.get('since'))}:")
        out += ["", *(_change_line(c) for c in fields.get("entries") or [])]
        for failure in fields.get("incomplete") or []:
            out.append(f"- **incomplete**: {md(failure)}")
    for entry in loaded.of_kind("metrics")[:1]:
        lines = evidence.metrics_lines(entry.fields)
        out += ["", f"## Metrics {md(evidence.window_text(entry.fields))}", "",
                code_block_text(clean_block("\n".join(lines)) or "no metric")]
    return out


def code_block_text(text: str) -> str:
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
    return f"{fence}text\n{text}\n{fence}"


def _action(entry: Entry) -> list[str]:
    ids = entry.get("request_ids") or []
    out = ["", f"### {_time(entry.time)}: {md(entry.get('title') or entry.get('action_id'))}",
           "", f"- Action: {md(entry.get('action_id'))}", f"- Who: {md(entry.who)}",
           f"- Result: {md(action_result(entry))}",
           f"- Request ids: {', '.join(md(i) for i in ids) if ids else 'none'}"]
    if entry.get("error"):
        out.append(f"- Error: {md(entry.get('error'))}")
    out += ["", "Parameters:", "", code_block(entry.get("params") or {})]
    if entry.get("calls"):
        out += ["", "API calls:", "", code_block(entry.get("calls"))]
    return out


def _check(entry: Entry) -> list[str]:
    return ["", f"### {_time(entry.time)}: {md(entry.get('name'))}: "
                f"{passed_label(entry.get('passed'))}",
            "", f"- Who: {md(entry.who or 'probes')}", "", "Evidence:", "",
            code_block(entry.get("evidence"))]


def is_note(entry: Entry) -> bool:
    """What an operator wrote: a note, a runbook step's note, a reason to skip a step."""
    return entry.kind == "note" or (entry.kind == "runbook"
                                    and entry.get("event") in ("note", "skipped"))


def note_context(entry: Entry) -> str:
    """Where a runbook note was written: `` on runbook X step Y (skipped)``."""
    if entry.kind != "runbook":
        return ""
    skipped = " (reason to skip it)" if entry.get("event") == "skipped" else ""
    return (f" on runbook {entry.get('runbook_id', '?')} step "
            f"{entry.get('step_id') or '?'}{skipped}")


def note_text(entry: Entry) -> str:
    return str(entry.get("text") if entry.kind == "note" else entry.get("detail") or "")


def _section(title: str, lines: list[str], empty: str) -> list[str]:
    return ["", f"## {title}", *(lines or ["", empty])]


def to_markdown(loaded: LoadedIncident, now: datetime | None = None) -> str:
    """The post-incident report: summary, timeline, actions, checks, runbook steps, notes
    (with the runbook's step notes and reasons to skip), unreadable lines."""
    now = now or clock.now()
    out = _summary(loaded, now) + _evidence(loaded) + _timeline(loaded)
    actions = [line for e in loaded.of_kind("action") for line in _action(e)]
    out += _section("Actions", actions, "No action was recorded.")
    checks = [line for e in loaded.of_kind("check") for line in _check(e)]
    out += _section("Checks and evidence", checks, "No check was recorded.")
    steps = [f"- {_time(e.time)}: {md(describe(e), limit=500)}"
             for e in loaded.of_kind("runbook")]
    out += _section("Runbook steps", ["", *steps] if steps else [],
                    "No runbook step was recorded.")
    notes = [line for e in loaded.entries if is_note(e) for line in (
        "", f"**{_time(e.time)}**, {md(short_who(e.who))}{md(note_context(e))}:", "",
        md_block(note_text(e)))]
    out += _section("Notes", notes, "No note was recorded.")
    if loaded.problems:
        out += ["", "## Unreadable timeline lines", "",
                "These lines were skipped (a crash mid-write leaves one):", ""]
        out += [f"- line {p.line}: {md(p.message)}" for p in loaded.problems]
    out += ["", f"_Generated {_time(now)} from {md(loaded.incident.path.name)}._", ""]
    return "\n".join(out)


def to_json(loaded: LoadedIncident) -> str:
    """The timeline as one JSON document: the incident, every entry, every problem."""
    incident = loaded.incident
    document = {
        "incident": {
            "id": incident.id, "severity": incident.severity, "title": incident.title,
            "environment": incident.environment,
            "opened_at": format_time(incident.opened_at) if incident.opened_at else None,
            "opened_by": incident.opened_by,
            "closed_at": format_time(incident.closed_at) if incident.closed_at else None,
            "closed_by": incident.closed_by, "summary": incident.summary,
        },
        "entries": [{"line": e.line, "t": format_time(e.time), "kind": e.kind, "who": e.who,
                     **e.fields} for e in loaded.entries],
        "problems": [{"line": p.line, "message": p.message} for p in loaded.problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def export(loaded: LoadedIncident, fmt: str) -> str:
    if fmt == "json":
        return to_json(loaded)
    return to_markdown(loaded)
