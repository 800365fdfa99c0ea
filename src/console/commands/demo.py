"""`incident-console demo`: the console against an emulated deployment, no AWS account needed.

Starts moto's server in-process on 127.0.0.1, builds the troubleshooting guide's deployment with
its names, applies a scenario and keeps log lines flowing. ``--emulator-only`` serves it without
the dashboard and prints what another client (the AWS CLI, `incident-console status`) needs.
"""

from __future__ import annotations

import argparse

HELP = "run the console against an emulated deployment (no AWS account needed)"
DESCRIPTION = (
    "Start an AWS emulator (moto) on 127.0.0.1, build the children-drawing-prod deployment "
    "in it, apply a scenario and open the dashboard. Needs the demo extra: "
    "pip install 'incident-console[demo]'."
)
SCENARIO_NAMES = ("healthy", "p0-outage", "p1-degraded", "stack-rollback", "cost-overrun",
                  "backup-failure", "rolling-deploy", "fail-open")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", default="p0-outage", metavar="NAME",
                        help=f"one of: {', '.join(SCENARIO_NAMES)} (default: p0-outage)")
    parser.add_argument("--emulator-only", action="store_true",
                        help="only serve the emulated deployment; print its endpoint and "
                        "environment variables and run until interrupted")
    parser.add_argument("--lines-per-second", type=float, default=3.0, metavar="N",
                        help="application log lines the demo writes per second (default 3; "
                        "0: none, for a deployment where nothing changes)")


def run(args: argparse.Namespace) -> int:
    from console.errors import UsageError

    if args.scenario not in SCENARIO_NAMES:
        raise UsageError(f"unknown scenario {args.scenario!r}; scenarios: "
                         f"{', '.join(SCENARIO_NAMES)}")
    import importlib.util

    if importlib.util.find_spec("moto") is None:  # the emulator is an extra
        raise UsageError("the demo needs the emulator: pip install 'incident-console[demo]' "
                         "(moto is not installed)")
    from console.demo import DemoRun

    if args.lines_per_second < 0:
        raise UsageError("--lines-per-second cannot be negative")
    with DemoRun(args.scenario, traffic=args.lines_per_second > 0,
                 lines_per_second=args.lines_per_second or 1.0) as demo:
        if args.emulator_only:
            return serve(demo, args.scenario)
        return open_dashboard(demo, args)


def serve(demo, scenario: str) -> int:
    import time

    env = demo.env()
    print(f"Emulated deployment children-drawing-prod ({scenario}) at {demo.endpoint_url}")
    print("Point another client at it with:")
    for key, value in env.items():
        print(f"  export {key}={value}")
    print("Then for example:")
    print("  aws ecs describe-services --cluster children-drawing-prod-cluster "
          "--services children-drawing-prod-service")
    print("  incident-console status")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nstopped")
    return 0


def open_dashboard(demo, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from console.cli import flags_from
    from console.commands.dashboard import run_app
    from console.config import resolve

    flags = flags_from(args)
    # The demo allows writing unless --read-only was given.
    flags = replace(flags, write=True if flags.write is None else flags.write)
    env = resolve(flags, env_vars={})
    env = replace(env, aws=demo.settings(), name=f"demo:{args.scenario}")
    return run_app(env, demo=True)
