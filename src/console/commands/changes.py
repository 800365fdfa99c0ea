"""`incident-console changes [--since 3h] [--json]`: what changed in the deployment, in time order.

Stack events, ECS deployments and service events, stopped tasks with their reasons,
task-definition revisions and alarm state history, merged into one list (oldest first), with
what the console would have seen had it been watching: target health transitions from
CloudWatch's host counts and log error-rate changes from a bounded read of the logs. While an
incident of the environment is open, the console's own actions and the alarm and target
transitions it observed come from that incident's record on disk. A
source that cannot be read (access denied, throttled...) is named with its action; the others
are still printed. Exit 0 when every source was read, 1 when the list is incomplete, 2 when the
environment is unusable or a flag is wrong.
"""

from __future__ import annotations

import argparse

HELP = "what changed before and during an incident, in time order"
DESCRIPTION = (
    "Print the changes timeline: stack events, ECS deployments and service events, stopped "
    "tasks with their reasons, task-definition revisions, alarm transitions, target health "
    "transitions (CloudWatch host counts) and log error-rate changes, oldest first. "
    "Exit 0 when every source was read, 1 when one could not be (the output names it), 2 when "
    "the environment is unusable."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", default="3h", metavar="AGE",
                        help="how far back (default 3h; e.g. 30m, 6h, 2d, or an ISO time)")
    parser.add_argument("--json", action="store_true", help="one JSON object")


def run(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from console.cli import flags_from
    from console.config import resolve
    from console.timeparse import parse_since

    now = datetime.now(UTC)
    since_ms = parse_since(args.since, now_s=now.timestamp())  # a bad one: one line, exit 2
    env = resolve(flags_from(args))
    return asyncio.run(collect_and_print(env, since=datetime.fromtimestamp(since_ms / 1000, UTC),
                                         until=now, as_json=args.json))


async def collect_and_print(env, *, since, until, as_json: bool) -> int:
    import sys
    from dataclasses import replace

    from console.incident_changes import open_incident_entries
    from probes.change_timeline import ChangeTimeline
    from probes.suite import connect

    recorded, note = open_incident_entries(env.name)  # the running console's own record
    connection = await connect(env.aws, env.stack, env.overrides)
    try:
        timeline = ChangeTimeline(connection.ctx, connection.deployment, read_signals=True,
                                  metric_overrides=env.metric_overrides)
        timeline.add(recorded)
        result = await timeline.refresh(since, until)
    finally:
        await connection.close()
    if note:
        result = replace(result, notes=(*result.notes, ("incident", note)))
    sys.stdout.write(render_json(result) if as_json else render_text(result))
    return 0 if result.complete else 1


def failure_lines(result) -> list[str]:
    from console.sanitize import clean

    lines = []
    for failure in result.failures:
        lines.append(f"INCOMPLETE {failure.source}: {clean(failure.error.summary(), limit=200)}")
        lines.append(f"    fix: {clean(failure.error.fix, limit=200)}")
    notes = dict(result.notes)
    for source in result.truncated:
        why = notes.pop(source, "stopped at the page limit; use a shorter --since")
        lines.append(f"INCOMPLETE {source}: {clean(why, limit=300)}")
    lines += [f"NOTE {source}: {clean(why, limit=300)}" for source, why in notes.items()]
    return lines


def render_text(result) -> str:
    from console.changes_text import render_entries, when

    lines = [f"Changes {when(result.since)} .. {when(result.until)}: "
             f"{len(result.entries)} entries"]
    lines += render_entries(result.entries) or ["    no change recorded"]
    lines += failure_lines(result)
    return "\n".join(lines) + "\n"


def render_json(result) -> str:
    import json
    from datetime import UTC

    from console.changes_text import entry_to_dict
    from console.sanitize import clean

    payload = {
        "since": result.since.astimezone(UTC).isoformat(),
        "until": result.until.astimezone(UTC).isoformat(),
        "complete": result.complete,
        "entries": [entry_to_dict(e) for e in result.entries],
        "failures": [{"source": f.source, **{k: clean(v or "", limit=500)
                                              for k, v in f.error.to_dict().items()}}
                     for f in result.failures],
        "truncated": list(result.truncated),
        "notes": {source: clean(why, limit=500) for source, why in result.notes},
    }
    return json.dumps(payload, indent=2, ensure_ascii=True) + "\n"
