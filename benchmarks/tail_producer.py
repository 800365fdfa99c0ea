"""The benchmark's log producer: writes a log group the way an ECS service's tasks do, only faster.

Run as its own process (`python benchmarks/tail_producer.py --endpoint-url ... --group ...`).
Streams, like tasks' awslogs-driver streams:

* *fresh* streams flush every 250 ms (staggered); each flush's events share a few
  milliseconds, so hundreds of events of different streams carry the same timestamp;
* *batched* streams flush every 5 s with events stamped over the last 5 s: the awslogs
  driver's default, and what makes naive tailers lose events (aws-cli #6788);
* once a second a few *late* events (0.2%) go to a fresh stream with timestamps 2-20 s old:
  inside the tail's 30 s overlap window, so each must still be shown exactly once.

Every message carries its sequence number and the time its PutLogEvents was sent
(``seq=123 put=1764333333.123 k=f``), so a reader can count losses, duplicates and latency.
At the end a JSON summary (events written, by kind) is written to `--summary`.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

FRESH_FLUSH_S = 0.25
BATCH_FLUSH_S = 5.0
LATE_SHARE = 0.002
BODIES = ("INFO GET /api/drawings/{n} HTTP/1.1\" 200 12ms",
          "INFO POST /api/analyse {n} done in 840ms",
          "WARN slow upload {n} took 2.4s",
          "ERROR analysis failed for drawing {n}: timeout",
          "INFO GET /health HTTP/1.1\" 200 1ms")


def client(endpoint_url: str):
    import boto3

    return boto3.client("logs", endpoint_url=endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def setup(logs, group: str, streams: list[str]) -> None:
    logs.create_log_group(logGroupName=group)
    for name in streams:
        logs.create_log_stream(logGroupName=group, logStreamName=name)


class Producer:
    """Generates and writes the workload at `rate` events/s until `total` events."""

    def __init__(self, logs, group: str, *, rate: int, total: int, fresh: int, batched: int,
                 seed: int = 7) -> None:
        self.logs = logs
        self.group = group
        self.rate = rate
        self.total = total
        self.rng = random.Random(seed)
        self.fresh = [f"ecs/app/fresh{i:02d}" for i in range(fresh)]
        self.batched = [f"ecs/app/batch{i:02d}" for i in range(batched)]
        self.buffers: dict[str, list[int]] = {s: [] for s in self.fresh + self.batched}
        self.seq = 0
        self.counts = {"fresh": 0, "batched": 0, "late": 0}
        self.puts = 0

    @property
    def streams(self) -> list[str]:
        return self.fresh + self.batched

    def put(self, stream: str, stamps: list[int], kind: str) -> None:
        """Write events with these timestamps (sorted, as PutLogEvents requires)."""
        if not stamps:
            return
        stamps.sort()
        sent = time.time()
        events = []
        for ts in stamps:
            body = BODIES[self.seq % len(BODIES)].format(n=self.seq)
            events.append({"timestamp": ts,
                           "message": f"seq={self.seq} put={sent:.3f} k={kind[0]} {body}"})
            self.seq += 1
        for start in range(0, len(events), 10_000):
            self.logs.put_log_events(logGroupName=self.group, logStreamName=stream,
                                     logEvents=events[start:start + 10_000])
            self.puts += 1
        self.counts[kind] += len(events)

    def _period(self, stream: str) -> float:
        return FRESH_FLUSH_S if stream in self.fresh else BATCH_FLUSH_S

    def run(self) -> None:
        per_stream_s = self.rate / len(self.streams)
        start = time.time()
        generated = 0.0
        last_gen = start
        # Staggered: stream i first flushes i/n of its period after the start.
        flushed = {s: start - (1 - i / len(self.streams)) * self._period(s)
                   for i, s in enumerate(self.streams)}
        late_due = start + 1.0
        while self.seq < self.total:
            now = time.time()
            # Generate what this stretch of time owes, in same-millisecond bursts.
            generated += per_stream_s * (now - last_gen)
            count = int(generated)
            generated -= count
            now_ms = int(now * 1000)
            if count:
                # Spread over the time just elapsed, on a 2 ms grid shared by every stream:
                # each millisecond stamp is carried by events of many streams at once.
                last_ms = int(last_gen * 1000)
                width = max(1, now_ms - last_ms)
                stamps = [now_ms - (width * i // count) // 2 * 2 for i in range(count)]
                for stream in self.streams:
                    self.buffers[stream].extend(stamps)
            last_gen = now
            for stream in self.streams:
                if now >= flushed[stream] + self._period(stream) and self.seq < self.total:
                    room = self.total - self.seq
                    stamps, self.buffers[stream] = self.buffers[stream][:room], []
                    self.put(stream, stamps, "fresh" if stream in self.fresh else "batched")
                    flushed[stream] = now
            if now >= late_due and self.seq < self.total:
                n = min(self.total - self.seq, max(1, int(self.rate * LATE_SHARE)))
                late = [now_ms - self.rng.randint(2_000, 20_000) for _ in range(n)]
                self.put(self.rng.choice(self.fresh), late, "late")
                late_due = now + 1.0
            time.sleep(0.005)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--rate", type=int, default=20_000, help="events per second")
    parser.add_argument("--events", type=int, default=100_000, help="events in all")
    parser.add_argument("--fresh-streams", type=int, default=16)
    parser.add_argument("--batched-streams", type=int, default=4)
    parser.add_argument("--summary", type=Path, required=True)
    parser.add_argument("--setup-only", action="store_true")
    args = parser.parse_args()
    logs = client(args.endpoint_url)
    producer = Producer(logs, args.group, rate=args.rate, total=args.events,
                        fresh=args.fresh_streams, batched=args.batched_streams)
    if args.setup_only:
        setup(logs, args.group, producer.streams)
        return
    started = time.time()
    producer.run()
    ended = time.time()
    args.summary.write_text(json.dumps({
        "events": producer.seq, "counts": producer.counts, "puts": producer.puts,
        "started": started, "ended": ended,
        "rate": producer.seq / max(1e-9, ended - started)}))


if __name__ == "__main__":
    main()
