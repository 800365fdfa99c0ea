"""`changes` (one-shot) lists target health transitions and log error-rate changes, read from
what AWS holds (CloudWatch's host counts, the log group), each entry saying where it came from;
the log read is bounded and says so when it stops early; a source that fails is named."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from console.demo import names as n
from probes import change_log_errors, change_signals
from probes.severity import is_error

MINUTE = timedelta(minutes=1)


def _at(entry) -> datetime:
    return datetime.fromisoformat(entry["at"])


def put_lines(logs, stream: str, lines: list[tuple[datetime, str]]) -> None:
    logs.create_log_stream(logGroupName=n.LOG_GROUP, logStreamName=stream)
    for start in range(0, len(lines), 5_000):
        logs.put_log_events(logGroupName=n.LOG_GROUP, logStreamName=stream, logEvents=[
            {"timestamp": int(at.timestamp() * 1000), "message": text}
            for at, text in lines[start:start + 5_000]])


def held_host_transitions(cw, since: datetime, until: datetime) -> list[tuple[datetime, str]]:
    """The minutes where CloudWatch's HealthyHostCount / UnHealthyHostCount changed, read
    with GetMetricStatistics (not the console's GetMetricData), as (minute, summary)."""
    tg_dims = next(m["Dimensions"] for m in cw.list_metrics(
        Namespace="AWS/ApplicationELB", MetricName="HealthyHostCount")["Metrics"])
    counts = {}
    for metric, stat in (("HealthyHostCount", "Minimum"), ("UnHealthyHostCount", "Maximum")):
        points = cw.get_metric_statistics(
            Namespace="AWS/ApplicationELB", MetricName=metric, Dimensions=tg_dims,
            StartTime=since - MINUTE, EndTime=until + MINUTE, Period=60,
            Statistics=[stat])["Datapoints"]
        counts[metric] = {p["Timestamp"].astimezone(UTC): int(p[stat]) for p in points}
    found, last = [], None
    for at in sorted(counts["HealthyHostCount"]):
        now = (counts["HealthyHostCount"][at], counts["UnHealthyHostCount"][at])
        if last is not None and now != last and at >= since:
            healthy = f"{last[0]} -> {now[0]}" if now[0] != last[0] else str(now[0])
            unhealthy = f"{last[1]} -> {now[1]}" if now[1] != last[1] else str(now[1])
            found.append((at, f"healthy hosts {healthy}, unhealthy hosts {unhealthy}"))
        last = now
    return found


def held_error_buckets(logs, since: datetime, until: datetime) -> dict[datetime, int]:
    """Error lines per 5-minute bucket of the log group, every event read with boto3."""
    buckets: dict[datetime, int] = {}
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName=n.LOG_GROUP, startTime=int(since.timestamp() * 1000),
        endTime=int(until.timestamp() * 1000))
    for page in pages:
        for event in page["events"]:
            if is_error(event["message"]):
                ms = event["timestamp"] - event["timestamp"] % 300_000
                at = datetime.fromtimestamp(ms / 1000, UTC)
                buckets[at] = buckets.get(at, 0) + 1
    return buckets


@pytest.mark.parametrize("name", n.SCENARIOS)
def test_since_3h_on_every_scenario_matches_what_the_emulator_holds(changes_cli, aws, name):
    """Long run: three hours of the scenario's log traffic (thousands of lines) and 180
    minutes of host counts, read by `changes --since 3h`, against the emulator's own data."""
    demo, proxy, run = changes_cli(name)
    written = demo.traffic(backfill=timedelta(hours=3), lines_per_second=3.0).backfill()
    assert written > 5_000
    proxy.seen.clear()
    code, out, err = run("--since", "3h", "--json")
    assert code == 0, err
    payload = json.loads(out)
    since, until = (datetime.fromisoformat(payload[k]) for k in ("since", "until"))
    assert payload["complete"] is True and payload["notes"] == {}
    entries = payload["entries"]
    assert [_at(e) for e in entries] == sorted(_at(e) for e in entries)
    assert [e for e in entries if not e["detail"].get("source")] == []  # each says where from

    hosts = [(_at(e), e["summary"]) for e in entries if e["kind"] == "target-health"]
    assert hosts == held_host_transitions(aws(demo, "cloudwatch"), since, until)
    for entry in (e for e in entries if e["kind"] == "target-health"):
        assert entry["detail"]["source"].startswith("CloudWatch GetMetricData")
    # One GetMetricData for the host counts, as the metrics probe asks.
    assert proxy.seen.count("cloudwatch:GetMetricData") == 1
    assert 1 <= proxy.seen.count("logs:FilterLogEvents") <= change_log_errors.MAX_REQUESTS

    held = held_error_buckets(aws(demo, "logs"), since, until)
    for entry in (e for e in entries if e["kind"] == "log-errors"):
        bucket = _at(entry)
        before, after = held.get(bucket - 5 * MINUTE, 0), held.get(bucket, 0)
        assert entry["summary"] == f"error lines per 5 min: {before} -> {after}"
        assert entry["detail"]["source"].startswith(f"FilterLogEvents on {n.LOG_GROUP}: ")
    # Every jump or drop of x3 (>= 5 on the high side) the emulator holds is listed.
    expected = []
    for bucket in sorted(held):
        for at in (bucket, bucket + 5 * MINUTE):
            before, after = held.get(at - 5 * MINUTE, 0), held.get(at, 0)
            judged = at + 5 * MINUTE <= until and at - 5 * MINUTE >= since
            if judged and ((after >= 5 and after >= 3 * max(before, 1))
                           or (before >= 5 and before >= 3 * max(after, 1))):
                expected.append(at)
    listed = [_at(e) for e in entries if e["kind"] == "log-errors"]
    assert sorted(set(expected)) == listed
    if name == "p0-outage":  # the last healthy host went
        assert hosts and hosts[-1][1] == "healthy hosts 2 -> 0, unhealthy hosts 0 -> 2"
        assert listed  # its crash loop's error lines come and go
    if name == "healthy":
        assert hosts == []


def test_an_error_burst_is_listed_where_it_happened_with_its_counts(changes_cli, aws):
    demo, _, run = changes_cli("healthy")
    now = datetime.now(UTC)
    burst = (now - timedelta(minutes=40)).replace(second=0, microsecond=0)
    burst -= timedelta(minutes=burst.minute % 5)  # a bucket start
    quiet = [(now - timedelta(minutes=90) + i * MINUTE, f"INFO app: GET /health {i}")
             for i in range(80)]
    errors = [(burst + i * timedelta(seconds=7), f"ERROR app.api: upload failed #{i}")
              for i in range(40)]
    put_lines(aws(demo, "logs"), "ecs/app/burst", sorted(quiet + errors))
    code, out, err = run("--since", "2h")
    assert code == 0, err
    assert f"{burst:%Y-%m-%d %H:%M:%S}Z  log-errors      {n.LOG_GROUP}" in out
    assert "    error lines per 5 min: 0 -> 40" in out
    after = f"{burst + 5 * MINUTE:%Y-%m-%d %H:%M:%S}Z  log-errors"
    assert after in out and "    error lines per 5 min: 40 -> 0" in out
    code, out, _ = run("--since", "2h", "--json")
    rise = next(e for e in json.loads(out)["entries"] if e["kind"] == "log-errors")
    minutes = rise["detail"]["per minute"].split(", ")
    # 40 lines 7 s apart from the bucket's start: 9, 9, 8, 9 and 5 in its five minutes
    assert [m.split()[1] for m in minutes] == ["9", "9", "8", "9", "5"]
    assert rise["detail"]["source"].startswith(f"FilterLogEvents on {n.LOG_GROUP}: 120 lines")


def test_a_capped_log_read_keeps_the_newest_and_says_how_far_back(changes_cli, aws, monkeypatch):
    demo, proxy, run = changes_cli("healthy")
    now = datetime.now(UTC)
    burst = (now - timedelta(minutes=20)).replace(second=0, microsecond=0)
    burst -= timedelta(minutes=burst.minute % 5)
    # a line every 2 s for 3 h, errors 12 a minute in one bucket 20 minutes ago
    lines = [(now - timedelta(hours=3) + i * timedelta(seconds=2), f"INFO app: ok {i}")
             for i in range(5_400)]
    lines += [(burst + i * timedelta(seconds=5), f"ERROR app: boom {i}") for i in range(60)]
    put_lines(aws(demo, "logs"), "ecs/app/busy", sorted(lines))
    monkeypatch.setattr(change_log_errors, "PAGE_LIMIT", 500)
    monkeypatch.setattr(change_log_errors, "MAX_REQUESTS", 6)
    proxy.seen.clear()
    code, out, err = run("--since", "3h")
    assert code == 1, err
    assert proxy.seen.count("logs:FilterLogEvents") == 6  # the cap, not one more
    line = next(x for x in out.splitlines() if x.startswith("INCOMPLETE log-errors: "))
    assert "counted back to " in line and "6 FilterLogEvents requests per log group" in line
    back_to = datetime.strptime(line.split("counted back to ")[1][:20], "%Y-%m-%d %H:%M:%SZ")
    assert back_to.replace(tzinfo=UTC) < burst - 5 * MINUTE  # the newest part was counted
    assert "    error lines per 5 min: 0 -> 60" in out and "60 -> 0" in out


@pytest.mark.parametrize(("action", "fault", "source", "kind"), [
    ("logs:FilterLogEvents", "throttled", "log-errors", "throttled"),
    ("logs:FilterLogEvents", "expired", "log-errors", "credentials"),
    ("cloudwatch:GetMetricData", "denied", "target-health", "access denied"),
    ("logs:FilterLogEvents", "drop", "log-errors", "unreachable"),
    ("cloudwatch:GetMetricData", "stall", "target-health", "timed out"),
])
def test_a_failed_signal_source_is_named_and_the_rest_listed(changes_cli, action, fault,
                                                              source, kind):
    _, proxy, run = changes_cli("p0-outage")
    proxy.fail(action, fault)
    code, out, _ = run("--json")
    assert code == 1
    payload = json.loads(out)
    failure, = payload["failures"]
    assert (failure["source"], failure["kind"], failure["action"]) == (source, kind, action)
    kinds = {e["kind"] for e in payload["entries"]}
    assert {"deployment", "task-stop", "alarm"} <= kinds
    assert ("target-health" in kinds) is (source != "target-health")
    code, text, _ = run()
    assert f"INCOMPLETE {source}: " in text and action in text


def test_a_minute_without_a_datapoint_is_a_gap_not_a_change():
    """GetMetricData's MetricDataResults as the CloudWatch API reference shows them: a minute
    CloudWatch has no datapoint for is absent from Timestamps/Values."""
    from probes.change_signals import host_count_entries
    from probes.metric_series import MetricSeries, MetricsSnapshot
    from probes.metric_signals import SignalPlan
    from probes.metrics import parse_results

    t0 = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)
    minutes = [t0 + i * MINUTE for i in (0, 1, 2, 5, 6, 7)]  # 3 and 4 missing
    plan = SignalPlan(tuple(s for s in _signals() if s.id in ("tg_healthy", "tg_unhealthy")))
    results = [
        {"Id": "tg_healthy", "Label": "Healthy hosts", "StatusCode": "Complete",
         "Timestamps": minutes, "Values": [2.0, 2.0, 1.0, 1.0, 1.0, 2.0]},
        {"Id": "tg_unhealthy", "Label": "Unhealthy hosts", "StatusCode": "Complete",
         "Timestamps": minutes, "Values": [0.0, 0.0, 1.0, 1.0, 1.0, 0.0]}]
    points = parse_results(plan.signals, results)
    snapshot = MetricsSnapshot(t0, t0 + 10 * MINUTE, 60, tuple(
        MetricSeries(s.id, s.label, s.unit, tuple(points[s.id])) for s in plan.signals))
    entries = host_count_entries(snapshot, "targetgroup/tg/1")
    assert [(e.at, e.summary) for e in entries] == [
        (t0 + 2 * MINUTE, "healthy hosts 2 -> 1, unhealthy hosts 0 -> 1"),
        (t0 + 7 * MINUTE, "healthy hosts 1 -> 2, unhealthy hosts 1 -> 0")]


def _signals():
    from probes.deployment import Deployment
    from probes.metric_signals import default_signals

    arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
    deployment = Deployment(stack="s", region="eu-west-1", cluster="c", service="svc",
                            log_groups=("/ecs/s",), alarm_prefix="s-",
                            load_balancer_arns=(f"{arn}loadbalancer/app/lb/1",),
                            target_group_arns=(f"{arn}targetgroup/tg/1",))
    return default_signals(deployment).signals


async def test_the_running_console_takes_host_transitions_from_its_metrics_poll(changes_cli, aws):
    """In the app, the metrics probe's GetMetricData already holds the host counts: the
    changes timeline takes the transitions from it (from before the console started too)
    without a request of its own."""
    from console.change_flow import ChangeFlow
    from probes.metrics import MetricsProbe
    from probes.result import ProbeResult
    from probes.suite import connect

    demo, proxy, _ = changes_cli("p0-outage")
    connection = await connect(demo.settings(endpoint_url=proxy.url), n.STACK)
    try:
        probe = MetricsProbe.for_deployment(connection.ctx, connection.deployment)
        snapshot = await probe.collect()
        flow = ChangeFlow(connection.ctx, connection.deployment)
        proxy.seen.clear()
        flow.observe(ProbeResult("metrics", snapshot.end, 0.1, data=snapshot))
        assert proxy.seen == []
    finally:
        await connection.close()
    shown = [(e.at, e.summary, dict(e.detail)["source"])
             for e in flow.entries_between(snapshot.start, snapshot.end)]
    held = held_host_transitions(aws(demo, "cloudwatch"), snapshot.start + MINUTE,
                                 snapshot.end - MINUTE)
    assert held and shown == [(at, summary, change_signals.SOURCE) for at, summary in held]
