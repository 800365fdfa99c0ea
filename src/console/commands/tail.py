"""`incident-console tail`: stream log events to stdout, each exactly once.

Plain lines by default (ISO time, group label when several groups, stream, message), or
`--json`: one JSON object per event. Output is sanitised whether stdout is a terminal or not.
Exit 0 at the end of a non-follow run; Ctrl-C ends a follow quietly; `| head` ends quietly.
"""

from __future__ import annotations

import argparse

HELP = "stream log events to stdout (plain lines or --json), each exactly once"
DESCRIPTION = (
    "Print the service's log events (or those of --log-group NAME ..., --stream, --task) "
    "from --since on, each exactly once and in time order, across streams and groups; "
    "--follow keeps going. Control characters in log lines are shown, never sent to the "
    "terminal. Examples: `incident-console tail --since 1h --grep /5\\d\\d/`, "
    "`incident-console tail --follow --json | jq .message`."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", default="10m", metavar="WHEN",
                        help="start from this age or time: 30s, 10m, 1h, 2d or ISO "
                        "(default 10m)")
    parser.add_argument("-f", "--follow", action="store_true",
                        help="keep printing new events until Ctrl-C")
    parser.add_argument("--filter", dest="filter_pattern", metavar="PATTERN",
                        help="CloudWatch filter pattern, applied by AWS (e.g. ERROR, "
                        '\'"status=503"\', \'{ $.level = "error" }\')')
    parser.add_argument("--grep", default="", metavar="TEXT",
                        help="client-side filter: a substring, or /regex/ (case-insensitive)")
    parser.add_argument("-v", "--invert", action="store_true",
                        help="with --grep: print the events that do NOT match")
    parser.add_argument("-C", "--context", type=int, default=0, metavar="N",
                        help="with --grep: N events of context around each match")
    parser.add_argument("--json", action="store_true", help="one JSON object per event")
    parser.add_argument("--stream", action="append", default=[], metavar="NAME",
                        help="only this log stream (repeatable)")
    parser.add_argument("--task", metavar="TASK_ID",
                        help="only this ECS task's own streams (from its task definition)")
    parser.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                        help="seconds between polls when following (default 1)")
    parser.add_argument("--overlap", type=float, default=None, metavar="SECONDS",
                        help="how late (after its own timestamp) an event may arrive and "
                        "still be printed promptly, exactly once (default: the config's "
                        "logs_overlap_s, else 60)")
    parser.add_argument("--list-groups", nargs="?", const="/ecs/", metavar="PREFIX",
                        help="list the log groups under PREFIX (default /ecs/) and exit")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from console.cli import flags_from
    from console.config import resolve
    from console.errors import UsageError
    from console.timeparse import parse_since

    check_arguments(args)
    since_ms = parse_since(args.since)
    if since_ms < 0:
        raise UsageError(f"--since {args.since} is before 1970-01-01, where CloudWatch Logs "
                         "begins: give a later time, e.g. 30d or 2026-11-01T00:00:00Z")
    env = resolve(flags_from(args))
    if args.overlap is None:
        args.overlap = env.logs_overlap_s
    return asyncio.run(_main(env, args, since_ms))


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse what cannot work before any AWS call: one `UsageError` line, exit 2."""
    import math

    from console.errors import UsageError
    from console.tail.filters import LineFilter

    if args.context < 0:
        raise UsageError("--context must be 0 or more")
    if not (math.isfinite(args.interval) and 0.2 <= args.interval <= 3600):
        raise UsageError("--interval must be between 0.2 and 3600 seconds (API quotas are "
                         "shared)")
    if args.overlap is not None and not 2 <= args.overlap <= 3600:
        raise UsageError("--overlap must be between 2 and 3600 seconds (also logs_overlap_s "
                         "in the config)")
    if (args.invert or args.context) and not args.grep:
        raise UsageError("--invert and --context work with --grep TEXT")
    grep = LineFilter(args.grep)
    if grep.error:
        raise UsageError(f"--grep {args.grep}: {grep.error} (/.../ is a regular expression; "
                         "without the slashes the text is matched as it is)")


async def _main(env, args: argparse.Namespace, since_ms: int) -> int:
    import sys

    from console.tail.runner import TailOptions, run_tail
    from probes.context import AwsContext

    ctx = AwsContext(env.aws)
    try:
        if args.list_groups is not None:
            return await _list_groups(ctx, args.list_groups)
        target = await _target(ctx, env, args)
        options = TailOptions(since_ms=since_ms, follow=args.follow,
                              filter_pattern=args.filter_pattern, as_json=args.json,
                              grep=args.grep, invert=args.invert, context=args.context,
                              interval_s=args.interval, overlap_ms=int(args.overlap * 1000))
        return await run_tail(ctx, target, options, out=sys.stdout, err=sys.stderr)
    finally:
        await ctx.close()


async def _target(ctx, env, args: argparse.Namespace):
    """Explicit groups need no discovery; the service's groups and a task's streams do."""
    from console.errors import UsageError
    from probes.deployment import discover
    from probes.errors import EnvironmentUnusable, classify
    from probes.log_sources import TailTarget, task_target_by_id

    groups = tuple(env.overrides.log_groups)
    streams = tuple(args.stream)
    if groups and not args.task:
        return TailTarget(groups, streams, ", ".join(groups))
    deployment = await discover(ctx, env.stack, env.overrides)
    if args.task:
        try:
            target = await task_target_by_id(ctx, deployment.cluster, args.task)
        except LookupError as exc:
            raise UsageError(str(exc)) from None
        except Exception as exc:  # classified: no access, unknown cluster...
            raise EnvironmentUnusable(classify(exc, action="ecs:DescribeTasks")) from exc
        return target
    return TailTarget(deployment.log_groups, streams, ", ".join(deployment.log_groups))


async def _list_groups(ctx, prefix: str) -> int:
    import sys

    from console.sanitize import clean
    from probes.errors import EnvironmentUnusable, classify
    from probes.log_sources import list_log_groups

    try:
        groups = await list_log_groups(ctx, prefix)
    except Exception as exc:  # classified: credentials, access denied, unreachable
        raise EnvironmentUnusable(classify(exc, action="logs:DescribeLogGroups")) from exc
    for group in groups:
        retention = f"{group.retention_days}d" if group.retention_days else "never expires"
        sys.stdout.write(f"{clean(group.name, limit=512)}\t{group.stored_bytes:,} bytes\t"
                         f"{retention}\n")
    if not groups:
        sys.stderr.write(f"no log group under {clean(prefix, limit=200)!r}\n")
    return 0
