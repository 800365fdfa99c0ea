"""Log tail benchmark (issue 4): the tail engine into the log view and into `tail` stdout,
against moto's server in its own process with a producer writing continuously; then the same
moderate workload through `incident-console tail` and through awslogs, side by side.

    python benchmarks/tail_benchmark.py --quick      # about 3 minutes
    python benchmarks/tail_benchmark.py              # full: 1,000,000 events into the view

Workload (benchmarks/tail_producer.py): 16 streams flushed every 250 ms and 4 flushed every
5 s (the awslogs driver's default), timestamps on a shared 2 ms grid (hundreds of events per
millisecond across streams), and 0.2% late events 2-20 s old (inside the 30 s overlap).
Measured: events/s delivered while the producer ran, latency PutLogEvents -> display (median,
p95; late events apart), lost and duplicated, CPU seconds, the event loop's worst lag, RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from tail_consumers import StdoutReader, Tally, rss_mb  # noqa: E402

PYTHON = sys.executable
AWSLOGS = Path("/tmp/awslogs-venv/bin/awslogs")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
            return proc, url
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto did not start")


def child_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def env_for(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x",
               AWS_REGION="eu-west-1", AWS_DEFAULT_REGION="eu-west-1", PYTHONUNBUFFERED="1",
               INCIDENT_CONSOLE_CONFIG="/nonexistent", PYTHONPATH=str(HERE.parent / "src"))
    return env


class Run:
    """One producer run on a fresh group, with a consumer started before it."""

    def __init__(self, url: str, tmp: Path, name: str, rate: int, events: int) -> None:
        self.url, self.tmp, self.name, self.rate, self.events = url, tmp, name, rate, events
        self.group = f"/ecs/bench-{name}-{int(time.time())}"
        self.summary = tmp / f"{name}-producer.json"
        subprocess.run([PYTHON, str(HERE / "tail_producer.py"), "--endpoint-url", url,
                        "--group", self.group, "--summary", str(self.summary), "--setup-only"],
                       check=True, env=env_for(url))
        self.start_ms = int(time.time() * 1000) - 60_000

    def produce(self) -> subprocess.Popen:
        return subprocess.Popen([PYTHON, str(HERE / "tail_producer.py"), "--endpoint-url",
                                 self.url, "--group", self.group, "--summary",
                                 str(self.summary), "--rate", str(self.rate), "--events",
                                 str(self.events)], env=env_for(self.url))

    def produced(self) -> dict:
        return json.loads(self.summary.read_text())


def view_phase(url: str, tmp: Path, rate: int, events: int, drain: float) -> dict:
    run = Run(url, tmp, "view", rate, events)
    done = tmp / "view-done"
    consumer = subprocess.Popen(
        [PYTHON, str(HERE / "tail_consumers.py"), "view", "--endpoint-url", url, "--group",
         run.group, "--start-ms", str(run.start_ms), "--events", str(events), "--done-file",
         str(done), "--drain", str(drain)], stdout=subprocess.PIPE, text=True,
        env=env_for(url))
    time.sleep(3.0)  # the app is up and polling before the first event
    producer = run.produce()
    producer.wait()
    done.write_text("done")
    out, _ = consumer.communicate(timeout=drain + 600)
    result = json.loads(out.strip().splitlines()[-1])
    return {**result, "producer": run.produced()}


def stdout_phase(url: str, tmp: Path, name: str, rate: int, events: int, drain: float,
                 command: list[str]) -> dict:
    """A consumer that writes lines (our `tail --follow`, or awslogs), read from its pipe."""
    run = Run(url, tmp, name, rate, events)
    command = [part.replace("{group}", run.group) for part in command]
    consumer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, env=env_for(url))
    tally = Tally(events)
    reader = StdoutReader(consumer.stdout, tally)
    reader.start()
    time.sleep(3.0)
    producer = run.produce()
    rss_peak = 0.0
    while producer.poll() is None:
        rss_peak = max(rss_peak, rss_mb(consumer.pid))
        time.sleep(0.5)
    deadline = time.monotonic() + drain
    while tally.seen < events and time.monotonic() < deadline:
        rss_peak = max(rss_peak, rss_mb(consumer.pid))
        time.sleep(0.2)
    time.sleep(2.0)  # duplicates, if any, show up late
    cpu = child_cpu_s(consumer.pid)
    rss_end = rss_mb(consumer.pid)
    consumer.send_signal(signal.SIGINT)
    try:
        consumer.wait(timeout=10)
    except subprocess.TimeoutExpired:
        consumer.kill()
    return {**tally.summary(), "cpu_s": cpu, "rss_mb": rss_end, "peak_rss_mb": rss_peak,
            "lines": reader.lines, "producer": run.produced()}


def ensure_awslogs() -> str | None:
    if AWSLOGS.exists():
        return None
    if shutil.which("python3") is None:
        return "python3 not found"
    venv = AWSLOGS.parent.parent
    steps = [[sys.executable, "-m", "venv", str(venv)],
             [str(venv / "bin" / "pip"), "install", "-q", "awslogs"]]
    for step in steps:
        if subprocess.run(step, capture_output=True).returncode != 0:
            return f"could not install awslogs ({' '.join(step[-2:])})"
    return None if AWSLOGS.exists() else "awslogs did not install"


def rate_of(result: dict) -> float:
    """Events/s shown while the producer ran (plus 2 s to let the last put through), per
    second of production: what the tail sustained, late events aside."""
    producer = result["producer"]
    start, end = producer["started"], producer["ended"] + 2.0
    shown = sum(n for second, n in result["per_second"].items() if start - 1 <= int(second) <= end)
    return shown / max(1e-9, producer["ended"] - producer["started"])


def row(name: str, r: dict) -> str:
    def f(value, fmt="{:.2f}"):
        return "-" if value is None else fmt.format(value)

    return (f"| {name} | {r['producer']['events']:,} | {r['producer']['rate']:,.0f} | "
            f"{rate_of(r):,.0f} | {r['lost']} | {r['duplicated']} | "
            f"{f(r['latency_median_s'])} / {f(r['latency_p95_s'])} | "
            f"{f(r['late_median_s'])} ({r['late_events']}) | {r['cpu_s']:.1f} | "
            f"{f(r.get('worst_loop_lag_ms'), '{:.0f}')} | {r['rss_mb']:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description="Log tail benchmark (issue 4)")
    parser.add_argument("--quick", action="store_true", help="short run (~3 minutes)")
    parser.add_argument("--rate", type=int, default=20_000, help="producer events/s")
    parser.add_argument("--events", type=int, help="events into the view (full: 1,000,000)")
    parser.add_argument("--compare-rate", type=int, default=2_000,
                        help="events/s of the workload run through tail and awslogs")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["view", "stdout", "compare"])
    args = parser.parse_args()
    events = args.events or (200_000 if args.quick else 1_000_000)
    stdout_events = 200_000 if args.quick else 500_000
    compare_events = args.compare_rate * (20 if args.quick else 60)
    tmp = Path(f"/tmp/tail-bench-{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    moto, url = start_moto()
    results: dict[str, dict] = {}
    tail_cmd = [PYTHON, "-m", "console", "tail", "--log-group", "{group}", "--since", "2m",
                "--follow"]
    try:
        if "view" not in args.skip:
            results["engine -> log view"] = view_phase(url, tmp, args.rate, events, 45)
            print(json.dumps(results["engine -> log view"]), flush=True)
        if "stdout" not in args.skip:
            results["engine -> tail stdout"] = stdout_phase(
                url, tmp, "stdout", args.rate, stdout_events, 45, tail_cmd)
            print(json.dumps(results["engine -> tail stdout"]), flush=True)
        if "compare" not in args.skip:
            results["tail (compare)"] = stdout_phase(url, tmp, "ours", args.compare_rate,
                                                     compare_events, 45, tail_cmd)
            problem = ensure_awslogs()
            if problem:
                print(f"awslogs skipped: {problem}")
            else:
                results["awslogs (compare)"] = stdout_phase(
                    url, tmp, "awslogs", args.compare_rate, compare_events, 45,
                    [str(AWSLOGS), "get", "{group}", "ALL", "--watch", "--start", "2m",
                     "--no-color"])
    finally:
        moto_cpu = child_cpu_s(moto.pid)
        moto.terminate()
    print()
    print("| run | events | producer ev/s | delivered ev/s | lost | dup | latency "
          "median / p95 s | late events median s (n) | CPU s | worst loop lag ms | RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, result in results.items():
        print(row(name, result))
    ours, theirs = results.get("tail (compare)"), results.get("awslogs (compare)")
    if ours and theirs:
        print(f"\nCPU for the same {compare_events:,} events: tail {ours['cpu_s']:.1f} s, "
              f"awslogs {theirs['cpu_s']:.1f} s: ratio {ours['cpu_s'] / theirs['cpu_s']:.2f}")
    print(f"moto's own CPU over the whole run: {moto_cpu:.0f} s")


if __name__ == "__main__":
    main()
