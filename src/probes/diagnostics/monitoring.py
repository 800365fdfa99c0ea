"""Monitoring that would stay silent: custom metrics, alarms, and who the alarms notify.

Three diagnostics. Custom metrics: the app's namespace (ChildrenDrawing/Application) empty or
silent for hours, with whether the task role may publish. Alarms (from the alarms probe):
alarms that notify nobody, none at all, and the ones firing now. Notifications: each SNS topic
the stack or an alarm uses must have a confirmed subscription, or alarms page no one.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from probes.alarms import Alarm, AlarmsSnapshot
from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs, FetchFailed
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.diagnostics.resources import task_definition
from probes.diagnostics.role_access import role_access

RECENTLY_ACTIVE = "PT3H"
_OUTAGE_METRICS = ("HTTPCode_ELB_5XX_Count", "UnHealthyHostCount", "HealthyHostCount",
                   "RunningTaskCount")


def evaluate_custom_metrics(namespace: str, total: int, recent: int,
                            may_publish: str | None) -> list[Finding]:
    """`total` metrics in the namespace, `recent` with data in the last 3 h; `may_publish`
    describes the task role's cloudwatch:PutMetricData decision (None: unknown)."""
    if total and recent:
        return []
    facts = evidence(("namespace", namespace), ("metrics", total),
                     ("active in the last 3 h", recent),
                     ("task role cloudwatch:PutMetricData", may_publish or "not checked"))
    return [Finding(
        id="metrics.namespace-empty" if not total else "metrics.namespace-silent",
        severity=Severity.WARNING,
        title=(f"No custom metrics in {namespace}" if not total else
               f"No custom metric in {namespace} had data in the last 3 hours"),
        evidence=facts,
        cause="The app does not publish: the task role lacks cloudwatch:PutMetricData, the "
              "namespace in the app's config differs, or the publisher is failing.",
        fix="Check the task role's CloudWatchMetrics policy, then publish a test metric and "
            f"look for it: aws cloudwatch list-metrics --namespace \"{namespace}\".",
        guide=guide.METRICS, actions=(guide.PUBLISH_TEST_METRIC,),
        action_args=args(namespace=namespace))]


async def check_custom_metrics(inputs: DiagnosticInputs) -> list[Finding]:
    cloudwatch = await inputs.ctx.client("cloudwatch")
    namespace = guide.METRICS_NAMESPACE
    total = len((await cloudwatch.list_metrics(Namespace=namespace)).get("Metrics", []))
    recent = 0
    if total:
        recent = len((await cloudwatch.list_metrics(
            Namespace=namespace, RecentlyActive=RECENTLY_ACTIVE)).get("Metrics", []))
    may_publish = None
    if not (total and recent):
        try:
            spec = await task_definition(inputs)
            if spec is not None and spec.task_role_arn:
                access = await role_access(inputs, spec.task_role_arn,
                                           [("cloudwatch:PutMetricData", "*")])
                may_publish = access.decisions[0].describe()
        except FetchFailed as exc:
            inputs.note(exc.error)
    return evaluate_custom_metrics(namespace, total, recent, may_publish)


def _runbook_for(alarms: list[Alarm]) -> str:
    return (guide.P0_SERVICE_DOWN if any(a.metric in _OUTAGE_METRICS for a in alarms)
            else guide.P1_DEGRADED)


def notified_through_composites(alarms: tuple[Alarm, ...]) -> set[str]:
    """Alarms that page through a composite alarm that notifies (AWS's way to cut noise: the
    children have no actions of their own), followed through nested composites."""
    notifying = {a.name for a in alarms if a.composite and a.actions and a.actions_enabled}
    composites = {a.name: a for a in alarms if a.composite}
    covered: set[str] = set()
    pending = list(notifying)
    while pending:
        for child in composites[pending.pop()].children:
            if child not in covered:
                covered.add(child)
                if child in composites:
                    pending.append(child)
    return covered


def evaluate_alarms(snapshot: AlarmsSnapshot) -> list[Finding]:
    findings: list[Finding] = []
    if not snapshot.alarms:
        return [Finding(
            id="alarms.none", severity=Severity.WARNING, title="The deployment has no alarms",
            cause="No CloudWatch alarm matches the stack's alarms or its name prefix: nothing "
                  "pages anyone.",
            fix="Create the guide's alarms (CPU, memory, 5xx, response time, unhealthy hosts).",
            guide=guide.ALARMS)]
    covered = notified_through_composites(snapshot.alarms)
    silent = [a for a in snapshot.alarms
              if (not a.actions or not a.actions_enabled) and a.name not in covered]
    if silent:
        findings.append(Finding(
            id="alarms.no-actions", severity=Severity.WARNING,
            title=f"{len(silent)} alarm(s) notify nobody",
            evidence=tuple((a.name, "actions disabled" if a.actions and not a.actions_enabled
                            else "no alarm action") for a in silent[:10]),
            cause="An alarm without an enabled action changes state silently.",
            fix="aws cloudwatch put-metric-alarm ... --alarm-actions TOPIC_ARN (or "
                "enable-alarm-actions); then test it by setting its state to ALARM.",
            guide=guide.ALARMS, actions=(guide.SET_ALARM_STATE,),
            action_args=args(alarm_name=silent[0].name)))
    firing = list(snapshot.firing)
    if firing:
        findings.append(Finding(
            id="alarms.firing", severity=Severity.WARNING,
            title=f"{len(firing)} alarm(s) in ALARM: "
                  + ", ".join(a.name for a in firing[:3]) + ("…" if len(firing) > 3 else ""),
            evidence=tuple((a.name, f"{a.condition} since "
                            f"{a.since:%H:%M} UTC: {a.reason}" if a.since else a.reason)
                           for a in firing[:8]),
            cause="Each alarm's reason quotes the datapoints that crossed its threshold; the "
                  "other findings say why.",
            fix="Work through the runbook; the alarms return to OK on their own once the "
                "metric recovers.",
            guide=guide.HEALTH_CHECK_SCRIPT, runbooks=(_runbook_for(firing),)))
    return findings


async def check_alarms(inputs: DiagnosticInputs) -> list[Finding]:
    return evaluate_alarms(inputs.snapshot("alarms"))


@dataclass(frozen=True)
class TopicSubscriptions:
    topic_arn: str
    exists: bool
    subscriptions: tuple[tuple[str, str, str], ...]  # (protocol, endpoint, subscription arn)
    used_by: tuple[str, ...] = ()  # alarm names

    @property
    def confirmed(self) -> int:
        return sum(1 for _, _, arn in self.subscriptions if arn.startswith("arn:"))


def evaluate_topics(topics: list[TopicSubscriptions]) -> list[Finding]:
    findings = []
    for topic in topics:
        if topic.exists and topic.confirmed:
            continue
        name = topic.topic_arn.rsplit(":", 1)[-1]
        cost = "cost" in name or "budget" in name
        findings.append(Finding(
            id="sns.topic-missing" if not topic.exists else "sns.no-confirmed-subscription",
            severity=Severity.WARNING,
            title=(f"Topic {name} does not exist" if not topic.exists else
                   f"Topic {name} has no confirmed subscription: its notifications reach "
                   "no one"),
            evidence=evidence(("topic", topic.topic_arn),
                              ("used by", ", ".join(topic.used_by[:5]) or None))
            + tuple((f"{protocol} {endpoint}", "confirmed" if arn.startswith("arn:") else arn)
                    for protocol, endpoint, arn in topic.subscriptions[:6]),
            cause=("Alarms publish to a topic that was deleted." if not topic.exists else
                   "Email subscriptions stay PendingConfirmation until someone clicks the "
                   "link in AWS's email (often in the spam folder)."),
            fix=(f"aws sns subscribe --topic-arn {topic.topic_arn} --protocol email "
                 "--notification-endpoint ONCALL; confirm the email; then publish a test "
                 "message."),
            guide=guide.BUDGETS if cost else guide.ALARMS,
            actions=(guide.PUBLISH_TEST_NOTIFICATION,) if topic.exists else (),
            subject=topic.topic_arn, action_args=args(topic_arn=topic.topic_arn)))
    return findings


async def _subscriptions(inputs: DiagnosticInputs, topic_arn: str,
                         used_by: tuple[str, ...]) -> TopicSubscriptions:
    parts = topic_arn.split(":")
    sns = await inputs.ctx.client("sns", region=parts[3] if len(parts) > 4 and parts[3] else None)
    found: list[tuple[str, str, str]] = []
    try:
        async for page in sns.get_paginator("list_subscriptions_by_topic").paginate(
                TopicArn=topic_arn):
            found += [(s.get("Protocol", ""), s.get("Endpoint", ""), s.get("SubscriptionArn", ""))
                      for s in page.get("Subscriptions", [])]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NotFound", "NotFoundException"):
            return TopicSubscriptions(topic_arn, False, (), used_by)
        raise
    return TopicSubscriptions(topic_arn, True, tuple(found), used_by)


async def check_notifications(inputs: DiagnosticInputs) -> list[Finding]:
    alarms: AlarmsSnapshot | None = inputs.snapshot_or_none("alarms")
    users: dict[str, list[str]] = {arn: [] for arn in inputs.deployment.topic_arns}
    for alarm in alarms.alarms if alarms is not None else ():
        for action in alarm.actions:
            if action.startswith("arn:aws:sns:"):
                users.setdefault(action, []).append(alarm.name)
    topics = [await _subscriptions(inputs, arn, tuple(names)) for arn, names in users.items()]
    return evaluate_topics(topics)


DIAGNOSTICS = (
    Diagnostic("metrics", "Custom metrics", (guide.METRICS,), check_custom_metrics),
    Diagnostic("alarms", "Alarms", (guide.ALARMS, guide.HEALTH_CHECK_SCRIPT), check_alarms,
               probes=("alarms",)),
    Diagnostic("notifications", "SNS subscriptions", (guide.ALARMS, guide.BUDGETS),
               check_notifications, probes=("alarms",)),
)
