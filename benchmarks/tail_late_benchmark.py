"""Late events and idle cost of the tail engine (issues 12.2 and 14.4), against moto's server.

    python benchmarks/tail_late_benchmark.py [--seconds 70] [--idle 30] [--interval 1]

A producer writes 20 events/s to one stream with current timestamps, and once a second one
*late* event to another stream, its timestamp 5-60 s in the past (cycling), as a stream flushed
late would arrive. The engine (`LogFollower`, polled every --interval seconds like `tail
--follow`) prints each event once; measured: time from PutLogEvents to the poll that returned
the late event (median, p95, max), lost and duplicated events, and then FilterLogEvents calls
per second over --idle seconds with no new events.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import threading
import time

import boto3
from moto.server import ThreadedMotoServer

from probes.context import AwsContext, AwsSettings
from probes.logs import LogFollower

GROUP = "/ecs/late-bench"


def now_ms() -> int:
    return int(time.time() * 1000)


def produce(client, seconds: float, put_at: dict[str, float], stop: threading.Event) -> None:
    start, seq, late = time.monotonic(), 0, 0
    while not stop.is_set() and time.monotonic() - start < seconds:
        t = now_ms()
        batch = [{"timestamp": t - 50 + i * 2, "message": f"live {seq + i}"} for i in range(20)]
        client.put_log_events(logGroupName=GROUP, logStreamName="live", logEvents=batch)
        seq += 20
        delay_s = 5 + (late * 11) % 56  # 5..60 s late, cycling
        message = f"late {late} delay={delay_s}"
        client.put_log_events(logGroupName=GROUP, logStreamName="late", logEvents=[
            {"timestamp": now_ms() - delay_s * 1000, "message": message}])
        put_at[message] = time.monotonic()
        late += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - start) % 1.0))


async def follow(follower: LogFollower, interval: float, until: float,
                 shown: dict[str, float], counts: dict[str, int]) -> None:
    while time.monotonic() < until:
        started = time.monotonic()
        for event in await follower.poll():
            counts[event.message] = counts.get(event.message, 0) + 1
            shown.setdefault(event.message, time.monotonic())
        await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))


async def main(args: argparse.Namespace) -> None:
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    client = boto3.client("logs", endpoint_url=url, region_name="eu-west-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_log_group(logGroupName=GROUP)
    for stream in ("live", "late"):
        client.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    ctx = AwsContext(AwsSettings(region="eu-west-1", endpoint_url=url,
                                 static_credentials=("testing", "testing"), max_attempts=2))
    follower = LogFollower(ctx, [GROUP], start_ms=now_ms() - 120_000)
    put_at: dict[str, float] = {}
    shown: dict[str, float] = {}
    counts: dict[str, int] = {}
    stop = threading.Event()
    producer = threading.Thread(target=produce, args=(client, args.seconds, put_at, stop))
    producer.start()
    try:
        await follow(follower, args.interval, time.monotonic() + args.seconds + 5, shown, counts)
        producer.join()
        calls_before, idle_start = follower.stats.api_calls, time.monotonic()
        await follow(follower, args.interval, time.monotonic() + args.idle, shown, counts)
        idle_rate = (follower.stats.api_calls - calls_before) / (time.monotonic() - idle_start)
    finally:
        stop.set()
        await ctx.close()
        server.stop()
    waits = sorted(shown[m] - put_at[m] for m in put_at if m in shown)
    lost = [m for m in put_at if m not in shown]
    repeated = sum(1 for c in counts.values() if c > 1)
    p95 = waits[max(0, int(len(waits) * 0.95) - 1)] if waits else float("nan")
    print(f"late events 5-60 s late: {len(put_at)} written, {len(lost)} lost, "
          f"{repeated} events printed twice (of {len(counts)} printed)")
    if waits:
        print(f"time to display: median {statistics.median(waits):.2f} s, p95 {p95:.2f} s, "
              f"max {waits[-1]:.2f} s (poll interval {args.interval:g} s)")
    print(f"idle FilterLogEvents: {idle_rate:.2f}/s over {args.idle:g} s "
          f"(while events flowed: {calls_before / (args.seconds + 5):.2f}/s)")
    print(f"loss flag at the end: {follower.loss_risk or 'none'}")
    print("calls by kind:", {k: v for k, v in follower.stats.by_kind.items()
                             if k.endswith("_calls")})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=70)
    parser.add_argument("--idle", type=float, default=30)
    parser.add_argument("--interval", type=float, default=1.0)
    asyncio.run(main(parser.parse_args()))
