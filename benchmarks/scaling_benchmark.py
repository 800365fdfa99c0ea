"""Benchmark: what the probes cost as the deployment grows (issue 12 point 6).

Cases: 10 / 100 / 500 running tasks; 1,000 tasks in a crash loop (500 running, 500 stopped,
10 more crashing and 10 replacements every 10 s); 50 alarms; 200 log streams; 2,000 stack
events. Each case is the healthy scenario plus that load, on an emulator in a process of its own
(`--serve CASE`), so the figures below are the console's alone. Through a counting proxy
(`latency_proxy.py`, no added latency) this process connects as the console does, then:

- time: the case's probe, first collection (cold) and the median of 5 more (warm);
- requests by operation of one warm collection of that probe;
- idle CPU: every dashboard probe, once warm, at its default interval for `--idle` seconds (the
  crash loop keeps crashing meanwhile), process CPU time over wall time, without the screen;
- RSS of this process after the idle period.

    python benchmarks/scaling_benchmark.py [--idle 60] [--cases tasks-10 crash-loop-1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from latency_proxy import LatencyProxy

CASES = {"tasks-10": "ecs", "tasks-100": "ecs", "tasks-500": "ecs", "crash-loop-1000": "ecs",
         "alarms-50": "alarms", "streams-200": "logs", "stack-events-2000": "stack"}


# -- the emulator's side (its own process) ---------------------------------------------------
def serve(case: str) -> None:
    from console.demo import backend
    from console.demo import names as n
    from console.demo.build import build
    from console.demo.crash_loop import crash as crash_tasks
    from console.demo.crash_loop import launch_serving
    from console.demo.server import Emulator
    from console.demo.specs import StackEventSpec

    emulator = Emulator().start()
    built = build(emulator.endpoint_url, "healthy")
    base = built.base
    now = datetime.now(UTC)
    running: list[str] = []

    def launch(count: int) -> list[str]:
        return launch_serving(base, count, now)

    def crash(arns: list[str]) -> None:
        crash_tasks(arns, datetime.now(UTC))

    if case.startswith("tasks-"):
        running = launch(int(case.split("-")[1]))
    elif case == "crash-loop-1000":
        running = launch(1000)
        crash(running[:500])
        running = running[500:]
    elif case == "alarms-50":
        cw = base.api("cloudwatch")
        for i in range(50):
            cw.put_metric_alarm(AlarmName=f"{n.STACK}-bench-{i:02d}", MetricName="CPUUtilization",
                                Namespace="AWS/ECS", Statistic="Average", Period=60,
                                EvaluationPeriods=1, Threshold=80.0,
                                ComparisonOperator="GreaterThanThreshold")
    elif case == "streams-200":
        logs = base.api("logs")
        stamp = int(time.time() * 1000) - 60_000
        for i in range(200):
            stream = f"app/app/bench{i:03d}"
            logs.create_log_stream(logGroupName=n.LOG_GROUP, logStreamName=stream)
            logs.put_log_events(logGroupName=n.LOG_GROUP, logStreamName=stream, logEvents=[
                {"timestamp": stamp + j, "message": f"GET /health 200 stream {i} line {j}"}
                for j in range(10)])
    elif case == "stack-events-2000":
        created = now - timedelta(days=30)
        events = [StackEventSpec(created + timedelta(minutes=i), f"Resource{i % 40}",
                                 "AWS::ECS::Service", "UPDATE_COMPLETE") for i in range(2000)]
        backend.set_stack_history(n.STACK, events, status="UPDATE_COMPLETE",
                                  created_at=created, last_updated_at=now)
    print(emulator.endpoint_url, flush=True)
    for line in sys.stdin:  # "crash N": N running tasks crash, N replacements start
        if line.startswith("crash"):
            count = int(line.split()[1])
            dying, running = running[:count], running[count:]
            crash(dying)
            running += launch(count)
        print("ok", flush=True)
    emulator.stop()


# -- the console's side ----------------------------------------------------------------------
def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(case: str, endpoint: str, idle_s: float, child: subprocess.Popen) -> dict:
    from console.demo import names as n
    from probes.context import AwsSettings
    from probes.suite import build_probes, connect

    proxy = LatencyProxy(int(endpoint.rsplit(":", 1)[1]), 0)
    settings = AwsSettings(region=n.REGION, endpoint_url=proxy.url,
                           static_credentials=n.CREDENTIALS)
    connection = await connect(settings, n.STACK)
    try:
        probes = build_probes(connection.ctx, connection.deployment,
                              account=connection.identity.account)
        probe = probes[CASES[case]]
        started = time.perf_counter()
        first = await probe.run()
        cold = time.perf_counter() - started
        if not first.ok:
            raise SystemExit(f"{case}: {first.error.summary()}")
        warm = []
        for _ in range(5):
            proxy.log.clear()
            started = time.perf_counter()
            await probe.run()
            warm.append(time.perf_counter() - started)
        ops = proxy.log.by_operation()
        proxy.log.clear()
        cpu, wall = await idle(probes, idle_s, child if case == "crash-loop-1000" else None)
        return {"case": case, "cold_s": cold, "warm_s": statistics.median(warm), "ops": ops,
                "idle_cpu_pct": 100 * cpu / wall, "rss_mb": rss_mb(),
                "idle_requests": proxy.log.by_operation()}
    finally:
        await connection.close()


async def idle(probes: dict, seconds: float, crashing: subprocess.Popen | None):
    from probes.suite import run_all_once

    first = await run_all_once(probes)  # every probe warm: the idle window is steady state

    async def loop(probe, result) -> None:
        while True:
            await asyncio.sleep(probe.next_interval(result))
            result = await probe.run()

    async def crash_loop() -> None:
        while crashing is not None:
            await asyncio.sleep(10)
            crashing.stdin.write("crash 10\n")
            crashing.stdin.flush()
            await asyncio.to_thread(crashing.stdout.readline)

    tasks = [asyncio.create_task(loop(p, first[name])) for name, p in probes.items()]
    tasks.append(asyncio.create_task(crash_loop()))
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return cpu, wall


def run_case(case: str, idle_s: float) -> dict:
    child = subprocess.Popen([sys.executable, __file__, "--serve", case], text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        endpoint = child.stdout.readline().strip()
        if not endpoint.startswith("http"):
            raise SystemExit(f"{case}: the emulator did not start")
        return asyncio.run(measure(case, endpoint, idle_s, child))
    finally:
        child.stdin.close()
        child.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=60.0)
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument("--serve")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    rows = [run_case(case, args.idle) for case in args.cases]
    print(f"| case | probe | first collection | warm (median of 5) | requests of one warm "
          f"collection | idle CPU ({args.idle:g} s, all probes) | RSS |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ops = ", ".join(f"{op.split(':')[1]} {c}" for op, c in r["ops"].items())
        print(f"| {r['case']} | {CASES[r['case']]} | {r['cold_s']:.3f} s | {r['warm_s']:.3f} s "
              f"| {ops} | {r['idle_cpu_pct']:.1f}% | {r['rss_mb']:.0f} MB |")
    for r in rows:
        print(f"{r['case']} idle requests: {json.dumps(r['idle_requests'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
