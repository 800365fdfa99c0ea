"""The metrics probe against the emulator: what GetMetricData receives (one request per
interval, every signal, the discovered dimensions, 3 h at 1 min), the config's overrides, a
hundred poll cycles on a fake clock (one request each, the window slides), and AccessDenied."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3

from console.demo import names as n
from probes.context import AwsContext
from probes.deployment import discover
from probes.errors import ErrorKind
from probes.metric_series import MetricsSnapshot
from probes.metric_signals import DEFAULT_IDS, Signal, SignalPlan, check_overrides
from probes.metrics import MetricsProbe

sys.path.insert(0, str(Path(__file__).parents[1] / "faults"))
from proxy import FaultProxy


def record_requests(client, sent: list[dict]) -> None:
    """Every GetMetricData this client sends, as its parameters (before CBOR encoding)."""
    client.meta.events.register("before-parameter-build.cloudwatch.GetMetricData",
                                lambda params, **_: sent.append(params))


async def test_one_request_carries_every_signal_with_the_discovered_dimensions(scenario):
    handle = scenario("p0-outage")
    with FaultProxy(handle.endpoint_url) as proxy:
        async with AwsContext(handle.settings(endpoint_url=proxy.url)) as ctx:
            deployment = await discover(ctx, n.STACK)
            sent: list[dict] = []
            record_requests(await ctx.client("cloudwatch"), sent)
            proxy.seen.clear()
            result = await MetricsProbe.for_deployment(
                ctx, deployment, clock=lambda: handle.built.now).run()

    assert result.ok, result.error
    assert proxy.seen == ["cloudwatch:GetMetricData"]  # what the emulator received: one
    body = sent[0]
    queries = {q["Id"]: q["MetricStat"] for q in body["MetricDataQueries"]}
    assert tuple(queries) == DEFAULT_IDS
    assert {q["Period"] for q in queries.values()} == {60}
    lb = handle.built.base.load_balancer_arn.split(":loadbalancer/", 1)[1]
    tg = handle.built.base.target_group_arn.split(":", 5)[5]
    dims = {i: {d["Name"]: d["Value"] for d in q["Metric"]["Dimensions"]}
            for i, q in queries.items()}
    assert dims["ecs_cpu_avg"] == {"ClusterName": n.CLUSTER, "ServiceName": n.SERVICE}
    assert dims["alb_elb_5xx"] == {"LoadBalancer": lb}
    assert dims["tg_unhealthy"] == {"TargetGroup": tg, "LoadBalancer": lb}
    assert queries["alb_latency_p95"]["Stat"] == "p95"
    assert body["EndTime"] - body["StartTime"] == timedelta(hours=3)
    # and what came back is what the emulator holds: p0's hosts are all unhealthy now
    assert result.data.get("tg_unhealthy").latest.value == 2.0
    assert len(result.data.get("ecs_cpu_avg").points) == 180


async def test_config_overrides_change_drop_and_add_signals(scenario):
    handle = scenario("healthy")
    overrides = {"ecs_running_tasks": False,
                 "alb_elb_5xx": {"stat": "Maximum"},
                 "uploads": {"namespace": n.METRICS_NAMESPACE, "metric": "DrawingsUploaded",
                             "stat": "Sum", "dimensions": {"Environment": "production"}}}
    assert check_overrides(overrides) == []
    async with AwsContext(handle.settings()) as ctx:
        deployment = await discover(ctx, n.STACK)
        sent: list[dict] = []
        record_requests(await ctx.client("cloudwatch"), sent)
        result = await MetricsProbe.for_deployment(
            ctx, deployment, overrides, clock=lambda: handle.built.now).run()

    queries = {q["Id"]: q["MetricStat"] for q in sent[0]["MetricDataQueries"]}
    assert "ecs_running_tasks" not in queries
    assert queries["alb_elb_5xx"]["Stat"] == "Maximum"
    assert queries["uploads"]["Metric"]["Dimensions"] == [
        {"Name": "Environment", "Value": "production"}]
    assert len(result.data.get("uploads").points) == 180


def test_bad_overrides_are_one_line_each():
    problems = check_overrides({"Bad-Id": {}, "alb_5xx_new": {"metric": "X"},
                                "ecs_cpu_avg": {"stat": "median", "colour": "red"}})
    assert any(p.startswith("metrics.Bad-Id: a signal id") for p in problems)
    assert any("alb_5xx_new: a new signal needs namespace, metric and stat" in p
               for p in problems)
    assert any("ecs_cpu_avg.stat should be Average" in p and "'median'" in p for p in problems)
    assert any("unknown key 'colour'" in p for p in problems)


async def test_a_hundred_poll_cycles_send_one_request_each_and_the_window_slides(emulator):
    """A fake clock moves a minute per cycle over data that stops at `t0`: each cycle is one
    GetMetricData, and the window's oldest minute leaves as the clock moves on."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{emulator.endpoint_url}/moto-api/reset",
                                                  method="POST")).read()
    t0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    cw = boto3.client("cloudwatch", region_name=n.REGION, endpoint_url=emulator.endpoint_url,
                      aws_access_key_id="x", aws_secret_access_key="x")
    data = [{"MetricName": "Slide", "Timestamp": t0 - timedelta(minutes=m), "Value": float(m)}
            for m in range(180)]
    for start in range(0, len(data), 100):
        cw.put_metric_data(Namespace="Test/Slide", MetricData=data[start:start + 100])
    now = [t0]
    plan = SignalPlan((Signal("slide", "Slide", "count", "Test/Slide", "Slide", "Sum", ()),))
    settings = emulator_settings(emulator.endpoint_url)
    with FaultProxy(emulator.endpoint_url) as proxy:
        settings = settings.__class__(**{**settings.__dict__, "endpoint_url": proxy.url})
        async with AwsContext(settings) as ctx:
            probe = MetricsProbe(ctx, plan, clock=lambda: now[0])
            snapshots: list[MetricsSnapshot] = []
            for cycle in range(100):
                before = len(proxy.seen)
                result = await probe.run()
                assert result.ok, result.error
                assert len(proxy.seen) - before == 1, f"cycle {cycle}"
                snapshots.append(result.data)
                now[0] += timedelta(seconds=probe.interval_s)

    assert proxy.seen == ["cloudwatch:GetMetricData"] * 100
    for cycle, snapshot in enumerate(snapshots):
        points = snapshot.get("slide").points
        assert snapshot.start == t0 + timedelta(minutes=cycle + 1) - timedelta(hours=3)
        assert len(points) == 180 - cycle  # the oldest minute left the window
        assert points[0].value == 179 - cycle and points[-1].value == 0.0
        assert points[-1].at == t0


def emulator_settings(endpoint_url: str):
    from probes.context import AwsSettings

    return AwsSettings(region=n.REGION, endpoint_url=endpoint_url,
                       static_credentials=n.CREDENTIALS, max_attempts=1, read_timeout=10.0)


async def test_access_denied_names_the_action(scenario):
    handle = scenario("healthy")
    with FaultProxy(handle.endpoint_url) as proxy:
        async with AwsContext(handle.settings(endpoint_url=proxy.url)) as ctx:
            deployment = await discover(ctx, n.STACK)
            proxy.fail("cloudwatch:GetMetricData", "denied")
            result = await MetricsProbe.for_deployment(ctx, deployment).run()

    assert result.error is not None and result.error.kind is ErrorKind.ACCESS_DENIED
    assert result.error.action == "cloudwatch:GetMetricData"
    assert "not authorized to perform: cloudwatch:GetMetricData" in result.error.message
