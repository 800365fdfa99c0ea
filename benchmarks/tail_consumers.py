"""The benchmark's readers of the producer's log group, each measured the same way.

* `view` (run as a child process: `python benchmarks/tail_consumers.py view ...`): the log
  view in a headless Textual app (`App.run_test`), following the group with the default
  settings; every batch the screen writes into its `Log` is timestamped. Also measures the
  event loop's worst lag, CPU seconds and RSS. Prints one JSON line of results.
* `StdoutReader`: reads the lines of a subprocess (`incident-console tail --follow`, or
  awslogs) and timestamps each as it arrives.

Every message carries ``seq=N put=T`` (see tail_producer.py): a reader counts what it got
once, twice or not at all, and the latency from PutLogEvents to display.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import threading
import time
from array import array
from pathlib import Path

SEQ = re.compile(r"seq=(\d+) put=([\d.]+) k=(\w)")


class Tally:
    """Counts per sequence number and latencies (compact: a bytearray and float arrays)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.counts = bytearray(total)
        self.latency = array("d")
        self.late_latency = array("d")
        self.seen = 0
        self.per_second: dict[int, int] = {}  # wall second -> events first shown then
        self.first_at: float | None = None
        self.last_at = 0.0

    def record(self, message: str, at: float) -> None:
        match = SEQ.search(message)
        if match is None:
            return
        seq = int(match.group(1))
        if seq >= self.total:
            return
        if self.counts[seq] == 0:
            self.seen += 1
            self.per_second[int(at)] = self.per_second.get(int(at), 0) + 1
        self.counts[seq] = min(255, self.counts[seq] + 1)
        delay = at - float(match.group(2))
        (self.late_latency if match.group(3) == "l" else self.latency).append(delay)
        if self.first_at is None:
            self.first_at = at
        self.last_at = at

    def summary(self) -> dict:
        lat = sorted(self.latency)
        late = sorted(self.late_latency)
        both = sorted([*lat, *late])

        def pct(values, p):
            return values[min(len(values) - 1, int(len(values) * p))] if values else None

        return {"seen": self.seen, "lost": self.total - self.seen,
                "duplicated": sum(1 for c in self.counts if c > 1),
                "latency_median_s": pct(both, 0.5), "latency_p95_s": pct(both, 0.95),
                "on_time_median_s": pct(lat, 0.5), "on_time_p95_s": pct(lat, 0.95),
                "late_events": len(late), "late_median_s": pct(late, 0.5),
                "late_max_s": late[-1] if late else None,
                "first_at": self.first_at, "last_at": self.last_at,
                "per_second": self.per_second}


class StdoutReader(threading.Thread):
    """Reads a subprocess's stdout line by line into a `Tally`."""

    def __init__(self, stream, tally: Tally) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.tally = tally
        self.lines = 0

    def run(self) -> None:
        for line in self.stream:
            self.lines += 1
            self.tally.record(line, time.time())


def rss_mb(pid: str | int = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def run_view(endpoint: str, group: str, start_ms: int, total: int,
                   done_file: Path, drain_s: float) -> dict:
    """Follow `group` in the log view until every event is shown (or `drain_s` after the
    producer finished), with the view's default settings."""
    from textual.app import App

    from console.screens.log_view import LogViewScreen, TailBatch
    from probes.context import AwsContext, AwsSettings
    from probes.log_sources import TailTarget

    class ScreenApp(App):
        def __init__(self, make) -> None:
            super().__init__()
            self._make = make

        def on_mount(self) -> None:
            self.push_screen(self._make())

    tally = Tally(total)
    original = LogViewScreen.on_tail_batch

    async def on_batch(self, message: TailBatch) -> None:
        await original(self, message)  # written into the Log widget: now it is on screen
        at = time.time()
        for event in message.events:
            tally.record(event.message, at)

    LogViewScreen.on_tail_batch = on_batch  # type: ignore[method-assign]
    ctx = AwsContext(AwsSettings(endpoint_url=endpoint, static_credentials=("x", "x")))
    worst_lag = 0.0
    app = ScreenApp(lambda: LogViewScreen(ctx, TailTarget((group,), title=group),
                                          since_ms=start_ms))
    async with app.run_test(headless=True, size=(120, 40)):
        await asyncio.sleep(2.0)  # startup is not the steady state
        done_at = None
        while tally.seen < total:
            tick = time.perf_counter()
            await asyncio.sleep(0.01)
            worst_lag = max(worst_lag, time.perf_counter() - tick - 0.01)
            if done_at is None and done_file.exists():
                done_at = time.monotonic()
            if done_at is not None and time.monotonic() - done_at > drain_s:
                break
        rss = rss_mb()
    await ctx.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {**tally.summary(), "cpu_s": usage.ru_utime + usage.ru_stime,
            "worst_loop_lag_ms": worst_lag * 1000, "rss_mb": rss,
            "peak_rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["view"])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--start-ms", type=int, required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--done-file", type=Path, required=True)
    parser.add_argument("--drain", type=float, default=40.0)
    args = parser.parse_args()
    result = asyncio.run(run_view(args.endpoint_url, args.group, args.start_ms, args.events,
                                  args.done_file, args.drain))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
