"""API-rate benchmark (issue 12): how many FilterLogEvents the console sends, counted by a proxy
in front of the emulator, for this tree and for a baseline tree, in one run.

    python benchmarks/api_rate_benchmark.py [--baseline-commit c27b3b4] [--idle 60]

Phases, each for the baseline (a `git archive` of the commit, run with the same Python) and
for this tree (`src/` next to this file):

1. the dashboard (a real pseudo-terminal, default intervals, the healthy scenario) left open:
   FilterLogEvents/s over `--idle` s with no new events, then over `--idle` s while a line a
   second is written to the service's group;
2. `tail --follow` while a producer (benchmarks/tail_producer.py) writes ~2,470 events/s for
   `--burst` s: FilterLogEvents/s while it writes, latency PutLogEvents -> stdout (median),
   lost and duplicated events;
3. `tail --since 1970-01-01` on that group for at most `--history` s: FilterLogEvents/s, and
   what it wrote on stderr (the progress line).

Targets: idle <= 0.25/s with no new events, <= 1/s while events flow; `tail --follow` in the
burst <= 1.5/s with the same latency; `--since 1970-01-01` <= 5/s with progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "faults"))
from proxy import FaultProxy  # noqa: E402

from dashboard_benchmark import Dashboard, start_emulator, wait_complete  # noqa: E402
from tail_consumers import StdoutReader, Tally  # noqa: E402

PYTHON = sys.executable
FILTER = "logs:FilterLogEvents"
GROUP = "/ecs/children-drawing-prod"  # the demo service's group (console.demo.names)


class CountingProxy(FaultProxy):
    """The tests' fault proxy, with the time of every request."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.times: list[tuple[float, str]] = []
        self._mutex = threading.Lock()

    def _serve(self, handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        action, _ = self.action_of(handler, body)
        with self._mutex:
            self.times.append((time.time(), action))
        self.seen.append(action)
        self._forward(handler, body)

    def count(self, action: str, start: float, end: float) -> int:
        with self._mutex:
            return sum(1 for t, a in self.times if a == action and start <= t < end)


def env_for(src: Path, url: str, tmp: str) -> dict[str, str]:
    return {**os.environ, "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1", "PYTHONPATH": str(src), "TERM": "xterm-256color",
            "PYTHONDONTWRITEBYTECODE": "1", "INCIDENT_CONSOLE_LOG_DIR": tmp,
            "INCIDENT_CONSOLE_DATA_DIR": tmp, "INCIDENT_CONSOLE_CACHE_DIR": tmp}


def logs_client(endpoint: str):
    import boto3

    return boto3.client("logs", endpoint_url=endpoint, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def dashboard_phase(src: Path, endpoint: str, proxy: CountingProxy, tmp: str,
                    seconds: float) -> dict:
    config = Path(tmp) / "config.toml"
    config.write_text(f'default_env = "bench"\n[env.bench]\nendpoint_url = "{proxy.url}"\n')
    app = Dashboard({**env_for(src, proxy.url, tmp), "INCIDENT_CONSOLE_CONFIG": str(config)})
    try:
        wait_complete(app, timeout=120)
        time.sleep(20)  # the first poll's history read and the first refreshes settle
        t0 = time.time()
        time.sleep(seconds)
        t1 = time.time()
        quiet = proxy.count(FILTER, t0, t1) / (t1 - t0)
        logs = logs_client(endpoint)
        stream = f"bench/flow/{int(t1)}"
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
        stop = threading.Event()

        def write() -> None:
            n = 0
            while not stop.is_set():
                logs.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=[
                    {"timestamp": int(time.time() * 1000), "message": f"INFO flowing {n}"}])
                n += 1
                stop.wait(1.0)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        time.sleep(5)
        t2 = time.time()
        time.sleep(seconds)
        t3 = time.time()
        stop.set()
        writer.join()
        flowing = proxy.count(FILTER, t2, t3) / (t3 - t2)
    finally:
        app.stop()
    return {"quiet_per_s": quiet, "flowing_per_s": flowing}


def burst_phase(src: Path, endpoint: str, proxy: CountingProxy, tmp: str, seconds: float,
                rate: int, name: str) -> tuple[dict, str]:
    group = f"/ecs/bench-rate-{name}-{int(time.time())}"
    summary = Path(tmp) / f"{name}-producer.json"
    producer_cmd = [PYTHON, str(HERE / "tail_producer.py"), "--endpoint-url", endpoint,
                    "--group", group, "--summary", str(summary)]
    subprocess.run([*producer_cmd, "--setup-only"], check=True,
                   env=env_for(src, endpoint, tmp))
    tail = subprocess.Popen([PYTHON, "-m", "console", "tail", "--log-group", group, "--since",
                             "1m", "--follow"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True,
                            env={**env_for(src, proxy.url, tmp),
                                 "INCIDENT_CONSOLE_CONFIG": "/nonexistent"})
    events = int(rate * seconds)
    tally = Tally(events)
    reader = StdoutReader(tail.stdout, tally)
    reader.start()
    time.sleep(3.0)
    t0 = time.time()
    subprocess.run([*producer_cmd, "--rate", str(rate), "--events", str(events)], check=True,
                   env=env_for(src, endpoint, tmp))
    t1 = time.time()
    deadline = time.monotonic() + 60
    while tally.seen < events and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2.0)
    tail.send_signal(signal.SIGINT)
    try:
        tail.wait(timeout=10)
    except subprocess.TimeoutExpired:
        tail.kill()
        tail.wait()
    produced = json.loads(summary.read_text())
    result = tally.summary()
    return {"per_s": proxy.count(FILTER, t0, t1) / (t1 - t0),
            "producer_rate": produced["rate"], "latency_median_s": result["latency_median_s"],
            "latency_p95_s": result["latency_p95_s"], "lost": result["lost"],
            "duplicated": result["duplicated"]}, group


def history_phase(src: Path, proxy: CountingProxy, tmp: str, group: str,
                  seconds: float) -> dict:
    tail = subprocess.Popen([PYTHON, "-m", "console", "tail", "--log-group", group, "--since",
                             "1970-01-01"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**env_for(src, proxy.url, tmp),
                                            "INCIDENT_CONSOLE_CONFIG": "/nonexistent"})
    lines = [0]
    threading.Thread(target=lambda: [lines.__setitem__(0, lines[0] + 1)
                                     for _ in tail.stdout], daemon=True).start()
    err: list[str] = []
    threading.Thread(target=lambda: err.extend(tail.stderr), daemon=True).start()
    t0 = time.time()
    try:
        tail.wait(timeout=seconds)
        finished = True
    except subprocess.TimeoutExpired:
        tail.send_signal(signal.SIGINT)
        tail.wait(timeout=10)
        finished = False
    t1 = time.time()
    time.sleep(0.5)
    return {"per_s": proxy.count(FILTER, t0, t1) / (t1 - t0), "requests":
            proxy.count(FILTER, t0, t1), "seconds": t1 - t0, "finished": finished,
            "lines_out": lines[0], "stderr_lines": len(err),
            "stderr_last": err[-1].strip() if err else ""}


def run_tree(label: str, src: Path, endpoint: str, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp, CountingProxy(endpoint) as proxy:
        print(f"[{label}] dashboard, {args.idle:.0f} s quiet then {args.idle:.0f} s flowing",
              flush=True)
        dash = (dashboard_phase(src, endpoint, proxy, tmp, args.idle) if args.idle
                else {"quiet_per_s": float("nan"), "flowing_per_s": float("nan")})
        print(f"[{label}] tail --follow during a burst of {args.rate} ev/s", flush=True)
        burst, group = burst_phase(src, endpoint, proxy, tmp, args.burst, args.rate, label)
        print(f"[{label}] tail --since 1970-01-01", flush=True)
        history = history_phase(src, proxy, tmp, group, args.history)
    return {"dashboard": dash, "burst": burst, "history": history}


def baseline_src(commit: str, dest: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", commit, "src"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "src"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-commit", default="c27b3b4",
                        help="the tree to compare with (default: where this branch began); "
                        "'none' to skip")
    parser.add_argument("--idle", type=float, default=60.0, help="0: skip the dashboard")
    parser.add_argument("--burst", type=float, default=40.0)
    parser.add_argument("--rate", type=int, default=2470)
    parser.add_argument("--history", type=float, default=20.0)
    args = parser.parse_args()
    emulator, endpoint = start_emulator("healthy")
    results: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory() as base:
            trees = [("this tree", HERE.parent / "src")]
            if args.baseline_commit != "none":
                trees.insert(0, ("baseline", baseline_src(args.baseline_commit, Path(base))))
            for label, src in trees:
                results[label] = run_tree(label, src, endpoint, args)
    finally:
        emulator.send_signal(signal.SIGINT)
        try:
            emulator.wait(timeout=15)
        except subprocess.TimeoutExpired:
            emulator.kill()
    report(results)
    return 0


def report(results: dict[str, dict]) -> None:
    labels = list(results)
    rows = [
        ("idle dashboard, no new events: FilterLogEvents/s", "<= 0.25",
         lambda r: f"{r['dashboard']['quiet_per_s']:.2f}"),
        ("idle dashboard, events flowing (1 line/s): FilterLogEvents/s", "<= 1",
         lambda r: f"{r['dashboard']['flowing_per_s']:.2f}"),
        ("tail --follow in the burst: FilterLogEvents/s", "<= 1.5",
         lambda r: f"{r['burst']['per_s']:.2f} (producer {r['burst']['producer_rate']:.0f} "
         "ev/s)"),
        ("tail --follow: latency median / p95 s", "same",
         lambda r: f"{_s(r['burst']['latency_median_s'])} / {_s(r['burst']['latency_p95_s'])}"),
        ("tail --follow: lost / duplicated", "0 / 0",
         lambda r: f"{r['burst']['lost']} / {r['burst']['duplicated']}"),
        ("tail --since 1970-01-01: FilterLogEvents/s", "<= 5",
         lambda r: f"{r['history']['per_s']:.2f} ({r['history']['requests']} in "
         f"{r['history']['seconds']:.0f} s, {'done' if r['history']['finished'] else 'cut'})"),
        ("tail --since 1970-01-01: lines out / stderr lines", "progress",
         lambda r: f"{r['history']['lines_out']:,} / {r['history']['stderr_lines']}"),
    ]
    print()
    print("| measure | " + " | ".join(labels) + " | target |")
    print("|---|" + "---|" * len(labels) + "---|")
    for name, target, cell in rows:
        print(f"| {name} | " + " | ".join(cell(results[x]) for x in labels) + f" | {target} |")
    for label in labels:
        print(f"{label}: last stderr line of --since 1970-01-01: "
              f"{results[label]['history']['stderr_last'][:160]!r}")
    print(json.dumps(results, default=str))


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    sys.exit(main())
