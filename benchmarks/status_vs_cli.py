"""Benchmark: `incident-console status --json` against the guide's weekly health-check script.

Both run against the same emulated deployment (the demo, in this process). The console is timed
from process start to a complete `status --json` (every probe: stack, ECS service and tasks,
target health, logs, alarms, costs). The script is the guide's "Weekly health check": its five
`aws` calls one after another (describe-services, describe-target-groups + describe-target-health,
describe-alarms --state-value ALARM, ce get-cost-and-usage), each a new `aws` process, as cron
would run it. Prints the medians of N runs and the ratio.

    python benchmarks/status_vs_cli.py [--runs 7] [--scenario p0-outage] [--latency-ms 0 40]

The emulator answers in a millisecond; AWS is a network round trip away. `--latency-ms` runs
the comparison again through a local proxy that holds every request for that long before
passing it on (40 ms is a typical round trip to eu-west-1 from elsewhere in Europe), which is
where the console's concurrent probes and the script's one-call-after-another differ most.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
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


class DelayProxy:
    """A TCP proxy on 127.0.0.1 that delays each chunk a client sends by `delay_s` (one HTTP
    request per chunk here): a network round trip in front of the emulator."""

    def __init__(self, target_port: int, delay_s: float) -> None:
        self.target_port = target_port
        self.delay_s = delay_s
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.port = 0
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        ready.wait()

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _pipe(self, reader, writer, delay: float) -> None:
        try:
            while data := await reader.read(65536):
                if delay:
                    await asyncio.sleep(delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _client(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pipe(reader, up_writer, self.delay_s),
                             self._pipe(up_reader, writer, 0))


def compare(env: dict[str, str], runs: int, label: str) -> None:
    console_status(env)  # warm the emulator's lazily loaded backends
    console_times = [console_status(env) for _ in range(runs)]
    print(f"[{label}] incident-console status --json: median "
          f"{statistics.median(console_times):.3f} s (min {min(console_times):.3f}, "
          f"max {max(console_times):.3f}, {runs} runs)")
    aws = shutil.which("aws")
    if aws is None:
        print("aws CLI not installed: the script's side was not measured")
        return
    weekly_script(env, aws)
    script_times = [weekly_script(env, aws) for _ in range(runs)]
    print(f"[{label}] guide's weekly health-check script (aws CLI, 5 calls): median "
          f"{statistics.median(script_times):.3f} s (min {min(script_times):.3f}, "
          f"max {max(script_times):.3f})")
    ratio = statistics.median(script_times) / statistics.median(console_times)
    print(f"[{label}] ratio: the console is {ratio:.1f}x faster (target: at least 5x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", default="p0-outage")
    parser.add_argument("--latency-ms", type=float, nargs="*", default=[0, 40])
    args = parser.parse_args()

    from console.demo import DemoRun

    with DemoRun(args.scenario, traffic=False) as demo, \
            tempfile.TemporaryDirectory() as home:
        base = {**os.environ, **demo.env(), "INCIDENT_CONSOLE_CACHE_DIR": home,
                "INCIDENT_CONSOLE_LOG_DIR": home, "INCIDENT_CONSOLE_DATA_DIR": home,
                "INCIDENT_CONSOLE_CONFIG": os.path.join(home, "none.toml"),
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
        emulator_port = int(demo.endpoint_url.rsplit(":", 1)[1])
        for latency in args.latency_ms:
            env = dict(base)
            if latency:
                proxy = DelayProxy(emulator_port, latency / 1000)
                env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{proxy.port}"
            compare(env, args.runs, f"{latency:g} ms per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
