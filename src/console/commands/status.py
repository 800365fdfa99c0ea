"""`incident-console status [--json]`: one pass of every probe.

Exit by what was found, as `check` does: 0 OK; 1 degraded (or any level between OK and down),
or a probe or discovery step that failed (an incomplete look is not an all-clear); 2 down.
Exit 2 also when the environment itself is unusable (no credentials, bad config, unknown
stack, AWS unreachable).
"""

from __future__ import annotations

import argparse

HELP = "one pass of every probe, as a readable summary or JSON"
DESCRIPTION = (
    "Run every probe once and print what it found: stack, ECS service and tasks, target "
    "health, recent logs, alarms, costs. Exit 0 when the verdict is OK, 1 when degraded or "
    "when a probe could not run (the output says which and why), 2 when down or when the "
    "environment is unusable."
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
    from probes.suite import build_probes, open_and_collect

    def build(ctx, deployment, account):
        return build_probes(ctx, deployment, intervals=env.intervals,
                            cost_cache_dir=cache_dir(), cost_cache_ttl_s=env.cost_cache_ttl_s,
                            log_since_ms=since_ms, account=account,
                            metric_overrides=env.metric_overrides,
                            # One read of the logs: no sweep after it, no live session.
                            log_options={"one_shot": True, "live_tail": False})

    # Discovery cached on disk is checked in the same first round as the probes' requests.
    connection, results = await open_and_collect(env.aws, env.stack, env.overrides, build,
                                                 cache_dir=cache_dir())
    await connection.close()
    if as_json:
        sys.stdout.write(json.dumps(json_payload(env, connection, results), indent=2,
                                    ensure_ascii=True) + "\n")
    else:
        from console.status_text import render_status  # after the requests: off their path

        sys.stdout.write(render_status(env, connection, results, verdict_of(results)))
        sys.stdout.write(render_problems(connection.deployment))
    return exit_code(verdict_of(results), results, connection.deployment)


def json_payload(env, connection, results) -> dict:
    """What `--json` prints. The logs carry their newest `LOG_EVENTS_IN_JSON` events and the
    total; the metrics' series are under "metrics" once: what is not printed is not
    serialised."""
    from dataclasses import replace

    from probes.serialize import to_jsonable

    shown = dict(results)
    logs = results.get("logs")
    logs_read = logs is not None and logs.ok and logs.data is not None
    if logs_read:
        shown["logs"] = replace(logs, data=replace(
            logs.data, events=logs.data.events[-LOG_EVENTS_IN_JSON:]))
    if "metrics" in results:
        shown["metrics"] = replace(results["metrics"], data=None)
    payload = {
        "environment": env.name,
        "region": env.aws.region,
        "endpoint_url": env.aws.endpoint_url,
        "identity": to_jsonable(connection.identity),
        "deployment": connection.deployment.to_dict(),
        "verdict": to_jsonable(verdict_of(results)),
        "probes": {name: to_jsonable(result) for name, result in shown.items()},
    }
    if logs_read:
        payload["probes"]["logs"]["data"]["total_events"] = len(logs.data.events)
    if "metrics" in results:  # issue 13: latest value and 3-h series per signal
        from console.metrics_json import metrics_json

        payload["metrics"] = metrics_json(results["metrics"])
        payload["probes"]["metrics"].pop("data", None)  # once, under "metrics"
    return payload


def exit_code(verdict, results, deployment) -> int:
    """0 OK, 2 DOWN, 1 for every level between (degraded, and any level added later); at
    least 1 when a probe or a discovery step failed."""
    level = str(getattr(verdict.level, "value", verdict.level))
    code = {"OK": 0, "DOWN": 2}.get(level, 1)
    incomplete = deployment.problems or any(not r.ok for r in results.values())
    return max(code, 1) if incomplete else code


def render_problems(deployment) -> str:
    """The discovery steps that failed: which probes watch the guide's names because of it."""
    from console.sanitize import clean

    lines = []
    for problem in deployment.problems:
        watched = ", ".join(problem.probes)
        lines.append(f"DISCOVERY {clean(problem.error.summary(), limit=300)}")
        lines.append(f"         fix: {clean(problem.error.fix, limit=300)}")
        if watched:
            lines.append(f"         using the guide's names for: {watched}")
    from console.status_text import fit

    return fit("\n".join(lines)) + "\n" if lines else ""


def verdict_of(results):
    from probes.verdict import judge

    def data(name):
        result = results.get(name)
        return result.data if result is not None and result.ok else None

    unseen = {name: result.error.summary() for name, result in results.items()
              if not result.ok and result.error is not None}
    return judge(stack=data("stack"), service=data("ecs"), targets=data("targets"),
                 alarms=data("alarms"), costs=data("costs"), datapath=data("datapath"),
                 unseen=unseen)
