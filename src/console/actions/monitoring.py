"""The guide's monitoring tests: publish a test notification to an SNS topic, publish a test
metric, and set an alarm's state to check that its actions notify someone.

All three reach the alarms pane (5): N, M and s.
"""

from __future__ import annotations

from typing import Any

from console.actions.base import Action, ActionContext, ActionError, ApiCall, Change, Field, Plan
from console.actions.common import error_code, last_segment, set_choices, shown
from probes.diagnostics.guide import METRICS_NAMESPACE

ALARM_STATES = ("ALARM", "OK", "INSUFFICIENT_DATA")
ACTIONS_OF_STATE = {"ALARM": "AlarmActions", "OK": "OKActions",
                    "INSUFFICIENT_DATA": "InsufficientDataActions"}


def _topic_choice(ctx: ActionContext) -> tuple[dict[str, str], str | None]:
    """The deployment's topics by name, and the guide's default (the cost-alerts topic's ARN)."""
    by_name = {last_segment(arn): arn for arn in ctx.deployment.topic_arns}
    default = next((arn for name, arn in by_name.items() if name.endswith("cost-alerts")),
                   next(iter(by_name.values()), None))
    return by_name, default


class PublishTestNotificationAction(Action):
    id = "publish-test-notification"
    title = "Publish a test notification"
    description = "Send a message to one of the deployment's SNS topics: do alerts reach the " \
                  "people subscribed to it? (the guide's test when alarms notify nobody)"
    pane = "alarms"
    key = "N"
    fields = (Field("topic_arn", "Topic"),
              Field("message", "Message", default="Test notification"))

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        by_name, default = _topic_choice(ctx)
        if by_name:
            set_choices(self, "topic_arn", tuple(by_name.values()), default)
        return {"topic_arn": default, "message": "Test notification"}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        by_name, _ = _topic_choice(ctx)
        if not by_name:
            raise ActionError("this deployment has no SNS topic (the stack lists none)")
        topic = str(inputs.get("topic_arn") or "")
        arn = by_name.get(topic) or (topic if topic in by_name.values() else None)
        if arn is None:
            raise ActionError(f"unknown topic {shown(topic)!r}: choose one of "
                              f"{', '.join(by_name)}")
        message = str(inputs.get("message") or "Test notification")
        if len(message.encode()) > 256 * 1024:
            raise ActionError("the message is over SNS's 256 KiB limit")
        sns = await ctx.aws.client("sns")
        try:
            listed = await sns.list_subscriptions_by_topic(TopicArn=arn)
        except Exception as exc:
            if error_code(exc) == "NotFound":
                raise ActionError(f"topic {shown(topic)} does not exist") from None
            raise
        subscriptions = listed.get("Subscriptions", [])
        confirmed = [s for s in subscriptions
                     if not str(s.get("SubscriptionArn", "")).startswith("Pending")]
        who = ", ".join(f"{s.get('Protocol')} {s.get('Endpoint')}" for s in confirmed[:4])
        notes = () if confirmed else (
            "Nobody will receive it: the topic has no confirmed subscription.",)
        return Plan(
            title=self.title,
            calls=(ApiCall("sns", "Publish", {"TopicArn": arn, "Subject": "Test notification",
                                              "Message": message}),),
            changes=(Change(f"subscribers of {last_segment(arn)}",
                            f"{len(confirmed)} confirmed{': ' + who if who else ''}",
                            f"each receives {message[:60]!r}"),),
            watch_next="the inboxes (or queues) subscribed to the topic; no message means the "
                       "subscription is unconfirmed or filtered",
            notes=notes,
        )


class PublishTestMetricAction(Action):
    id = "publish-test-metric"
    title = "Publish a test metric"
    description = f"PutMetricData TestMetric=1 in {METRICS_NAMESPACE}, as the guide does when " \
                  "custom metrics do not appear in CloudWatch."
    pane = "alarms"
    key = "M"
    fields = (Field("namespace", "Namespace", default=METRICS_NAMESPACE,
                    help="the guide's: the one the application writes to"),)

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        namespace = str(inputs.get("namespace") or METRICS_NAMESPACE).strip()
        if not namespace or namespace.startswith("AWS/"):
            raise ActionError("give a custom namespace (AWS/ namespaces are reserved for AWS)")
        cloudwatch = await ctx.aws.client("cloudwatch")
        listed = await cloudwatch.list_metrics(Namespace=namespace, MetricName="TestMetric")
        seen = bool(listed.get("Metrics"))
        return Plan(
            title=self.title,
            calls=(ApiCall("cloudwatch", "PutMetricData", {
                "Namespace": namespace,
                "MetricData": [{"MetricName": "TestMetric", "Value": 1.0}]}),),
            changes=(Change(f"TestMetric in {namespace}",
                            "listed already" if seen else "not listed yet",
                            "one more datapoint: 1"),),
            watch_next=f"aws cloudwatch list-metrics --namespace {namespace} shows it "
                       "within a few minutes; if it does but the app's metrics never do, check "
                       "the task role's cloudwatch:PutMetricData permission",
        )


class SetAlarmStateAction(Action):
    id = "set-alarm-state"
    title = "Set an alarm's state"
    description = "SetAlarmState for a test: the alarm's actions run as if it fired. " \
                  "CloudWatch sets it back at its next evaluation."
    pane = "alarms"
    key = "s"
    fields = (Field("alarm_name", "Alarm", help="the highlighted alarm, or type a name"),
              Field("state", "State", "choice", default="ALARM", choices=ALARM_STATES),
              Field("reason", "Reason", default="testing from incident-console"))

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        subject = getattr(ctx.subject, "name", None)
        snapshot = ctx.snapshots.get("alarms")
        if subject is None and snapshot is not None and snapshot.alarms:
            subject = snapshot.alarms[0].name
        state = "OK" if getattr(ctx.subject, "state", "") == "ALARM" else "ALARM"
        return {"alarm_name": subject, "state": state, "reason": "testing from incident-console"}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        name = str(inputs.get("alarm_name") or "").strip()
        if not name:
            raise ActionError("highlight an alarm in the alarms pane (5) or type its name")
        state = str(inputs.get("state") or "ALARM")
        if state not in ALARM_STATES:
            raise ActionError(f"state should be one of {', '.join(ALARM_STATES)}")
        reason = str(inputs.get("reason") or "testing from incident-console")[:1023]
        cloudwatch = await ctx.aws.client("cloudwatch")
        found = (await cloudwatch.describe_alarms(AlarmNames=[name])).get("MetricAlarms", [])
        if not found:
            raise ActionError(f"no alarm named {shown(name)!r}")
        alarm = found[0]
        actions = alarm.get(ACTIONS_OF_STATE[state], [])
        notes = [f"Runs its {state} actions: "
                 f"{', '.join(last_segment(a) for a in actions) or 'none (nobody is notified)'}."]
        if not alarm.get("ActionsEnabled", True):
            notes.append("Its actions are disabled: nobody will be notified.")
        return Plan(
            title=self.title,
            calls=(ApiCall("cloudwatch", "SetAlarmState", {
                "AlarmName": name, "StateValue": state, "StateReason": reason}),),
            changes=(Change(f"state of {name}", str(alarm.get("StateValue", "?")), state),),
            watch_next="the alarms pane (5) and whoever its actions notify; CloudWatch puts it "
                       "back to what the metric says at the next evaluation",
            notes=tuple(notes),
        )
