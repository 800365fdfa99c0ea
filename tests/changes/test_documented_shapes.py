"""Shapes moto cannot produce, from AWS's documentation: DescribeAlarmHistory items (HistoryData
is a JSON string with oldState/newState), paging by NextToken, ECS deployments that failed or
rolled back (circuit breaker) and service events, DescribeTaskDefinition's registeredAt."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from probes.change_convert import service_entries
from probes.change_sources import (
    alarm_filter,
    alarm_history_entry,
    read_alarm_history,
    read_task_definitions,
)
from probes.ecs import parse_service, parse_task

T0 = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)
REASON = ("Threshold Crossed: 1 out of the last 1 datapoints [12.0 (28/11/26 19:04:00)] was "
          "greater than the threshold (10.0) (minimum 1 datapoint for OK -> ALARM transition).")


def history_item(name: str, at: datetime, old: str = "OK", new: str = "ALARM") -> dict:
    """As in the CloudWatch API reference's DescribeAlarmHistory example."""
    return {
        "AlarmName": name, "AlarmType": "MetricAlarm", "Timestamp": at,
        "HistoryItemType": "StateUpdate",
        "HistorySummary": f"Alarm updated from {old} to {new}",
        "HistoryData": json.dumps({
            "version": "1.0",
            "oldState": {"stateValue": old, "stateReason": "Threshold Crossed: no breach"},
            "newState": {"stateValue": new, "stateReason": REASON, "stateReasonData": {
                "version": "1.0", "queryDate": "2026-11-28T19:05:00.000+0000",
                "statistic": "Sum", "period": 60, "recentDatapoints": [12.0],
                "threshold": 10.0}}}),
    }


def test_alarm_history_item_reads_states_and_reason_from_history_data():
    entry = alarm_history_entry(history_item("prod-alb-5xx-high", T0))
    assert (entry.at, entry.kind, entry.resource) == (T0, "alarm", "prod-alb-5xx-high")
    assert entry.summary == f"OK -> ALARM: {REASON}"
    assert dict(entry.detail)["history"] == "Alarm updated from OK to ALARM"


def test_alarm_history_without_readable_data_keeps_aws_summary():
    item = {**history_item("a", T0), "HistoryData": "not json"}
    assert alarm_history_entry(item).summary == "Alarm updated from OK to ALARM"


class PagedHistory:
    """A CloudWatch client answering DescribeAlarmHistory with documented pages."""

    def __init__(self, pages: list[list[dict]]):
        self.pages, self.calls = pages, []

    async def describe_alarm_history(self, **kwargs):
        self.calls.append(kwargs)
        index = int(kwargs.get("NextToken", 0))
        page = {"AlarmHistoryItems": self.pages[index]}
        if index + 1 < len(self.pages):
            page["NextToken"] = str(index + 1)
        return page


def test_alarm_history_pages_and_keeps_only_the_deployments_alarms():
    pages = [[history_item("prod-cpu", T0 + timedelta(minutes=9 - i)) for i in range(5)],
             [history_item("other-team-alarm", T0), history_item("prod-mem", T0)]]
    client = PagedHistory(pages)
    entries, complete = asyncio.run(read_alarm_history(
        client, T0 - timedelta(hours=3), T0 + timedelta(hours=1), alarm_filter((), "prod-")))
    assert complete and len(client.calls) == 2
    assert client.calls[0]["HistoryItemType"] == "StateUpdate"
    assert client.calls[1]["NextToken"] == "1"
    assert [e.resource for e in entries] == ["prod-cpu"] * 5 + ["prod-mem"]


SERVICE = {
    "serviceName": "prod-service", "status": "ACTIVE", "desiredCount": 2, "runningCount": 0,
    "pendingCount": 0, "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:7",
    "deployments": [
        {"id": "ecs-svc/1111", "status": "PRIMARY", "taskDefinition":
         "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:6", "desiredCount": 2,
         "runningCount": 2, "pendingCount": 0, "failedTasks": 0, "rolloutState": "COMPLETED",
         "rolloutStateReason": "ECS deployment ecs-svc/1111 completed.",
         "createdAt": T0 + timedelta(minutes=20), "updatedAt": T0 + timedelta(minutes=24)},
        {"id": "ecs-svc/2222", "status": "ACTIVE", "taskDefinition":
         "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:7", "desiredCount": 0,
         "runningCount": 0, "pendingCount": 0, "failedTasks": 3, "rolloutState": "FAILED",
         "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to start.",
         "createdAt": T0, "updatedAt": T0 + timedelta(minutes=19)},
    ],
    "events": [
        {"id": "e2", "createdAt": T0 + timedelta(minutes=19), "message":
         "(service prod-service) deployment ecs-svc/2222 deployment failed: tasks failed to "
         "start."},
        {"id": "e1", "createdAt": T0 + timedelta(minutes=5), "message":
         "(service prod-service) (task 9f3c) failed container health checks."},
        {"id": "e0", "createdAt": T0 - timedelta(days=2), "message":
         "(service prod-service) has reached a steady state."},
    ],
}
STOPPED_TASK = {
    "taskArn": "arn:aws:ecs:eu-west-1:123456789012:task/prod-cluster/9f3c", "lastStatus":
    "STOPPED", "desiredStatus": "STOPPED", "stopCode": "TaskFailedToStart",
    "stoppedReason": "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
    "stoppedAt": T0 + timedelta(minutes=6), "startedAt": None,
    "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:7",
    "containers": [{"name": "app", "lastStatus": "STOPPED", "reason":
                    "CannotPullContainerError: pull image manifest has been retried 5 time(s)"}],
}


def test_failed_and_rolled_back_deployments_events_and_stops_from_documented_shapes():
    snapshot = parse_service(SERVICE, "prod-cluster", (parse_task(STOPPED_TASK),))
    entries = service_entries(snapshot, since=T0 - timedelta(hours=3))
    summaries = {(e.at, e.kind, e.summary) for e in entries}
    assert (T0, "deployment", "deployment created: task definition app:7") in summaries
    assert (T0 + timedelta(minutes=19), "deployment",
            "deployment failed: ECS deployment circuit breaker: tasks failed to start.") \
        in summaries
    assert (T0 + timedelta(minutes=24), "deployment",
            "deployment completed: ECS deployment ecs-svc/1111 completed.") in summaries
    assert (T0 + timedelta(minutes=6), "task-stop", "stopped: CannotPullContainerError: pull "
            "image manifest has been retried 5 time(s)") in summaries
    events = sorted(e.summary for e in entries if e.kind == "service-event")
    assert len(events) == 2  # the steady state two days ago is before `since`
    assert "failed container health checks" in events[0]


class TaskDefinitions:
    """ListTaskDefinitions (sort DESC) and DescribeTaskDefinition with registeredAt."""

    def __init__(self, count: int):
        self.count, self.described = count, []

    async def list_task_definitions(self, **kwargs):
        arns = [f"arn:aws:ecs:eu-west-1:123456789012:task-definition/app:{r}"
                for r in range(self.count, 0, -1)]
        return {"taskDefinitionArns": arns[:kwargs.get("maxResults", 100)]}

    async def describe_task_definition(self, taskDefinition):
        self.described.append(taskDefinition)
        revision = int(taskDefinition.rsplit(":", 1)[1])
        return {"taskDefinition": {
            "taskDefinitionArn": taskDefinition, "family": "app", "revision": revision,
            "registeredAt": T0 - timedelta(hours=self.count - revision),
            "registeredBy": "arn:aws:iam::123456789012:role/deployer",
            "containerDefinitions": [{"name": "app", "image": f"repo/app:1.{revision}"}],
            "cpu": "256", "memory": "512", "status": "ACTIVE"}}


def test_task_definition_revisions_stop_at_the_first_one_before_since():
    client = TaskDefinitions(40)
    entries = asyncio.run(read_task_definitions(client, "app", T0 - timedelta(hours=2, minutes=30)))
    assert [e.resource for e in entries] == ["app:40", "app:39", "app:38"]
    assert entries[0].summary == "task definition app:40 registered: repo/app:1.40"
    assert len(client.described) == 4  # the fourth was older: no more asked


def test_an_observed_alarm_transition_gives_way_to_aws_history_of_it():
    from probes.change_convert import observed_entries
    from probes.change_timeline import ChangeTimeline
    from probes.changes import StateChange

    timeline = ChangeTimeline(ctx=None, deployment=None)  # type: ignore[arg-type]
    seen_at = T0 + timedelta(minutes=1, seconds=20)  # the next poll after the transition
    observed = observed_entries([StateChange("alarms", "prod-alb-5xx-high", "OK", "ALARM",
                                             REASON)], seen_at)
    other = observed_entries([StateChange("alarms", "prod-cpu", "OK", "ALARM", "x")], seen_at)
    timeline.add(observed + other)
    window = (T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    assert len(timeline.entries_between(*window)) == 2
    timeline.add([alarm_history_entry(history_item("prod-alb-5xx-high", T0))])
    entries = timeline.entries_between(*window)
    assert [(e.at, e.resource, dict(e.detail)["source"]) for e in entries] == [
        (T0, "prod-alb-5xx-high", "DescribeAlarmHistory"),
        (seen_at, "prod-cpu", "observed by the console")]
