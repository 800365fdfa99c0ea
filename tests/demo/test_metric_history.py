"""The demo's metric history, read back through the metrics probe: a healthy baseline for
3 hours, and each scenario's signature from its incident time (p0: 5xx and unhealthy hosts
jump, memory near 100 %; p1: latency p95 and CPU climb)."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from console.demo import names as n
from console.demo.backend import metric_data as percentiles
from probes.context import AwsContext
from probes.deployment import discover
from probes.metric_series import MetricsSnapshot
from probes.metrics import MetricsProbe


async def read(handle) -> MetricsSnapshot:
    async with AwsContext(handle.settings()) as ctx:
        # at the scenario's moment: a minute turning meanwhile would drop the oldest one
        result = await MetricsProbe.for_deployment(ctx, await discover(ctx, n.STACK),
                                                   clock=lambda: handle.built.now).run()
    assert result.ok, result.error
    return result.data


def values(snapshot: MetricsSnapshot, signal: str, handle, newer: float, older: float = 0):
    """Values of `signal` between `newer` and `older` minutes before the scenario's now."""
    now = handle.built.now
    return [p.value for p in snapshot.get(signal).points
            if now - timedelta(minutes=newer) >= p.at > now - timedelta(minutes=older or 1e4)]


async def test_p0_outage_5xx_and_unhealthy_hosts_jump_and_memory_nears_100(scenario):
    handle = scenario("p0-outage")
    data = await read(handle)

    assert all(len(s.points) == 180 for s in data.series), [
        (s.signal, len(s.points)) for s in data.series]
    # The last healthy host went 31 min ago (the unhealthy-hosts alarm fired 29 min ago,
    # after 2 minutes): ELB 5xx jump there, right after the forced deployment (31 min ago).
    assert max(values(data, "alb_elb_5xx", handle, 60, 180)) <= 2
    assert median(values(data, "alb_elb_5xx", handle, 0, 30)) > 50
    assert set(values(data, "tg_unhealthy", handle, 0, 30)) == {2.0}
    assert set(values(data, "tg_healthy", handle, 0, 30)) == {0.0}
    assert set(values(data, "tg_healthy", handle, 60, 180)) == {2.0}
    assert data.get("ecs_mem_max").latest.value > 95
    assert median(values(data, "ecs_mem_avg", handle, 90, 180)) < 50
    # Maximum is the busier task's, Average the mean of both
    assert data.get("ecs_mem_max").latest.value >= data.get("ecs_mem_avg").latest.value


async def test_p1_degraded_latency_p95_and_cpu_climb(scenario):
    handle = scenario("p1-degraded")
    data = await read(handle)

    before = median(values(data, "alb_latency_p95", handle, 60, 180))
    now = median(values(data, "alb_latency_p95", handle, 0, 10))
    assert before < 0.6 and now > 3.0
    assert median(values(data, "ecs_cpu_avg", handle, 60, 180)) < 30
    assert median(values(data, "ecs_cpu_avg", handle, 0, 10)) > 75
    # p95 is a percentile of the samples, above their median
    assert now > median(values(data, "alb_latency_p50", handle, 0, 10))
    assert set(values(data, "alb_elb_5xx", handle, 0, 180)) == {0.0}


async def test_healthy_stays_at_its_baseline_for_three_hours(scenario):
    handle = scenario("healthy")
    data = await read(handle)

    cpu = values(data, "ecs_cpu_avg", handle, 0, 180)
    assert len(cpu) == 180 and max(cpu) < 35
    assert set(values(data, "tg_unhealthy", handle, 0, 180)) == {0.0}
    assert set(values(data, "ecs_running_tasks", handle, 0, 180)) == {2.0}


def test_the_percentile_patch_still_fits_moto():
    """Fails loudly, naming the internal, when a moto upgrade moves what the patch wraps."""
    from moto.cloudwatch.models import Statistics

    percentiles.install()
    stats = Statistics(["p95"], None)
    assert hasattr(Statistics, "metric_single_values_list"), percentiles.INTERNALS[1]
    assert getattr(Statistics.get_statistics_for_type, "__wrapped__", None), \
        percentiles.INTERNALS[0]
    assert stats.get_statistics_for_type("p95") is None  # no data: no value, not 0
    assert percentiles.percentile([float(v) for v in range(1, 101)], 95) == 95.0


async def test_the_fast_metric_data_path_answers_as_moto_does(scenario):
    """The demo's bucketed GetMetricData gives moto's own answer for the probe's queries."""
    from moto.cloudwatch.models import CloudWatchBackend, cloudwatch_backends

    from probes.metric_signals import default_signals
    from probes.metrics import window_end

    handle = scenario("p0-outage")
    async with AwsContext(handle.settings()) as ctx:
        deployment = await discover(ctx, n.STACK)
    queries = [s.query(60) for s in default_signals(deployment).signals]
    backend = cloudwatch_backends[n.ACCOUNT_ID][n.REGION]
    end = window_end(handle.built.now).replace(tzinfo=None)  # moto keeps naive UTC
    start = end - timedelta(hours=3)
    moto_own = CloudWatchBackend.get_metric_data.__wrapped__
    assert percentiles.fast_metric_data(backend, queries, start, end) == moto_own(
        backend, queries, start, end)
    assert len(moto_own(backend, queries, start, end)[0]["values"]) == 180
