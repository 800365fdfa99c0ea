"""Long-run truth (issue 9 item 6): after every poll cycle, each pane shows what the emulator
holds at that moment, or says STALE.

The console runs in-process against the demo emulator, started the way `incident-console
dashboard` starts it (probes collecting before the UI is up). Every probe's interval is an
hour, so its loop only collects when the test wakes it (`Scheduler.fresh`): one cycle is "change
the emulator, collect every probe once, read the screen". The expected values are read from the
emulator with boto3, not through the console's probes.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from dataclasses import replace

import boto3
import pytest

from console.app import ConsoleApp
from console.config import FileConfig, Flags, resolve
from console.demo import names as n
from probes.suite import connect

PROBES = ("stack", "ecs", "targets", "alarms", "logs", "costs")
QUIET_S = 3600.0  # probe loops collect only when a cycle wakes them


class Emulator:
    """What the emulator holds, read with boto3 (independently of the console's probes)."""

    def __init__(self, handle) -> None:
        kw = {"endpoint_url": handle.endpoint_url, "region_name": n.REGION,
              "aws_access_key_id": n.CREDENTIALS[0], "aws_secret_access_key": n.CREDENTIALS[1]}
        self.logs = boto3.client("logs", **kw)
        self.ecs = boto3.client("ecs", **kw)
        self.elb = boto3.client("elbv2", **kw)
        self.cloudwatch = boto3.client("cloudwatch", **kw)
        self.budgets = boto3.client("budgets", **kw)
        self.written = 0
        self.last_ms = 0
        self.stream = "ecs/app/truth"
        self.logs.create_log_stream(logGroupName=n.LOG_GROUP, logStreamName=self.stream)

    # -- changes
    async def write_lines(self, count: int) -> str:
        """`count` new lines, each newer than every line before (one millisecond apart, none
        in the future: the probe leaves those for later); returns the newest message."""
        while int(time.time() * 1000) < self.last_ms + count:
            await asyncio.sleep(0.05)
        start = max(self.last_ms + 1, int(time.time() * 1000) - count)
        events = [{"timestamp": start + i, "message": f"INFO truth-line {self.written + i:06d} ok"}
                  for i in range(count)]
        for at in range(0, count, 5_000):
            self.logs.put_log_events(logGroupName=n.LOG_GROUP, logStreamName=self.stream,
                                     logEvents=events[at:at + 5_000])
        self.written += count
        self.last_ms = start + count - 1
        return events[-1]["message"]

    def flip_alarm(self, cycle: int) -> None:
        alarms = self.cloudwatch.describe_alarms(AlarmNamePrefix=n.STACK)["MetricAlarms"]
        alarm = alarms[cycle % len(alarms)]
        state = "OK" if alarm["StateValue"] == "ALARM" else "ALARM"
        self.cloudwatch.set_alarm_state(AlarmName=alarm["AlarmName"], StateValue=state,
                                        StateReason=f"truth cycle {cycle}")

    # -- expectations
    def counts(self) -> tuple[int, int]:
        service = self.ecs.describe_services(cluster=n.CLUSTER,
                                             services=[n.SERVICE])["services"][0]
        return service["runningCount"], service["desiredCount"]

    def alarm_states(self) -> dict[str, str]:
        alarms = self.cloudwatch.describe_alarms(AlarmNamePrefix=n.STACK)["MetricAlarms"]
        return {a["AlarmName"]: a["StateValue"] for a in alarms}

    def target_states(self) -> dict[str, str]:
        states = {}
        for group in self.elb.describe_target_groups()["TargetGroups"]:
            health = self.elb.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
            for t in health["TargetHealthDescriptions"]:
                key = f"{group['TargetGroupArn']}|{t['Target']['Id']}|{t['Target'].get('Port')}"
                states[key] = t["TargetHealth"]["State"]
        return states

    def month_to_date(self) -> float:
        budget = self.budgets.describe_budget(AccountId="123456789012",
                                              BudgetName=n.BUDGET)["Budget"]
        return float(budget["CalculatedSpend"]["ActualSpend"]["Amount"])


@pytest.fixture
def console(tmp_path):
    """`async with console(handle, cache) as (app, pilot)`: the app as `dashboard` starts it."""

    @asynccontextmanager
    async def opener(handle, cache):
        env = resolve(Flags(), env_vars={}, file=FileConfig(path=tmp_path / "config.toml"))
        env = replace(env, aws=handle.settings(), name="truth",
                      intervals=dict.fromkeys(PROBES, QUIET_S))
        connection = await connect(env.aws, env.stack, env.overrides)
        app = ConsoleApp(env, connection, cost_cache_dir=cache)
        try:
            app.start_probes_early()  # as commands/dashboard.py does
            async with app.run_test(size=(200, 60)) as pilot:
                yield app, pilot
        finally:
            await connection.close()

    return opener


def pane_text(app, name: str) -> str:
    """The pane's status line and error row as rendered."""
    pane = app.dashboard.panes[name]
    return "\n".join(str(w.render()) for w in pane.query(".pane-status, .pane-error"))


async def collect_all(app, pilot, until) -> None:
    """One poll cycle of every probe, and the app has handled each result."""
    for name in PROBES:
        result = await app.scheduler.fresh(name)
        probe = app.scheduler.states[name].probe
        for _ in range(20):  # after a burst the logs probe catches up at once, page by page
            if not getattr(getattr(probe, "follower", None), "behind", False):
                break
            result = await app.scheduler.fresh(name)
        pane = app.dashboard.panes[name]
        await until(pilot, lambda p=pane, r=result: p.data is r.data or p.stale
                    or p.display_error is not None, timeout=30, step=0.005)
    await pilot.pause()


def check_panes(app, read_screen, world: Emulator, newest: str | None) -> list[str]:
    """What differs between the panes and the emulator (a STALE pane is allowed to differ)."""
    wrong = []
    panes = app.dashboard.panes
    screen = read_screen(app)
    if newest is not None and not panes["logs"].stale:
        shown = [line for line in screen.splitlines() if "truth-line" in line]
        if not shown or newest not in shown[-1]:
            wrong.append(f"logs: newest {newest!r}, last shown "
                         f"{shown[-1].strip() if shown else None!r}")
    if not panes["ecs"].stale:
        running, desired = world.counts()
        if f"running {running}/{desired}" not in pane_text(app, "ecs"):
            wrong.append(f"ecs: emulator running {running}/{desired}, pane "
                         f"{pane_text(app, 'ecs').splitlines()[:1]}")
    if not panes["alarms"].stale:
        table = panes["alarms"].body
        for name, state in world.alarm_states().items():
            if table.get_row(name)[0].plain.strip() != state:
                wrong.append(f"alarms: {name} is {state}, pane {table.get_row(name)[0].plain}")
    if not panes["targets"].stale:
        table = panes["targets"].body
        for key, state in world.target_states().items():
            if state not in table.get_row(key)[2].plain:
                wrong.append(f"targets: {key} is {state}, pane {table.get_row(key)[2].plain}")
    if not panes["costs"].stale:
        total = f"{world.month_to_date():,.2f} USD month to date"
        if total not in screen:
            wrong.append(f"costs: {total!r} not on screen: {pane_text(app, 'costs')[:80]!r}")
    return wrong


async def run_cycles(app, pilot, until, read_screen, world: Emulator, cycles: int,
                     lines: int, bursts: dict[int, int] | None = None) -> None:
    """Run every cycle, then fail naming each pane's first untrue cycle."""
    first_wrong: dict[str, str] = {}
    for cycle in range(cycles):
        newest = await world.write_lines((bursts or {}).get(cycle, lines))
        world.flip_alarm(cycle)
        await collect_all(app, pilot, until)
        problems = check_panes(app, read_screen, world, newest)
        for _ in range(100):  # a frame still to be drawn (a busy CI) is not a frozen pane
            if not problems:
                break
            await pilot.pause(0.05)
            problems = check_panes(app, read_screen, world, newest)
        for problem in problems:
            first_wrong.setdefault(problem.split(":")[0], f"cycle {cycle}: {problem}")
        for name, pane in app.dashboard.panes.items():
            if pane.data is None and not pane.stale:
                first_wrong.setdefault(name, f"cycle {cycle}: {name} shows nothing")
    assert not first_wrong, "\n".join(first_wrong.values())


async def test_every_pane_stays_true_over_a_long_run(scenario, console, until, read_screen,
                                                     tmp_path):
    """>= 5,000 log lines (with bursts past the Logs pane's 1,000) and 100 cycles of every
    probe, on a warm cost cache (the second start)."""
    handle = scenario("p0-outage")
    world = Emulator(handle)
    cache = tmp_path / "cost-cache"
    async with console(handle, cache) as (app, pilot):  # cold: fills the cache
        await until(pilot, lambda: all(p.data is not None or p.stale
                                       for p in app.dashboard.panes.values()), timeout=30)
    async with console(handle, cache) as (app, pilot):  # warm
        await run_cycles(app, pilot, until, read_screen, world, cycles=100, lines=30,
                         bursts={10: 1_200, 40: 2_500})
        assert world.written >= 5_000
        assert not any(p.stale for p in app.dashboard.panes.values())


@pytest.mark.parametrize("name", n.SCENARIOS)
async def test_every_scenario_cold_and_warm(scenario, console, until, read_screen, tmp_path,
                                            name):
    handle = scenario(name)
    world = Emulator(handle)
    cache = tmp_path / "cost-cache"
    for start in ("cold", "warm"):
        async with console(handle, cache) as (app, pilot):
            await until(pilot, lambda a=app: all(p.data is not None or p.stale
                                                 for p in a.dashboard.panes.values()),
                        timeout=30)
            await run_cycles(app, pilot, until, read_screen, world, cycles=3, lines=20)
            assert any(cache.iterdir()), start
