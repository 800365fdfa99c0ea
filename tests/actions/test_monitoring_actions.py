"""The guide's monitoring tests from the alarms pane (5), through the keyboard, against the
emulator: a test notification reaches a queue subscribed to the topic (N), a test metric is
listed (M), and the highlighted alarm goes to the chosen state (s)."""

import json

import boto3
import pytest
from textual.widgets import Input

from console.actions.base import ActionContext, ActionError
from console.actions.monitoring import PublishTestNotificationAction, SetAlarmStateAction
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen
from probes.suite import connect

COST_TOPIC = "children-drawing-prod-cost-alerts"


def aws(demo, service):
    return boto3.client(service, endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def subscribe_queue(demo) -> str:
    """An SQS queue subscribed to the cost-alerts topic: where SNS delivers what it gets."""
    sqs, sns = aws(demo, "sqs"), aws(demo, "sns")
    url = sqs.create_queue(QueueName="test-notifications")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"]
                 if t["TopicArn"].endswith(COST_TOPIC))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return url


async def submit_form(app, pilot, until, **values):
    await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
    form = app.screen
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value
    for _ in form.query(Input):
        await pilot.press("enter")


async def confirm_and_finish(app, pilot, until, read_screen) -> tuple[str, str]:
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    confirm = read_screen(app)
    await pilot.press("y")
    await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
    result = read_screen(app)
    await pilot.press("escape")
    await until(pilot, lambda: not isinstance(app.screen, ActionResultScreen))
    return confirm, result


async def test_notification_metric_and_alarm_state_from_the_alarms_pane(
        scenario, open_app, until, read_screen):
    demo = scenario("healthy")
    queue = subscribe_queue(demo)
    async with open_app(demo, write=True) as (app, pilot):
        alarms = app.dashboard.panes["alarms"]
        await until(pilot, lambda: alarms.data is not None)
        await pilot.press("5")

        # N: a test notification to the cost-alerts topic (the default), as the guide does.
        await pilot.press("N")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        assert app.screen.query_one("#field-topic_arn", Input).value == \
            f"arn:aws:sns:eu-west-1:123456789012:{COST_TOPIC}"
        await submit_form(app, pilot, until, message="Test notification from the drill")
        confirm, result = await confirm_and_finish(app, pilot, until, read_screen)
        assert "sns.Publish" in confirm and COST_TOPIC in confirm
        assert "subscribers of children-drawing-prod-cost-alerts: 2 confirmed" in confirm
        assert "✓ Publish a test notification: done" in result

        # M: TestMetric=1 in ChildrenDrawing/Application.
        await pilot.press("M")
        await submit_form(app, pilot, until)  # the guide's namespace
        confirm, result = await confirm_and_finish(app, pilot, until, read_screen)
        assert "cloudwatch.PutMetricData" in confirm
        assert "TestMetric in ChildrenDrawing/Application: not listed yet" in confirm
        assert "✓" in result

        # s: the highlighted alarm (the first row) to ALARM with the default reason.
        highlighted = alarms.subject()
        assert highlighted is not None and highlighted.state == "OK"
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        assert app.screen.query_one("#field-alarm_name", Input).value == highlighted.name
        await submit_form(app, pilot, until)
        confirm, result = await confirm_and_finish(app, pilot, until, read_screen)
        assert f"state of {highlighted.name}: OK → ALARM" in confirm
        assert "cloudwatch.SetAlarmState" in confirm and "children-drawing-prod-alerts" in confirm

    received = aws(demo, "sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
    bodies = [json.loads(m["Body"]) for m in received.get("Messages", [])]
    assert [(b["Subject"], b["Message"]) for b in bodies] == [
        ("Test notification", "Test notification from the drill")]
    metrics = aws(demo, "cloudwatch").list_metrics(Namespace="ChildrenDrawing/Application",
                                                   MetricName="TestMetric")["Metrics"]
    assert len(metrics) == 1
    alarm = aws(demo, "cloudwatch").describe_alarms(AlarmNames=[highlighted.name])[
        "MetricAlarms"][0]
    assert (alarm["StateValue"], alarm["StateReason"]) == ("ALARM",
                                                           "testing from incident-console")


async def test_an_unknown_alarm_or_topic_is_refused_with_a_clear_message(scenario):
    demo = scenario("healthy")
    connection = await connect(demo.settings(), "children-drawing-prod")
    try:
        ctx = ActionContext(aws=connection.ctx, deployment=connection.deployment,
                            identity=connection.identity, write=True)
        with pytest.raises(ActionError, match="no alarm named 'no-such-alarm'"):
            await SetAlarmStateAction().plan(ctx, {"alarm_name": "no-such-alarm", "state": "OK"})
        with pytest.raises(ActionError, match="unknown topic 'nope': choose one of"):
            await PublishTestNotificationAction().plan(ctx, {"topic_arn": "nope"})
    finally:
        await connection.close()
