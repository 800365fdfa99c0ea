"""`incident-console incident list | show ID | export ID`: timelines outside the app.

These read the timelines in the data directory (``incident-console config-path`` prints it)
and never touch AWS, so they work after the outage, on another machine, from a copy of the
files. An id may be given whole or as a prefix that matches one incident.
"""

from __future__ import annotations

import argparse

HELP = "list incidents, show a timeline, export a post-incident report"
DESCRIPTION = (
    "Incident timelines recorded by the console: `list` them, `show ID` one as text, or "
    "`export ID --format md` a post-incident report (summary, timeline, actions with their "
    "parameters, results and request ids, checks with evidence, notes)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="incident_command", metavar="SUBCOMMAND", required=True)
    listing = sub.add_parser("list", help="every incident, newest first",
                             description="Every incident, newest first: id, severity, state, "
                             "opened, entries, title.")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    show = sub.add_parser("show", help="one incident's timeline as text",
                          description="One incident's timeline, one entry per line.")
    show.add_argument("id", metavar="ID", help="incident id (or a unique prefix)")
    export = sub.add_parser("export", help="a post-incident report (Markdown or JSON)",
                            description="A post-incident report of one incident.")
    export.add_argument("id", metavar="ID", help="incident id (or a unique prefix)")
    export.add_argument("--format", choices=("md", "json"), default="md",
                        help="md: a Markdown report (default); json: every entry")
    export.add_argument("--output", "-o", metavar="FILE",
                        help="write to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    from console.incidents import IncidentRecorder

    recorder = IncidentRecorder()
    command = args.incident_command
    if command == "list":
        return list_incidents(recorder, as_json=args.json)
    loaded = _load(recorder, args.id)
    if command == "show":
        return show(loaded)
    from console.incidents.export import export

    return write_output(export(loaded, args.format), args.output)


def _load(recorder, text: str):
    from console.errors import UsageError
    from console.incidents import IncidentError

    try:
        return recorder.load(recorder.resolve_id(text))
    except IncidentError as exc:
        raise UsageError(str(exc)) from None


LIST_WIDTH = 80  # the table fits this many columns (a wider terminal gives titles more)
STATE_WIDTH = 12
ENV_WIDTH = 12
MIN_TITLE_WIDTH = 8


def fit(text: str, width: int) -> str:
    """Untrusted `text` on one line, cut to exactly `width` characters at most (with ``…``),
    padded to `width`: a column that never pushes the next one out of line."""
    from console.sanitize import clean

    value = clean(text, limit=10_000)
    if len(value) > width:
        value = value[:max(0, width - 1)] + "…"
    return f"{value:<{width}}"


def short_duration(seconds: float | None) -> str:
    """``45s``, ``12m``, ``1h05m``, ``2d03h``: a closed incident's length in a narrow column."""
    if seconds is None:
        return "?"
    total = int(max(0, seconds))
    if total < 60:
        return f"{total}s"
    if total < 3_600:
        return f"{total // 60}m"
    if total < 86_400:
        return f"{total // 3_600}h{total % 3_600 // 60:02d}m"
    return f"{total // 86_400}d{total % 86_400 // 3_600:02d}h"


def table_width() -> int:
    import shutil
    import sys

    if not sys.stdout.isatty():
        return LIST_WIDTH
    return max(LIST_WIDTH, shutil.get_terminal_size((LIST_WIDTH, 24)).columns)


def list_incidents(recorder, *, as_json: bool) -> int:
    import json

    from console import clock
    from console.incidents.store import format_time
    from console.sanitize import clean

    summaries = recorder.list()
    if as_json:
        print(json.dumps([{
            "id": s.id, "severity": s.incident.severity, "title": s.incident.title,
            "environment": s.incident.environment,
            "opened_at": format_time(s.incident.opened_at) if s.incident.opened_at else None,
            "closed_at": format_time(s.incident.closed_at) if s.incident.closed_at else None,
            "entries": s.entries, "unreadable_lines": s.problems,
        } for s in summaries], indent=2, ensure_ascii=True))
        return 0
    if not summaries:
        print(f"no incidents in {recorder.directory}")
        return 0
    # The id starts with the opening time (UTC): no column repeats it.
    id_width = max(len("ID"), *(len(clean(s.id)) for s in summaries))
    used = id_width + 2 + 3 + 2 + STATE_WIDTH + 2 + ENV_WIDTH + 2
    title_width = max(MIN_TITLE_WIDTH, table_width() - used)
    print(f"{fit('ID', id_width)}  SEV  {fit('STATE', STATE_WIDTH)}  "
          f"{fit('ENVIRONMENT', ENV_WIDTH)}  TITLE")
    now = clock.now()
    damaged = []
    for s in summaries:
        incident = s.incident
        state = ("OPEN" if incident.is_open
                 else f"closed {short_duration(incident.duration_s(now))}")
        if s.problems:
            damaged.append(s.id)
        line = (f"{fit(s.id, id_width)}  {fit(incident.severity, 3)}  "
                f"{fit(state, STATE_WIDTH)}  {fit(incident.environment or '-', ENV_WIDTH)}  "
                f"{fit(incident.title, title_width)}")
        print(line.rstrip())
    for incident_id in damaged:
        print(f"{clean(incident_id)} has unreadable lines: incident-console incident show "
              f"{clean(incident_id)}")
    return 0


def show(loaded) -> int:
    from console.incidents.describe import describe, short_who
    from console.sanitize import clean

    incident = loaded.incident
    state = "open" if incident.is_open else "closed"
    print(f"{clean(incident.id)}  {clean(incident.severity)}  {state}  "
          f"{clean(incident.title, limit=200)}")
    for entry in loaded.entries:
        print(f"{entry.time:%Y-%m-%d %H:%M:%S}Z  {entry.kind:<12}  "
              f"{clean(short_who(entry.who), limit=40):<24}  {clean(describe(entry), limit=400)}")
    for problem in loaded.problems:
        print(f"unreadable line {problem.line}: {problem.message}")
    return 0


def write_output(text: str, output: str | None) -> int:
    """To stdout, or to `output` through a temporary file (never a half-written report)."""
    import os
    import sys
    from pathlib import Path

    from console.errors import UsageError

    if not output:
        sys.stdout.write(text)
        return 0
    path = Path(output)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"wrote {path}", file=sys.stderr)
    return 0
