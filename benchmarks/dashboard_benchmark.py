"""Benchmark the dashboard against the demo: launch to the first complete screen, idle CPU,
and RSS over many refresh cycles.

The emulator runs in its own process (`incident-console demo --emulator-only`), so only the
dashboard's own CPU and memory are measured. The dashboard runs in a real pseudo-terminal
(120x40), as a user would run it; the app logs the moment all six panes first have data.

    python benchmarks/dashboard_benchmark.py [--launches 5] [--idle 60] [--soak 300]

Targets (issue 3): first complete screen under 2 s; idle CPU under 3% of one core; RSS under
150 MB and flat. `--soak` runs the probes 12x faster than their defaults, so 300 s of soak is
an hour of refresh cycles.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

DEFAULT_INTERVALS = {"stack": 30, "ecs": 10, "targets": 15, "logs": 2, "alarms": 30,
                     "costs": 21600}
COMPLETE = re.compile(r"first complete screen at ([0-9.]+)")
TICKS = os.sysconf("SC_CLK_TCK")


def start_emulator(scenario: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "demo", "--emulator-only", "--scenario", scenario,
         "--lines-per-second", "0"], stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        match = re.search(r"at (http://127\.0\.0\.1:\d+)", line)
        if match:
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep draining
            return proc, match.group(1)
    raise SystemExit("the emulator did not start")


def write_config(path: Path, endpoint: str, speedup: float) -> None:
    intervals = "\n".join(f"{name} = {seconds / speedup:.3f}"
                          for name, seconds in DEFAULT_INTERVALS.items())
    path.write_text(f'default_env = "bench"\n[env.bench]\nendpoint_url = "{endpoint}"\n'
                    f'[env.bench.intervals]\n{intervals}\n')


class Dashboard:
    """The real app in a pseudo-terminal; its output is drained and discarded."""

    def __init__(self, env: dict[str, str], size=(120, 40)) -> None:
        self.spawned_at = time.time()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the dashboard
            os.execvpe(sys.executable, [sys.executable, "-m", "console"], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                if not os.read(self.fd, 65536):
                    return
            except OSError:
                return

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)


def wait_complete(log_file: Path, since: float, timeout: float = 60) -> float:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if log_file.exists():
            for match in COMPLETE.finditer(log_file.read_text()):
                moment = float(match.group(1))
                if moment >= since:
                    return moment
        time.sleep(0.02)
    raise SystemExit("the dashboard never showed a complete screen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="p0-outage")
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle CPU")
    parser.add_argument("--soak", type=float, default=300.0, help="seconds at 12x speed")
    args = parser.parse_args()

    emulator, endpoint = start_emulator(args.scenario)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            log_file = home / "incident-console.log"
            base_env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing", "TERM": "xterm-256color",
                        "INCIDENT_CONSOLE_LOG_DIR": tmp, "INCIDENT_CONSOLE_CACHE_DIR": tmp,
                        "INCIDENT_CONSOLE_DATA_DIR": tmp}
            normal, fast = home / "normal.toml", home / "fast.toml"
            write_config(normal, endpoint, 1)
            write_config(fast, endpoint, 12)

            launches = []
            for _ in range(args.launches):
                app = Dashboard({**base_env, "INCIDENT_CONSOLE_CONFIG": str(normal)})
                launches.append(wait_complete(log_file, app.spawned_at) - app.spawned_at)
                if len(launches) < args.launches:
                    app.stop()
            print(f"launch to first complete screen: median {statistics.median(launches):.2f} s "
                  f"(min {min(launches):.2f}, max {max(launches):.2f}, {args.launches} "
                  "launches; target < 2 s)")

            time.sleep(5)  # let the first refreshes settle
            cpu0, t0 = app.cpu_seconds(), time.monotonic()
            time.sleep(args.idle)
            share = (app.cpu_seconds() - cpu0) / (time.monotonic() - t0)
            print(f"idle CPU over {args.idle:.0f} s: {share:.1%} of one core "
                  "(default intervals, nothing changing; target < 3%)")
            print(f"RSS after the idle period: {app.rss_mb():.1f} MB")
            app.stop()

            app = Dashboard({**base_env, "INCIDENT_CONSOLE_CONFIG": str(fast)})
            wait_complete(log_file, app.spawned_at)
            samples = []
            started = time.monotonic()
            while time.monotonic() - started < args.soak:
                time.sleep(min(15.0, args.soak / 10))
                samples.append((time.monotonic() - started, app.rss_mb()))
            app.stop()
            minutes = args.soak * 12 / 60
            print(f"RSS over {args.soak:.0f} s at 12x refresh speed (~{minutes:.0f} min of "
                  "normal refresh cycles):")
            print("  " + "  ".join(f"{t:.0f}s:{mb:.1f}MB" for t, mb in samples))
            first, last = samples[0][1], samples[-1][1]
            peak = max(m for _, m in samples)
            print(f"  first {first:.1f} MB, last {last:.1f} MB, max {peak:.1f} MB, "
                  f"growth {last - first:+.1f} MB (target < 150 MB and flat)")
    finally:
        emulator.send_signal(signal.SIGINT)
        try:
            emulator.wait(timeout=15)
        except subprocess.TimeoutExpired:
            emulator.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
