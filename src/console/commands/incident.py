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


def list_incidents(recorder, *, as_json: bool) -> int:
    import json

    from console import clock
    from console.incidents.export import duration_text
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
    width = max(len(s.id) for s in summaries)
    print(f"{'ID':<{width}}  SEV  {'STATE':<16}  {'OPENED (UTC)':<16}  ENTRIES  "
          f"{'ENVIRONMENT':<16}  TITLE")
    now = clock.now()
    for s in summaries:
        incident = s.incident
        state = (f"closed {duration_text(incident.duration_s(now))}" if not incident.is_open
                 else "OPEN")
        opened = f"{incident.opened_at:%Y-%m-%d %H:%M}" if incident.opened_at else "?"
        entries = f"{s.entries}" + (f" (+{s.problems} bad)" if s.problems else "")
        environment = clean(incident.environment or "-", limit=16)
        print(f"{s.id:<{width}}  {clean(incident.severity, limit=3):<3}  {state:<16}  "
              f"{opened:<16}  {entries:<7}  {environment:<16}  "
              f"{clean(incident.title, limit=80)}")
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
