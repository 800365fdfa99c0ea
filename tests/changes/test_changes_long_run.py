"""The timeline over a long run: thousands of stack events read once and then incrementally
(one page a poll, counted at the proxy), a hundred polls of every source with a fake clock,
and the console's own observations (alarm/target transitions, thousands of log lines) staying
bounded and in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
from proxy import FaultProxy  # tests/faults, on the path by this directory's conftest

from console.demo import backend
from console.demo import names as n
from console.demo.specs import StackEventSpec
from probes.alarms import AlarmsSnapshot, parse_alarm
from probes.change_timeline import ChangeTimeline
from probes.log_event import LogEvent
from probes.result import ProbeResult
from probes.suite import connect

POLLS = 100


def _event(at: datetime, i: int) -> StackEventSpec:
    return StackEventSpec(at, f"Resource{i % 40}", "AWS::ECS::Service",
                          "UPDATE_COMPLETE" if i % 2 else "UPDATE_IN_PROGRESS",
                          f"step {i}")


async def test_thousands_of_stack_events_then_a_hundred_incremental_polls(strict_emulator):
    demo = strict_emulator("p0-outage")
    now = demo.built.now
    start = now - timedelta(seconds=5 * 3_000)  # 3,000 events 5 s apart, up to now
    backend.append_stack_events(n.STACK, [_event(start + timedelta(seconds=5 * i), i)
                                          for i in range(3_000)])
    with FaultProxy(demo.endpoint_url) as proxy:
        connection = await connect(demo.settings(endpoint_url=proxy.url), n.STACK)
        clock = [now]
        timeline = ChangeTimeline(connection.ctx, connection.deployment, clock=lambda: clock[0])
        since = now - timedelta(hours=3)
        try:
            proxy.seen.clear()
            first = await timeline.refresh(since)
            in_window = [e for e in first.entries if e.kind == "stack"]
            # 3 h at one event every 5 s, read newest first at 100 a page, up to the first
            # event before `since`.
            assert len(in_window) == 3 * 3600 // 5
            assert proxy.seen.count("cloudformation:DescribeStackEvents") == 22
            assert first.complete

            for poll in range(POLLS):
                clock[0] = now + timedelta(seconds=30 * (poll + 1))
                backend.append_stack_events(n.STACK, [_event(clock[0], 3_000 + poll)])
                proxy.seen.clear()
                result = await timeline.refresh(since)
                assert proxy.seen.count("cloudformation:DescribeStackEvents") == 1
                assert result.complete
        finally:
            await connection.close()

    stack_entries = [e for e in result.entries if e.kind == "stack"]
    assert len(stack_entries) == len(in_window) + POLLS  # nothing lost, nothing twice
    assert [e.at for e in result.entries] == sorted(e.at for e in result.entries)
    # What the emulator holds in the window, every event id once.
    cfn = boto3.client("cloudformation", region_name=n.REGION, endpoint_url=demo.endpoint_url,
                       aws_access_key_id="x", aws_secret_access_key="x")
    held = [e for page in cfn.get_paginator("describe_stack_events").paginate(StackName=n.STACK)
            for e in page["StackEvents"] if e["Timestamp"] >= since]
    assert sorted(dict(e.detail)["event id"] for e in stack_entries) == sorted(
        e["EventId"] for e in held)


def test_observed_transitions_and_log_error_rate_over_many_polls_stay_bounded():
    t0 = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
    timeline = ChangeTimeline(ctx=None, deployment=_Deployment(), max_entries=150)  # type: ignore[arg-type]
    observed = 0
    for poll in range(POLLS * 2):
        at = t0 + timedelta(minutes=poll)
        state = "ALARM" if poll % 2 else "OK"  # flips every poll
        snapshot: AlarmsSnapshot = alarms(state, f"reason {poll}")
        observed += len(timeline.observe(ProbeResult("alarms", at, 0.01, data=snapshot)))
        # 50 lines a poll; errors burst in polls 100-119 (30 a minute), else one in 10 minutes
        errors = 30 if 100 <= poll < 120 else (1 if poll % 10 == 0 else 0)
        events = tuple(
            LogEvent("/ecs/app", "s", int((at + timedelta(seconds=i)).timestamp() * 1000),
                     0, f"{poll}-{i}", "ERROR boom" if i < errors else "GET / 200")
            for i in range(50))
        timeline.observe(ProbeResult("logs", at, 0.01, data=_Batch(events)))
    entries = timeline.entries_between(t0, t0 + timedelta(days=1))
    alarm_entries = [e for e in entries if e.kind == "alarm"]
    assert observed == POLLS * 2 - 1  # every poll after the first saw a flip
    assert all(e.summary.split(":")[0] in ("OK -> ALARM", "ALARM -> OK") for e in alarm_entries)
    errors = [e for e in entries if e.kind == "log-errors"]
    assert [e.summary for e in errors] == ["error lines per 5 min: 0 -> 150",
                                           "error lines per 5 min: 150 -> 1"]
    assert [e.at for e in errors] == [t0 + timedelta(minutes=100), t0 + timedelta(minutes=120)]
    # bounded: the newest 150 entries are kept, the oldest flips dropped
    assert len(entries) == 150 and len(alarm_entries) == 148
    assert alarm_entries[0].at == t0 + timedelta(minutes=POLLS * 2 - 148)
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def alarms(state: str, reason: str) -> AlarmsSnapshot:
    """DescribeAlarms' MetricAlarms shape, one alarm."""
    return AlarmsSnapshot((parse_alarm({
        "AlarmName": "prod-alb-5xx-high", "StateValue": state, "StateReason": reason,
        "MetricName": "HTTPCode_ELB_5XX_Count", "Namespace": "AWS/ApplicationELB",
        "Statistic": "Sum", "ComparisonOperator": "GreaterThanThreshold", "Threshold": 10.0}),))


class _Deployment:
    stack = "s"
    log_groups = ("/ecs/app",)


class _Batch:
    def __init__(self, events):
        self.events = events
