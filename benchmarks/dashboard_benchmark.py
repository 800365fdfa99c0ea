"""Benchmark the dashboard against the demo: launch to the first complete screen, idle CPU,
and RSS over many refresh cycles.

The emulator runs in its own process (`incident-console demo --emulator-only`), so only the
dashboard's own CPU and memory are measured. The dashboard runs in a real pseudo-terminal
(120x40), as a user would run it. "First complete screen" is read from the screen itself: the
terminal output is replayed into a small screen model and the moment counts is when all six
panes show their data (no `loading…` left), not a line the app logs. Launches with a cold cost
cache (an empty cache directory each time) and a warm one (the cache a launch left) are
reported separately. Each cold launch takes one of the few Cost Explorer answers the demo
queues, so keep `--launches` at 3 or below.

    python benchmarks/dashboard_benchmark.py [--launches 3] [--idle 60] [--soak 300]

Targets (issue 3): first complete screen under 2 s; idle CPU under 3% of one core; RSS under
150 MB and flat. `--soak` runs the probes 12x faster than their defaults (never under 1 s,
the config's floor), so 300 s of soak is about an hour of refresh cycles.
"""

from __future__ import annotations

import argparse
import codecs
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
    # The config refuses intervals under 1 s (they would spend the account's API quotas).
    intervals = "\n".join(f"{name} = {max(1.0, seconds / speedup):.3f}"
                          for name, seconds in DEFAULT_INTERVALS.items())
    path.write_text(f'default_env = "bench"\n[env.bench]\nendpoint_url = "{endpoint}"\n'
                    f'[env.bench.intervals]\n{intervals}\n')


# What each pane shows once it has data (its status line), read from the screen.
PANE_DATA = {
    "stack": re.compile(r"_(COMPLETE|IN_PROGRESS|FAILED)"),
    "ecs": re.compile(r"running \d+/\d+"),
    "targets": re.compile(r"\d+/\d+ healthy"),
    "logs": re.compile(r"\d+ lines · \d+ errors"),
    "alarms": re.compile(r"\d+ in ALARM of \d+"),
    "costs": re.compile(r"month to date"),
}
_CSI = re.compile(r"\x1b\[([0-9;?<>=]*)([ -/]*)([@-~])")
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(\x07|\x1b\\)")


class ScreenModel:
    """Enough of a terminal to read Textual's output: cursor moves, text, erases; colours
    and modes are ignored. `text()` is the screen as a person would read it."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [[" "] * width for _ in range(height)]
        self.x = self.y = 0
        self.pending = ""

    def feed(self, data: str) -> None:
        data = _OSC.sub("", self.pending + data)
        self.pending = ""
        i = 0
        while i < len(data):
            char = data[i]
            if char == "\x1b":
                match = _CSI.match(data, i)
                if match is None:
                    if len(data) - i < 32:  # a sequence cut by the read: finish it next time
                        self.pending = data[i:]
                        return
                    i += 2
                    continue
                self._csi(match.group(1), match.group(3))
                i = match.end()
                continue
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self.y = min(self.height - 1, self.y + 1)
            elif char >= " ":
                if 0 <= self.y < self.height and 0 <= self.x < self.width:
                    self.rows[self.y][self.x] = char
                self.x += 1
            i += 1

    def _csi(self, params: str, final: str) -> None:
        numbers = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []
        if final in "Hf":
            row = numbers[0] if numbers else 1
            col = numbers[1] if len(numbers) > 1 else 1
            self.y, self.x = max(row, 1) - 1, max(col, 1) - 1
        elif final == "J" and numbers[:1] == [2]:
            self.rows = [[" "] * self.width for _ in range(self.height)]
        elif final == "K":
            for x in range(self.x, self.width):
                self.rows[self.y][x] = " "
        elif final == "C":
            self.x += max(numbers[0] if numbers else 1, 1)

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.rows)


def complete_on_screen(text: str) -> bool:
    return "loading…" not in text and all(p.search(text) for p in PANE_DATA.values())


class Dashboard:
    """The real app in a pseudo-terminal; its output feeds a screen model."""

    def __init__(self, env: dict[str, str], size=(120, 40)) -> None:
        self.spawned_at = time.time()
        self.screen = ScreenModel(*size)
        self.complete_at: float | None = None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the dashboard
            os.execvpe(sys.executable, [sys.executable, "-m", "console"], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            if self.complete_at is None:
                self.screen.feed(decoder.decode(data))
                if complete_on_screen(self.screen.text()):
                    self.complete_at = time.time()

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


def wait_complete(app: Dashboard, timeout: float = 60) -> float:
    """Seconds from spawning the dashboard to every pane showing data on its screen."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if app.complete_at is not None:
            return app.complete_at - app.spawned_at
        time.sleep(0.02)
    print(app.screen.text(), file=sys.stderr)
    raise SystemExit("the dashboard never showed every pane's data (its screen is above)")


def launches(base_env: dict[str, str], config: Path, count: int, cache_for) -> list[float]:
    times = []
    for n in range(count):
        app = Dashboard({**base_env, "INCIDENT_CONSOLE_CONFIG": str(config),
                         "INCIDENT_CONSOLE_CACHE_DIR": str(cache_for(n))})
        try:
            times.append(wait_complete(app))
        finally:
            app.stop()
    return times


def report(kind: str, times: list[float]) -> None:
    print(f"launch to first complete screen, {kind} cost cache: median "
          f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, "
          f"{len(times)} launches; target < 2 s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="p0-outage")
    parser.add_argument("--launches", type=int, default=3, help="per cache state (<= 3)")
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle CPU")
    parser.add_argument("--soak", type=float, default=300.0, help="seconds at 12x speed")
    args = parser.parse_args()

    emulator, endpoint = start_emulator(args.scenario)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            base_env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing", "TERM": "xterm-256color",
                        "INCIDENT_CONSOLE_LOG_DIR": tmp, "INCIDENT_CONSOLE_DATA_DIR": tmp}
            normal, fast = home / "normal.toml", home / "fast.toml"
            write_config(normal, endpoint, 1)
            write_config(fast, endpoint, 12)

            cold = launches(base_env, normal, args.launches, lambda n: home / f"cold-{n}")
            warm_cache = home / "cold-0"  # the first cold launch filled it
            warm = launches(base_env, normal, args.launches, lambda n: warm_cache)
            report("cold", cold)
            report("warm", warm)
            if not args.idle and not args.soak:
                return 0
            app = Dashboard({**base_env, "INCIDENT_CONSOLE_CONFIG": str(normal),
                             "INCIDENT_CONSOLE_CACHE_DIR": str(warm_cache)})
            wait_complete(app)
            time.sleep(5)  # let the first refreshes settle
            cpu0, t0 = app.cpu_seconds(), time.monotonic()
            time.sleep(args.idle)
            share = (app.cpu_seconds() - cpu0) / (time.monotonic() - t0)
            print(f"idle CPU over {args.idle:.0f} s: {share:.1%} of one core "
                  "(default intervals, nothing changing; target < 3%)")
            print(f"RSS after the idle period: {app.rss_mb():.1f} MB")
            app.stop()

            app = Dashboard({**base_env, "INCIDENT_CONSOLE_CONFIG": str(fast),
                             "INCIDENT_CONSOLE_CACHE_DIR": str(warm_cache)})
            wait_complete(app)
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
