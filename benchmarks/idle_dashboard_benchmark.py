"""Benchmark: the idle dashboard's CPU at scale, screen included (issue 12: "idle dashboard CPU
at 500 tasks / 1,000 in a crash loop < 3 %").

Each case is the scaling benchmark's emulator (`scaling_benchmark.py --serve CASE`: the healthy
scenario plus 500 running tasks, or 1,000 tasks in a crash loop, 10 crashing and 10 replacements
every 10 s) in a process of its own. The real app runs in a pseudo-terminal (120x40 unless
`--size`), as `dashboard_benchmark.py` runs it, at its default refresh intervals. Once every pane
shows its data on the screen and a settling period has passed, the dashboard's CPU time over
`--idle` seconds of wall time is its idle CPU (a share of one core).

`--baseline-src DIR` runs another checkout's `src` (e.g. `git archive` of main) side by side:
both dashboards run at the same time against the same emulator over the same window, so the
ratio holds even on a busy machine (CPU time, not wall time; the load average is printed).

    python benchmarks/idle_dashboard_benchmark.py [--idle 60] [--cases tasks-500 crash-loop-1000]
        [--baseline-src /tmp/base/src]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from dashboard_benchmark import Dashboard, wait_complete, write_config

SCALING = Path(__file__).parent / "scaling_benchmark.py"
CASES = ("tasks-500", "crash-loop-1000")


def start_scaling_emulator(case: str) -> tuple[subprocess.Popen, str]:
    child = subprocess.Popen([sys.executable, str(SCALING), "--serve", case], text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    endpoint = child.stdout.readline().strip()
    if not endpoint.startswith("http"):
        child.kill()
        raise SystemExit(f"{case}: the emulator did not start")
    return child, endpoint


def crash_every(child: subprocess.Popen, stop: threading.Event, every_s: float = 10.0) -> None:
    """The crash loop: 10 running tasks crash and 10 replacements start, every 10 s."""
    while not stop.wait(every_s):
        child.stdin.write("crash 10\n")
        child.stdin.flush()
        child.stdout.readline()


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_case(case: str, sources: dict[str, str | None], idle_s: float, settle_s: float,
             size: tuple[int, int], profile: str | None = None) -> dict[str, float]:
    child, endpoint = start_scaling_emulator(case)
    stop = threading.Event()
    apps: dict[str, Dashboard] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp)
            config = home / "normal.toml"
            write_config(config, endpoint, 1)
            for label, src in sources.items():
                env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "TERM": "xterm-256color",
                       "INCIDENT_CONSOLE_CONFIG": str(config),
                       "INCIDENT_CONSOLE_LOG_DIR": str(home / label),
                       "INCIDENT_CONSOLE_DATA_DIR": str(home / label),
                       "INCIDENT_CONSOLE_CACHE_DIR": str(home / f"cache-{label}")}
                if src:
                    env["PYTHONPATH"] = src
                apps[label] = Dashboard(env, size=size)
            for app in apps.values():
                wait_complete(app, timeout=180)
            if case.startswith("crash-loop"):
                threading.Thread(target=crash_every, args=(child, stop), daemon=True).start()
            time.sleep(settle_s)
            before = {label: app.cpu_seconds() for label, app in apps.items()}
            load_before, started = load_average(), time.monotonic()
            spy = None
            if profile:  # py-spy samples this checkout's dashboard (its own process)
                spy = subprocess.Popen([profile, "record", "-p", str(apps["this checkout"].pid),
                                        "-d", str(int(idle_s)), "-r", "200", "-f", "raw",
                                        "-o", f"{case}.pyspy.txt"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            time.sleep(idle_s)
            wall = time.monotonic() - started
            shares = {label: (app.cpu_seconds() - before[label]) / wall
                      for label, app in apps.items()}
            print(f"{case}: load average {load_before} -> {load_average()}; idle CPU over "
                  f"{wall:.0f} s: " + ", ".join(f"{label} {share:.1%}"
                                                for label, share in shares.items()), flush=True)
            if spy is not None:
                spy.wait(timeout=60)
            return shares
    finally:
        stop.set()
        for app in apps.values():
            app.stop()
        child.stdin.close()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=15.0)
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument("--baseline-src", help="another checkout's src/ run side by side")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--py-spy", help="path of py-spy: profile this checkout's dashboard "
                        "over the idle window into CASE.pyspy.txt (collapsed stacks; py-spy's "
                        "sampling adds to the CPU measured)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    sources: dict[str, str | None] = {"this checkout": None}
    if args.baseline_src:
        sources["baseline"] = str(Path(args.baseline_src).resolve())
    rows = [(case, run_case(case, sources, args.idle, args.settle, (width, height),
                             args.py_spy))
            for case in args.cases]
    print(f"\n| case | {' | '.join(sources)} |")
    print("|---|" + "---|" * len(sources))
    for case, shares in rows:
        print(f"| {case} | " + " | ".join(f"{shares[label]:.1%}" for label in sources) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
