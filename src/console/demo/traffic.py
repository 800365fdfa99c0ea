"""Keep application log lines flowing into the deployment's log group while a demo runs.

`TrafficProducer` first backfills the last few minutes (so the log pane is never empty), then a
daemon thread writes what each task's `StreamScript` has due every tick: a few lines a second in
all, into one stream per task named as the awslogs driver names it. It never writes to the
terminal: a failure (the emulator went away) is kept in `last_error` and ends the thread.
"""

from __future__ import annotations

import contextlib
import heapq
import random
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from console.demo import loglines
from console.demo import names as n
from console.demo.loglines import Event, LineWriter, LogSource

_MAX_BATCH = 2_000  # PutLogEvents takes up to 10,000 events and 1 MB
_LINES_PER_BURST = 1.4  # bursts average about this many events


class StreamScript:
    """The deterministic event sequence of one stream from `anchor` on."""

    def __init__(self, source: LogSource, scenario: str, seed: int, mean_gap_s: float,
                 anchor: datetime):
        self.source = source
        self.rng = random.Random(f"{seed}:{scenario}:{source.stream}")
        self.writer = LineWriter(self.rng, source)
        self.mean_gap_s = mean_gap_s
        bursts = loglines.mix_for(scenario)
        self._bursts = [b for b, _ in bursts]
        self._weights = [w for _, w in bursts]
        self._pending: list[tuple[datetime, int, str]] = []
        self._order = 0
        self.finished = False
        if source.started_at >= anchor:
            self._queue(loglines.startup(self.writer, source.started_at))
            self._next_at = source.started_at + timedelta(seconds=4)
        else:
            self._next_at = anchor + timedelta(seconds=self.rng.uniform(0, mean_gap_s))
        if source.stopped_at is not None and source.stopped_at < anchor:
            self.finished = True

    def _queue(self, events: list[Event]) -> None:
        for at, text in events:
            self._order += 1
            heapq.heappush(self._pending, (at, self._order, text))

    def _generate_until(self, end: datetime) -> None:
        stopped = self.source.stopped_at
        while not self.finished and self._next_at <= end:
            if stopped is not None and self._next_at >= stopped - timedelta(seconds=4):
                self._queue(loglines.ending(self.writer, self.source,
                                            stopped - timedelta(seconds=3)))
                self.finished = True
                break
            burst = self.rng.choices(self._bursts, self._weights)[0]
            self._queue(burst(self.writer, self._next_at))
            self._next_at += timedelta(seconds=self.rng.expovariate(1.0 / self.mean_gap_s))

    def events_until(self, end: datetime) -> list[Event]:
        """Events due by `end`, in time order, each returned once."""
        self._generate_until(end)
        due = []
        while self._pending and self._pending[0][0] <= end:
            at, _, text = heapq.heappop(self._pending)
            due.append((at, text))
        return due


def _logs_client(endpoint_url: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "logs", endpoint_url=endpoint_url, region_name=n.REGION,
        aws_access_key_id=n.CREDENTIALS[0], aws_secret_access_key=n.CREDENTIALS[1],
        config=Config(retries={"mode": "standard", "total_max_attempts": 2}))


class TrafficProducer:
    """Writes the scenario's log lines into `/ecs/children-drawing-prod` until stopped."""

    def __init__(self, endpoint_url: str, scenario: str, sources: Sequence[LogSource], *,
                 lines_per_second: float = 3.0, seed: int = 7,
                 backfill: timedelta = timedelta(minutes=10), tick_s: float = 0.5,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        if lines_per_second <= 0:
            raise ValueError("lines_per_second must be positive")
        self.endpoint_url = endpoint_url
        self.scenario = scenario
        self.sources = tuple(sources)
        self.tick_s = tick_s
        self._clock = clock
        self._backfill = backfill
        live = [s for s in self.sources if s.stopped_at is None] or list(self.sources)
        self.mean_gap_s = max(1, len(live)) * _LINES_PER_BURST / lines_per_second
        self.seed = seed
        self._scripts: list[StreamScript] = []
        self._client: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.events_written = 0
        self.last_error: BaseException | None = None

    def backfill(self) -> int:
        """Create the streams and write the backfill window; returns the events written."""
        now = self._clock()
        anchor = now - self._backfill
        self._client = self._client or _logs_client(self.endpoint_url)
        self._scripts = [StreamScript(s, self.scenario, self.seed, self.mean_gap_s, anchor)
                         for s in self.sources]
        exists = self._client.exceptions.ResourceAlreadyExistsException
        for source in self.sources:
            with contextlib.suppress(exists):
                self._client.create_log_stream(logGroupName=n.LOG_GROUP,
                                               logStreamName=source.stream)
        return self._emit(now)

    def _emit(self, now: datetime) -> int:
        written = 0
        for script in self._scripts:
            events = script.events_until(now)
            for start in range(0, len(events), _MAX_BATCH):
                batch = events[start:start + _MAX_BATCH]
                self._client.put_log_events(
                    logGroupName=n.LOG_GROUP, logStreamName=script.source.stream,
                    logEvents=[{"timestamp": int(at.timestamp() * 1000), "message": text}
                               for at, text in batch])
                written += len(batch)
        self.events_written += written
        return written

    def start(self) -> TrafficProducer:
        """Backfill, then keep writing from a daemon thread."""
        if self._thread is not None:
            return self
        self.backfill()
        self._thread = threading.Thread(target=self._run, name="demo-log-traffic", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.tick_s):
            try:
                self._emit(self._clock())
            except Exception as exc:  # noqa: BLE001 - never reach the terminal; keep it
                self.last_error = exc
                return

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (safe to call twice)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
