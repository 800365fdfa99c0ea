"""Every demo alarm's reason quotes the datapoints evaluated at its transition, as CloudWatch
does: their times end at the transition (seen: an alarm that went to ALARM at 05:09 quoted
datapoints of 05:39 and 05:44, the moment the demo was built), and an ALARM's quoted values
cross the threshold the reason names."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from console.demo import names as n

POINT = re.compile(r"([\d.]+) \((\d\d/\d\d/\d\d \d\d:\d\d:\d\d)\)")


@pytest.mark.parametrize("name", n.SCENARIOS)
def test_alarm_reasons_quote_the_datapoints_before_their_transition(scenario, name):
    handle = scenario(name)
    cloudwatch = boto3.client("cloudwatch", endpoint_url=handle.endpoint_url,
                              region_name="eu-west-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
    alarms = cloudwatch.describe_alarms(AlarmNamePrefix=n.STACK)["MetricAlarms"]
    assert alarms
    for alarm in alarms:
        moved = alarm["StateUpdatedTimestamp"].astimezone(UTC)
        points = [(float(v), datetime.strptime(t, "%d/%m/%y %H:%M:%S").replace(tzinfo=UTC))
                  for v, t in POINT.findall(alarm["StateReason"])]
        if not points:
            continue  # a reason written by hand (a training fix), not a threshold evaluation
        where = (name, alarm["AlarmName"], alarm["StateReason"], moved)
        assert all(moved - timedelta(minutes=30) <= at <= moved for _, at in points), where
        if alarm["StateValue"] == "ALARM":
            assert all(value > alarm["Threshold"] for value, _ in points), where
        else:
            assert all(value <= alarm["Threshold"] for value, _ in points), where


STEP_METRICS = {"HTTPCode_ELB_5XX_Count", "UnHealthyHostCount"}


@pytest.mark.parametrize("name", n.SCENARIOS)
def test_a_step_signal_was_healthy_before_its_alarm_s_window(scenario, name):
    """The metric history agrees with the alarm: before the evaluation window that made it
    fire, its signal did not cross (seen: fail-open's host counts were 0 healthy / 2 unhealthy
    for all 3 hours though its alarm fired 14 min ago, so no transition could be found)."""
    handle = scenario(name)
    cloudwatch = boto3.client("cloudwatch", endpoint_url=handle.endpoint_url,
                              region_name="eu-west-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
    now = handle.built.now
    for alarm in cloudwatch.describe_alarms(AlarmNamePrefix=n.STACK)["MetricAlarms"]:
        if alarm["StateValue"] != "ALARM" or alarm["MetricName"] not in STEP_METRICS:
            continue
        window = timedelta(seconds=alarm["Period"] * alarm["EvaluationPeriods"])
        began = alarm["StateUpdatedTimestamp"].astimezone(UTC) - window
        if began - timedelta(minutes=30) < now - timedelta(hours=3):
            continue  # before the 3 h the demo writes
        stats = cloudwatch.get_metric_statistics(
            Namespace=alarm["Namespace"], MetricName=alarm["MetricName"],
            Dimensions=alarm["Dimensions"], StartTime=began - timedelta(minutes=30),
            EndTime=began - timedelta(minutes=1), Period=alarm["Period"],
            Statistics=[alarm["Statistic"]])["Datapoints"]
        assert stats, (name, alarm["AlarmName"])
        before = [p[alarm["Statistic"]] for p in stats]
        assert all(v <= alarm["Threshold"] for v in before), (name, alarm["AlarmName"], before)
