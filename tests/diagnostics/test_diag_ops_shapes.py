"""Monitoring, costs, performance and access findings from typed data in the shapes AWS
documents (DescribeAlarms, ListSubscriptionsByTopic, GetCostAndUsage, DescribeBudgets)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from probes.alarms import AlarmsSnapshot, parse_alarm
from probes.costs import CostSnapshot, ServiceCost, parse_budgets
from probes.diagnostics import Severity
from probes.diagnostics import guide as g
from probes.diagnostics.access import evaluate_credentials, permission_findings
from probes.diagnostics.costs import NatGateway, evaluate_budgets, evaluate_costs, trend
from probes.diagnostics.metrics import DEFAULT_THRESHOLDS, Series, ServiceMetrics, thresholds
from probes.diagnostics.monitoring import (
    TopicSubscriptions,
    evaluate_alarms,
    evaluate_custom_metrics,
    evaluate_topics,
)
from probes.diagnostics.performance import evaluate_performance
from probes.errors import ErrorKind, ProbeError
from probes.identity import CallerIdentity

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
TOPIC = "arn:aws:sns:eu-west-1:123456789012:children-drawing-prod-alerts"


def alarm(name: str, state: str = "OK", actions: tuple[str, ...] = (TOPIC,), **extra):
    return parse_alarm({"AlarmName": name, "StateValue": state, "MetricName": "CPUUtilization",
                        "Namespace": "AWS/ECS", "Statistic": "Average", "Threshold": 80.0,
                        "ComparisonOperator": "GreaterThanThreshold",
                        "AlarmActions": list(actions), "ActionsEnabled": True,
                        "StateReason": "Threshold Crossed", "StateUpdatedTimestamp": NOW,
                        **extra})


def test_alarms_without_actions_none_at_all_and_firing():
    findings = {f.id: f for f in evaluate_alarms(AlarmsSnapshot((
        alarm("cpu-high", "ALARM"), alarm("silent", actions=()),
        alarm("disabled", ActionsEnabled=False))))}
    assert set(findings) == {"alarms.no-actions", "alarms.firing"}
    assert ("disabled", "actions disabled") in findings["alarms.no-actions"].evidence
    assert findings["alarms.firing"].runbooks == (g.P1_DEGRADED,)
    assert evaluate_alarms(AlarmsSnapshot(()))[0].id == "alarms.none"


def test_a_topic_whose_subscription_is_pending_notifies_nobody():
    pending = TopicSubscriptions(TOPIC, True, (
        ("email", "oncall@children-drawing.example.com", "PendingConfirmation"),), ("cpu-high",))
    confirmed = TopicSubscriptions(TOPIC, True, (("email", "x@y", f"{TOPIC}:1a2b"),))
    [finding] = evaluate_topics([pending, confirmed])
    assert finding.id == "sns.no-confirmed-subscription" and finding.subject == TOPIC
    assert finding.actions == (g.PUBLISH_TEST_NOTIFICATION,)
    assert ("email oncall@children-drawing.example.com", "PendingConfirmation") in \
        finding.evidence
    cost = TopicSubscriptions(TOPIC.replace("alerts", "cost-alerts"), True, ())
    assert evaluate_topics([cost])[0].guide == g.BUDGETS
    assert evaluate_topics([TopicSubscriptions(TOPIC, False, ())])[0].id == "sns.topic-missing"


def test_custom_metrics_empty_or_silent():
    [empty] = evaluate_custom_metrics(g.METRICS_NAMESPACE, 0, 0, "not allowed")
    assert empty.id == "metrics.namespace-empty" and empty.actions == (g.PUBLISH_TEST_METRIC,)
    assert evaluate_custom_metrics(g.METRICS_NAMESPACE, 4, 0, None)[0].id == \
        "metrics.namespace-silent"
    assert evaluate_custom_metrics(g.METRICS_NAMESPACE, 4, 4, None) == []


def costs(services: list[ServiceCost], budget_actual: float, forecast: float) -> CostSnapshot:
    budgets = parse_budgets([{"BudgetName": "children-drawing-prod-monthly", "TimeUnit": "MONTHLY",
                              "BudgetLimit": {"Amount": "200.0", "Unit": "USD"},
                              "CalculatedSpend": {
                                  "ActualSpend": {"Amount": str(budget_actual), "Unit": "USD"},
                                  "ForecastedSpend": {"Amount": str(forecast), "Unit": "USD"}}}])
    days = tuple(date(2026, 11, 1) + timedelta(days=i) for i in range(28))
    return CostSnapshot(NOW, date(2026, 11, 1), date(2026, 11, 29), "USD",
                        sum(s.amount for s in services), days, (), tuple(services), budgets)


NAT_SURGE = ServiceCost("EC2 - Other", 160.0, (0.5,) * 22 + (27.0,) * 6)
ELB = ServiceCost("Amazon Elastic Load Balancing", 22.0, (0.8,) * 28)


def test_a_nat_gateway_is_a_warning_only_over_budget():
    nat = [NatGateway("nat-0abc", "available", "vpc-1")]
    over = {f.id: f for f in evaluate_costs(costs([NAT_SURGE, ELB], 248.0, 300.0), nat)}
    assert set(over) == {"costs.budget-exceeded", "costs.nat-gateway", "costs.top-drivers"}
    assert over["costs.nat-gateway"].severity is Severity.WARNING
    assert "EC2 - Other" in dict(over["costs.budget-exceeded"].evidence)
    within = {f.id: f for f in evaluate_costs(costs([ELB], 60.0, 90.0), nat)}
    assert within["costs.nat-gateway"].severity is Severity.INFO
    assert within["costs.top-drivers"].severity is Severity.INFO
    forecast = evaluate_costs(costs([ELB], 150.0, 230.0), [])
    assert forecast[0].id == "costs.budget-forecast"


def test_trend_names_a_jump_in_daily_cost():
    assert trend(NAT_SURGE) == "$27.00/day over the last 3 days vs $2.71/day"
    assert trend(ELB) == ""


def test_budgets_without_notifications_or_none():
    budgets = costs([], 0, 0).budgets
    [silent] = evaluate_budgets(budgets, {"children-drawing-prod-monthly": 0})
    assert silent.id == "budgets.no-notifications" and silent.guide == g.BUDGETS
    assert evaluate_budgets(budgets, {"children-drawing-prod-monthly": 3}) == []
    assert evaluate_budgets((), {})[0].id == "budgets.none"


def series(metric: str, *values: float) -> Series:
    return Series(metric, "Average", tuple((NOW - timedelta(minutes=len(values) - i), v)
                                           for i, v in enumerate(values)))


def metrics(rt: float, cpu: float, memory: float) -> ServiceMetrics:
    return ServiceMetrics(series("CPUUtilization", cpu, cpu),
                          series("MemoryUtilization", memory, memory),
                          series("MemoryUtilization", memory),
                          series("TargetResponseTime", rt, rt))


def test_high_response_time_explained_by_cpu_memory_or_neither():
    limits = dict(DEFAULT_THRESHOLDS)
    causes = {name: evaluate_performance(m, limits)[0]
              for name, m in (("cpu", metrics(3.0, 95, 40)), ("memory", metrics(3.0, 30, 92)),
                              ("neither", metrics(3.0, 30, 40)))}
    assert "CPU is saturated" in causes["cpu"].cause
    assert causes["memory"].actions == (g.SCALE_TASK_SIZE,)
    assert "database" in causes["neither"].cause
    assert evaluate_performance(metrics(0.2, 95, 40), limits)[0].id == "performance.cpu-high"
    assert evaluate_performance(metrics(0.2, 30, 40), limits) == []


def test_thresholds_come_from_the_deployments_alarms():
    rt_alarm = alarm("rt", MetricName="TargetResponseTime", Threshold=2.0)
    assert thresholds(AlarmsSnapshot((rt_alarm,)))["TargetResponseTime"] == 2.0
    assert thresholds(None) == DEFAULT_THRESHOLDS


def test_expired_credentials_and_missing_permissions():
    expired = ProbeError(ErrorKind.CREDENTIALS, "The security token included in the request is "
                         "expired", "run `aws sso login --profile prod`", None, "ExpiredToken")
    [finding] = evaluate_credentials(None, {"ecs": expired}, region="eu-west-1", endpoint=None,
                                     profile="prod")
    assert (finding.id, finding.severity) == ("credentials.rejected", Severity.CRITICAL)
    assert "aws sso login" in finding.fix
    me = CallerIdentity("123456789012", "arn:aws:sts::123456789012:assumed-role/OnCall/a", "x")
    denied = [ProbeError(ErrorKind.ACCESS_DENIED, "no", "grant", "logs:FilterLogEvents"),
              ProbeError(ErrorKind.ACCESS_DENIED, "no", "grant", "ce:GetCostAndUsage"),
              ProbeError(ErrorKind.THROTTLED, "slow", "wait", "ecs:DescribeTasks")]
    [perms] = permission_findings(denied, me)
    assert [v for k, v in perms.evidence if k == "denied"] == ["ce:GetCostAndUsage",
                                                               "logs:FilterLogEvents"]
    assert permission_findings(denied[2:], me) == []
