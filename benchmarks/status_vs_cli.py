"""Benchmark: `incident-console status --json` against the 14 AWS CLI calls learning the same.

Both run against the same emulated deployment (the demo, in this process), through a proxy that
models the network (`latency_proxy.py`): every request waits one round trip, every new
connection two more (TCP and TLS set-up). Connections stay open across requests as AWS keeps
them (`--connections keep-alive`, the default); `--connections close` passes on moto's
`Connection: close`, so every request pays a new connection's set-up. The console runs as its
own process, timed from process start to a complete `status --json` (every probe: stack, ECS
service and tasks, target health, logs, alarms, costs, backups and certificates), with the cost
cache cold (emptied before each run) and discovery cached by the run before (`--discovery
cold` empties that too). The CLI
side is what an on-call engineer would type to learn the same facts, one `aws` process per call,
each value taken from the answer before:

  sts get-caller-identity; cloudformation list-stack-resources, describe-stacks,
  describe-stack-events; ecs describe-services, describe-task-definition (log groups),
  list-tasks RUNNING, list-tasks STOPPED, describe-tasks; elbv2 describe-target-health;
  logs filter-log-events (last 5 min); cloudwatch describe-alarms; ce get-cost-and-usage;
  s3api list-objects-v2 (the newest backup).

The code timed is compiled to bytecode first (`compileall`, as `pip install` does): with
PYTHONDONTWRITEBYTECODE set, as on the shared machine, an editable checkout would otherwise
compile every module it imports on every run, which no installed console does.

Prints, per latency: medians of N runs, the ratio, when the console's first request left, the
dependent round trips before it completed, and its requests by operation.

    python benchmarks/status_vs_cli.py [--runs 5] [--latency-ms 0 40 120] [--discovery warm]
                                       [--trace]

`--trace` also prints the console's last run at each latency request by request: when each
left and was answered (from its connection's first byte) and its dependent round.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from latency_proxy import KeepAliveLatencyProxy, LatencyProxy


def console_status(env: dict[str, str], proxy: LatencyProxy, cache: Path,
                   discovery: str) -> dict:
    for file in cache.glob("*"):  # the cost cache cold; discovery as asked
        if file.is_file() and (discovery == "cold" or not file.name.startswith("discovery-")):
            file.unlink()
    proxy.log.clear()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "console", "status", "--json"], env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1, 2) or not done.stdout.startswith("{"):
        raise SystemExit(f"status failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    payload = json.loads(done.stdout)
    failed = [name for name, p in payload["probes"].items() if not p["ok"]]
    if failed:
        raise SystemExit(f"status: probes failed: {failed}")
    first = min(proxy.log.connections) - started if proxy.log.connections else float("nan")
    return {"elapsed": elapsed, "first": first, "rounds": proxy.log.rounds(),
            "ops": proxy.log.by_operation(), "requests": len(proxy.log.requests),
            "deployment": payload["deployment"], "trace": trace(proxy.log)}


def trace(log) -> list[str]:
    """Each request of the run: its round, when it left and was answered (s after the first
    connection was opened; a new connection's request leaves after its set-up), its action."""
    if not log.connections:
        return []
    opened, lines, done = min(log.connections), [], []
    for r in sorted(log.requests, key=lambda q: q.sent):
        level = 1 + max((lvl for answered, lvl in done if answered <= r.sent), default=0)
        done.append((r.answered or r.sent, level))
        lines.append(f"  round {level}  left {r.sent - opened:6.3f} s  answered "
                     f"{r.answered - opened:6.3f} s  {r.op}")
    return lines


def aws_cli(aws: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([aws, *args, "--output", "json"], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"aws {' '.join(args[:2])} failed: {done.stderr.strip()[-300:]}")
    return done.stdout


def cli_calls(aws: str, env: dict[str, str], stack: str, region: str) -> int:
    """The 14 calls, one after another, each value from the answer before. Returns the count."""
    r = ["--region", region]
    calls = 0

    def call(*args: str) -> dict:
        nonlocal calls
        calls += 1
        return json.loads(aws_cli(aws, env, *args) or "{}")

    call("sts", "get-caller-identity", *r)
    resources = call("cloudformation", "list-stack-resources", "--stack-name", stack, *r)
    by_type: dict[str, list[str]] = {}
    for res in resources["StackResourceSummaries"]:
        by_type.setdefault(res["ResourceType"], []).append(res["PhysicalResourceId"])
    cluster = by_type["AWS::ECS::Cluster"][0].rsplit("/", 1)[-1]
    service = by_type["AWS::ECS::Service"][0].rsplit("/", 1)[-1]
    call("cloudformation", "describe-stacks", "--stack-name", stack, *r)
    call("cloudformation", "describe-stack-events", "--stack-name", stack, *r)
    described = call("ecs", "describe-services", "--cluster", cluster, "--services", service,
                     *r)
    task_definition = described["services"][0]["taskDefinition"]
    td = call("ecs", "describe-task-definition", "--task-definition", task_definition, *r)
    group = td["taskDefinition"]["containerDefinitions"][0]["logConfiguration"]["options"][
        "awslogs-group"]
    arns = call("ecs", "list-tasks", "--cluster", cluster, "--desired-status", "RUNNING",
                *r)["taskArns"]
    arns += call("ecs", "list-tasks", "--cluster", cluster, "--desired-status", "STOPPED",
                 *r)["taskArns"]
    call("ecs", "describe-tasks", "--cluster", cluster, "--tasks", *arns[:100], *r)
    for tg in by_type.get("AWS::ElasticLoadBalancingV2::TargetGroup", [])[:1]:
        call("elbv2", "describe-target-health", "--target-group-arn", tg, *r)
    since = int((time.time() - 300) * 1000)
    call("logs", "filter-log-events", "--log-group-name", group, "--start-time", str(since),
         "--interleaved", *r)
    call("cloudwatch", "describe-alarms", "--alarm-name-prefix", f"{stack}-", *r)
    today = datetime.now(UTC).date()
    call("ce", "get-cost-and-usage", "--time-period",
         f"Start={today.replace(day=1) if today.day > 1 else today - timedelta(days=1)},"
         f"End={today + timedelta(days=1)}", "--granularity", "DAILY", "--metrics",
         "UnblendedCost", "--group-by", "Type=DIMENSION,Key=SERVICE", "--region", "us-east-1")
    buckets = [b for b in by_type.get("AWS::S3::Bucket", []) if "backup" in b]
    for bucket in buckets[:1]:
        call("s3api", "list-objects-v2", "--bucket", bucket, *r)
    return calls


def median(values: list[float]) -> float:
    return statistics.median(values)


def compare(base_env: dict[str, str], emulator_port: int, latency_ms: float, runs: int,
            cache: Path, discovery: str, aws: str | None, stack: str, region: str,
            baseline_src: str | None = None, connections: str = "keep-alive") -> dict:
    proxy_class = KeepAliveLatencyProxy if connections == "keep-alive" else LatencyProxy
    proxy = proxy_class(emulator_port, latency_ms / 1000)
    env = {**base_env, "AWS_ENDPOINT_URL": proxy.url}
    console_status(env, proxy, cache, "warm")  # the emulator's backends; discovery cached
    console = [console_status(env, proxy, cache, discovery) for _ in range(runs)]
    if baseline_src:  # the same, on another checkout's code (e.g. main before this change)
        old_env = {**env, "PYTHONPATH": str(Path(baseline_src) / "src")}
        console_status(old_env, proxy, cache, "warm")  # a code without the cache ignores it
        old = [console_status(old_env, proxy, cache, discovery) for _ in range(runs)]
    row = {"latency_ms": latency_ms,
           "console_s": median([c["elapsed"] for c in console]),
           "first_request_s": median([c["first"] for c in console]),
           "rounds": median([c["rounds"] for c in console]),
           "requests": console[-1]["requests"], "ops": console[-1]["ops"],
           "trace": console[-1]["trace"]}
    if baseline_src:
        row.update(old_s=median([c["elapsed"] for c in old]),
                   old_first_s=median([c["first"] for c in old]),
                   old_rounds=median([c["rounds"] for c in old]))
    if aws:
        times, calls = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            calls = cli_calls(aws, env, stack, region)
            times.append(time.perf_counter() - started)
        row.update(cli_s=median(times), cli_calls=calls, ratio=median(times) / row["console_s"])
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenario", default="p0-outage")
    parser.add_argument("--latency-ms", type=float, nargs="*", default=[0, 40, 120])
    parser.add_argument("--discovery", choices=("warm", "cold"), default="warm",
                        help="discovery cached by the run before (warm) or not (cold)")
    parser.add_argument("--connections", choices=("keep-alive", "close"), default="keep-alive",
                        help="connections kept open across requests as on AWS (default), or "
                             "closed after each answer as moto's server does")
    parser.add_argument("--trace", action="store_true",
                        help="print the console's last run at each latency, request by request")
    parser.add_argument("--baseline-src", metavar="DIR",
                        help="also time status from this checkout (its src/ first on the path)")
    args = parser.parse_args()

    from console.demo import DemoRun
    from console.demo import names as n

    aws = shutil.which("aws")
    for src in (Path(__file__).parents[1] / "src",
                *([Path(args.baseline_src) / "src"] if args.baseline_src else [])):
        compileall.compile_dir(src, quiet=1)
    with DemoRun(args.scenario, traffic=False) as demo, \
            tempfile.TemporaryDirectory() as home:
        cache = Path(home) / "cache"
        cache.mkdir()
        base = {**os.environ, **demo.env(), "INCIDENT_CONSOLE_CACHE_DIR": str(cache),
                "INCIDENT_CONSOLE_LOG_DIR": home, "INCIDENT_CONSOLE_DATA_DIR": home,
                "INCIDENT_CONSOLE_CONFIG": os.path.join(home, "none.toml"),
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
        port = int(demo.endpoint_url.rsplit(":", 1)[1])
        rows = [compare(base, port, latency, args.runs, cache, args.discovery, aws, n.STACK,
                        n.REGION, args.baseline_src, args.connections)
                for latency in args.latency_ms]
    print(f"status --json (cost cache cold, discovery {args.discovery}, connections "
          f"{args.connections}) against "
          f"{rows[0].get('cli_calls', 14)} aws CLI calls; medians of {args.runs} runs")
    print("| latency per request (+2 per new connection) | console | aws CLI calls | ratio "
          "| first request after | dependent round trips | console requests |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        cli = f"{row['cli_s']:.2f} s" if "cli_s" in row else "not installed"
        ratio = f"{row['ratio']:.1f}x" if "ratio" in row else "-"
        print(f"| {row['latency_ms']:g} ms | {row['console_s']:.2f} s | {cli} | {ratio} | "
              f"{row['first_request_s']:.3f} s | {row['rounds']:g} | {row['requests']} |")
    for row in rows:
        if "old_s" in row:
            print(f"baseline at {row['latency_ms']:g} ms: {row['old_s']:.2f} s, first request "
                  f"after {row['old_first_s']:.3f} s, {row['old_rounds']:g} dependent round "
                  f"trips; this code {row['console_s']:.2f} s")
    print("console requests by operation (last run at the last latency):",
          json.dumps(rows[-1]["ops"]))
    for row in rows if args.trace else ():
        print(f"console's last run at {row['latency_ms']:g} ms:")
        print("\n".join(row["trace"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
