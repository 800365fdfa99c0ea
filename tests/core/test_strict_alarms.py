"""14.7: composite alarms are read and their children are not "notifying nobody"; "since" is
when the state changed; a metric-math alarm's datapoints come from GetMetricData. Against the
strict emulator, which (as AWS) serves composites only when AlarmTypes asks for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3

from console.demo import backend
from console.demo import names as n
from probes.alarms import AlarmsProbe, recent_datapoints
from probes.context import AwsContext
from probes.diagnostics.monitoring import evaluate_alarms

PREFIX = f"{n.STACK}-strict-"
CHILDREN = (f"{PREFIX}cpu", f"{PREFIX}5xx")
COMPOSITE = f"{PREFIX}service-unhealthy"
TOPIC = f"arn:aws:sns:{n.REGION}:{n.ACCOUNT_ID}:{n.ALERTS_TOPIC}"


def cloudwatch(handle):
    return boto3.client("cloudwatch", region_name=n.REGION, endpoint_url=handle.endpoint_url,
                        aws_access_key_id="x", aws_secret_access_key="x")


def put_children_and_composite(cw, *, composite_actions: list[str]) -> None:
    for name in CHILDREN:
        cw.put_metric_alarm(AlarmName=name, Namespace="AWS/ECS", MetricName="CPUUtilization",
                            Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=80.0,
                            ComparisonOperator="GreaterThanThreshold")
    cw.put_composite_alarm(
        AlarmName=COMPOSITE, AlarmActions=composite_actions,
        AlarmRule=f'ALARM("{CHILDREN[0]}") AND ALARM('
                  f'"arn:aws:cloudwatch:{n.REGION}:{n.ACCOUNT_ID}:alarm:{CHILDREN[1]}")')


async def read_alarms(handle):
    async with AwsContext(handle.settings()) as ctx:
        return await AlarmsProbe(ctx, prefix=PREFIX).collect()


def silent_alarms(snapshot) -> list[str]:
    findings = {f.id: f for f in evaluate_alarms(snapshot)}
    silent = findings.get("alarms.no-actions")
    return [name for name, _ in silent.evidence] if silent else []


async def test_children_of_a_notifying_composite_do_not_notify_nobody(strict_emulator):
    handle = strict_emulator("healthy")
    put_children_and_composite(cloudwatch(handle), composite_actions=[TOPIC])

    snapshot = await read_alarms(handle)

    composite = next(a for a in snapshot.alarms if a.name == COMPOSITE)
    assert composite.children == CHILDREN
    assert composite.condition.startswith(f'ALARM("{CHILDREN[0]}") AND')
    assert silent_alarms(snapshot) == []


async def test_a_composite_that_notifies_nobody_is_flagged_with_its_children(strict_emulator):
    handle = strict_emulator("healthy")
    put_children_and_composite(cloudwatch(handle), composite_actions=[])

    assert sorted(silent_alarms(await read_alarms(handle))) == sorted([*CHILDREN, COMPOSITE])


async def test_since_is_when_the_state_changed_not_when_it_was_last_evaluated(strict_emulator):
    handle = strict_emulator("healthy")
    cw = cloudwatch(handle)
    put_children_and_composite(cw, composite_actions=[TOPIC])
    cw.set_alarm_state(AlarmName=CHILDREN[0], StateValue="ALARM", StateReason="CPU 97 > 80")
    changed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    backend.set_alarm_transitioned(CHILDREN[0], changed, changed + timedelta(minutes=118))

    snapshot = await read_alarms(handle)

    assert next(a for a in snapshot.alarms if a.name == CHILDREN[0]).since == changed
    [firing] = [f for f in evaluate_alarms(snapshot) if f.id == "alarms.firing"]
    assert f"since {changed:%H:%M} UTC" in dict(firing.evidence)[CHILDREN[0]]


async def test_a_metric_math_alarms_datapoints_are_read_with_get_metric_data(strict_emulator):
    handle = strict_emulator("healthy")
    cw = cloudwatch(handle)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    metric = {"Namespace": "ChildrenDrawing/Application", "MetricName": "Errors",
              "Dimensions": [{"Name": "Service", "Value": n.SERVICE}]}
    cw.put_metric_data(Namespace=metric["Namespace"], MetricData=[
        {"MetricName": "Errors", "Dimensions": metric["Dimensions"], "Value": float(value),
         "Timestamp": now - timedelta(minutes=minutes)}
        for minutes, value in ((20, 3), (10, 7))])
    queries = [{"Id": "m1", "ReturnData": True,
                "MetricStat": {"Metric": metric, "Period": 60, "Stat": "Sum"}}]
    cw.put_metric_alarm(AlarmName=f"{PREFIX}errors", Metrics=queries, EvaluationPeriods=1,
                        Threshold=5.0, ComparisonOperator="GreaterThanThreshold")
    sent: list[tuple[str, dict]] = []

    async with AwsContext(handle.settings()) as ctx:
        [alarm] = (await AlarmsProbe(ctx, prefix=f"{PREFIX}errors").collect()).alarms
        client = await ctx.client("cloudwatch")
        client.meta.events.register(
            "before-call.cloudwatch",
            lambda model, params, **_: sent.append((model.name, params)))
        points = await recent_datapoints(ctx, alarm)

    assert [p.value for p in points] == [3.0, 7.0]
    assert [name for name, _ in sent] == ["GetMetricData"]
    assert "Errors > 5" in alarm.condition


async def test_the_alarms_pane_lists_the_composite_and_its_detail_shows_the_rule(
        strict_emulator, open_app, until, complete, read_screen):
    from console.screens.detail import DetailScreen

    handle = strict_emulator("healthy")
    put_children_and_composite(cloudwatch(handle), composite_actions=[TOPIC])
    async with open_app(handle, size=(140, 45)) as (app, pilot):
        await until(pilot, lambda: complete(app))
        alarms = app.dashboard.panes["alarms"]
        await pilot.press("5")
        alarms.body.move_cursor(row=[a.name for a in alarms.data.alarms].index(COMPOSITE))
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        await until(pilot, lambda: "no datapoints of its own" in read_screen(app))
        assert f'ALARM("{CHILDREN[0]}") AND' in read_screen(app)
