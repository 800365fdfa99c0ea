"""`incident-console status [--json]`: one pass of every probe.

Exit 0 even when a probe fails (the output says which and why); exit 2 only when the
environment itself is unusable (no credentials, bad config, unknown stack).
"""

from __future__ import annotations

import argparse

HELP = "one pass of every probe, as a readable summary or JSON"
DESCRIPTION = (
    "Run every probe once and print what it found: stack, ECS service and tasks, target "
    "health, recent logs, alarms, costs. Exit 0 even when a probe fails (the output says "
    "so); exit 2 when the environment is unusable."
)
LOG_EVENTS_IN_JSON = 50


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object, a key per probe")
    parser.add_argument("--since", default="5m", metavar="AGE",
                        help="how far back to read logs (default 5m; e.g. 30s, 10m, 1h)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from console.cli import flags_from
    from console.config import resolve
    from console.timeparse import parse_since

    env = resolve(flags_from(args))
    since_ms = parse_since(args.since)
    return asyncio.run(collect_and_print(env, since_ms=since_ms, as_json=args.json))


async def collect_and_print(env, *, since_ms: int, as_json: bool) -> int:
    import json
    import sys

    from console.config import cache_dir
    from console.status_text import render_status
    from probes.serialize import to_jsonable
    from probes.suite import build_probes, connect, run_all_once

    connection = await connect(env.aws, env.stack, env.overrides)
    try:
        probes = build_probes(connection.ctx, connection.deployment, intervals=env.intervals,
                              cost_cache_dir=cache_dir(), cost_cache_ttl_s=env.cost_cache_ttl_s,
                              log_since_ms=since_ms, account=connection.identity.account)
        results = await run_all_once(probes)
    finally:
        await connection.close()
    if as_json:
        logs = results.get("logs")
        payload = {
            "environment": env.name,
            "region": env.aws.region,
            "endpoint_url": env.aws.endpoint_url,
            "identity": to_jsonable(connection.identity),
            "deployment": connection.deployment.to_dict(),
            "verdict": to_jsonable(verdict_of(results)),
            "probes": {name: to_jsonable(result) for name, result in results.items()},
        }
        if logs is not None and logs.ok and logs.data is not None:
            events = logs.data.events
            payload["probes"]["logs"]["data"]["events"] = to_jsonable(
                events[-LOG_EVENTS_IN_JSON:])
            payload["probes"]["logs"]["data"]["total_events"] = len(events)
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=True) + "\n")
    else:
        sys.stdout.write(render_status(env, connection, results, verdict_of(results)))
    return 0


def verdict_of(results):
    from probes.verdict import judge

    def data(name):
        result = results.get(name)
        return result.data if result is not None and result.ok else None

    return judge(stack=data("stack"), service=data("ecs"), targets=data("targets"),
                 alarms=data("alarms"), costs=data("costs"), datapath=data("datapath"))
