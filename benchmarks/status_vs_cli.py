"""Benchmark: `incident-console status --json` against the guide's weekly health-check script.

Both run against the same emulated deployment (the demo, in this process). The console is timed
from process start to a complete `status --json` (every probe: stack, ECS service and tasks,
target health, logs, alarms, costs). The script is the guide's "Weekly health check": its five
`aws` calls one after another (describe-services, describe-target-groups + describe-target-health,
describe-alarms --state-value ALARM, ce get-cost-and-usage), each a new `aws` process, as cron
would run it. Prints the medians of N runs and the ratio.

    python benchmarks/status_vs_cli.py [--runs 7] [--scenario p0-outage]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

CLUSTER = "children-drawing-prod-cluster"
SERVICE = "children-drawing-prod-service"


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done


def console_status(env: dict[str, str]) -> float:
    elapsed, done = timed([sys.executable, "-m", "console", "status", "--json"], env)
    if done.returncode != 0:
        raise SystemExit(f"status failed ({done.returncode}): {done.stderr.strip()}")
    probes = json.loads(done.stdout)["probes"]
    failed = [name for name, p in probes.items() if not p["ok"]]
    if failed:
        raise SystemExit(f"status: probes failed: {failed}")
    return elapsed


def weekly_script(env: dict[str, str], aws: str) -> float:
    """The guide's weekly health-check script, call for call."""
    today = datetime.now(UTC).date()
    region = ["--region", "eu-west-1"]
    started = time.perf_counter()
    steps = [
        [aws, "ecs", "describe-services", "--cluster", CLUSTER, "--services", SERVICE, *region],
    ]
    for cmd in steps:
        subprocess.run(cmd, env=env, capture_output=True, check=True)
    tg_arn = subprocess.run(
        [aws, "elbv2", "describe-target-groups", "--names", "children-drawing-prod-tg",
         "--query", "TargetGroups[0].TargetGroupArn", "--output", "text", *region],
        env=env, capture_output=True, text=True, check=True).stdout.strip()
    for cmd in (
        [aws, "elbv2", "describe-target-health", "--target-group-arn", tg_arn, *region],
        [aws, "cloudwatch", "describe-alarms", "--state-value", "ALARM", *region],
        [aws, "ce", "get-cost-and-usage", "--time-period",
         f"Start={today - timedelta(days=7)},End={today}", "--granularity", "DAILY",
         "--metrics", "BlendedCost", "--region", "us-east-1"],
    ):
        subprocess.run(cmd, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", default="p0-outage")
    args = parser.parse_args()

    from console.demo import DemoRun

    with DemoRun(args.scenario, traffic=False) as demo, \
            tempfile.TemporaryDirectory() as home:
        env = {**os.environ, **demo.env(), "INCIDENT_CONSOLE_CACHE_DIR": home,
               "INCIDENT_CONSOLE_LOG_DIR": home, "AWS_CONFIG_FILE": os.devnull,
               "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
        console_status(env)  # warm the emulator's lazily loaded backends
        console_times = [console_status(env) for _ in range(args.runs)]
        print(f"incident-console status --json: median {statistics.median(console_times):.3f} s"
              f" (min {min(console_times):.3f}, max {max(console_times):.3f}, "
              f"{args.runs} runs, cost cache cleared never: first run fetched, rest cached)")
        aws = shutil.which("aws")
        if aws is None:
            print("aws CLI not installed: the script's side was not measured")
            return 0
        weekly_script(env, aws)
        script_times = [weekly_script(env, aws) for _ in range(args.runs)]
        print(f"guide's weekly health-check script (aws CLI, 5 calls): median "
              f"{statistics.median(script_times):.3f} s (min {min(script_times):.3f}, "
              f"max {max(script_times):.3f})")
        ratio = statistics.median(script_times) / statistics.median(console_times)
        print(f"ratio: the console is {ratio:.1f}x faster (target: at least 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
