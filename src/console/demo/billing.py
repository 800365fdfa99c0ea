"""Month-to-date costs and the budget, consistent with each other.

Cost Explorer in moto answers only what was queued through
``POST /moto-api/static/ce/cost-and-usage-results``, one queued result per distinct request.
We queue the GetCostAndUsage response the costs probe asks for (DAILY, UnblendedCost, grouped
by SERVICE, first of the month to tomorrow), a few times over so that another client asking
first (the AWS CLI in the benchmark) does not take the console's. The budget's CalculatedSpend
(actual and forecast) comes from the same figures: moto has no UpdateBudget, so the budget is
created with them (CreateBudget accepts CalculatedSpend; AWS computes it, moto keeps it).
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from console.demo import names as n
from console.demo.server import post_moto_api

QUEUED_COPIES = 4

# What the healthy deployment costs a day (USD, eu-west-1 list prices, rounded).
HEALTHY_DAILY: dict[str, float] = {
    "Amazon Elastic Container Service": 0.68,  # 2 tasks x 0.25 vCPU / 0.5 GB
    "Amazon Elastic Load Balancing": 0.79,
    "EC2 - Other": 0.48,  # public IPv4 addresses
    "AmazonCloudWatch": 0.36,
    "Amazon CloudFront": 0.12,
    "AWS Data Transfer": 0.09,
    "Amazon Simple Storage Service": 0.06,
    "Amazon EC2 Container Registry (ECR)": 0.03,
    "Amazon Route 53": 0.017,
    "AWS Secrets Manager": 0.013,
    "Amazon Simple Notification Service": 0.001,
}


@dataclass(frozen=True)
class CostProfile:
    """`surge` adds, per service, so many USD a day over the last `surge_days` days; with
    `target_fraction` set, the surge is scaled so month-to-date spend is that fraction of the
    budget whatever the day of the month."""

    surge: dict[str, float] = field(default_factory=dict)
    surge_days: int = 6
    target_fraction: float | None = None


MODEST = CostProfile()
NAT_AND_TRANSFER_SURGE = CostProfile(
    surge={"EC2 - Other": 27.5, "AWS Data Transfer": 14.2, "Amazon CloudFront": 1.1,
           "Amazon Simple Storage Service": 0.7},
    surge_days=6, target_fraction=1.24)


@dataclass(frozen=True)
class MonthToDate:
    response: dict[str, Any]  # a GetCostAndUsage response
    actual: float
    forecast: float


def month_to_date(profile: CostProfile, now: datetime, rng: random.Random) -> MonthToDate:
    """Daily costs by service from the first of the month to today (today's part so far)."""
    today = now.date()
    days = [today.replace(day=1) + timedelta(days=i) for i in range(today.day)]
    today_fraction = max(0.05, (now.hour * 60 + now.minute) / 1440)
    weights = [today_fraction if d == today else 1.0 for d in days]
    surge_from = len(days) - min(profile.surge_days, len(days))
    base = {svc: [amount * w * rng.uniform(0.93, 1.07) for w in weights]
            for svc, amount in HEALTHY_DAILY.items()}
    surge = {svc: [amount * w * rng.uniform(0.8, 1.2) if i >= surge_from else 0.0
                   for i, w in enumerate(weights)]
             for svc, amount in profile.surge.items()}
    if profile.target_fraction is not None and surge:
        needed = n.BUDGET_LIMIT_USD * profile.target_fraction - _total(base)
        scale = max(needed, 0.0) / max(_total(surge), 1e-9)
        surge = {svc: [v * scale for v in values] for svc, values in surge.items()}
    per_service = {svc: [b + s for b, s in zip(base.get(svc, [0.0] * len(days)),
                                               surge.get(svc, [0.0] * len(days)), strict=True)]
                   for svc in {*base, *surge}}
    actual = round(_total(per_service), 2)
    recent = sum(sum(v[-min(3, len(days)):]) for v in per_service.values())
    recent_daily = recent / (min(3, len(days)) - 1 + today_fraction)
    remaining = calendar.monthrange(today.year, today.month)[1] - today.day + 1 - today_fraction
    forecast = round(actual + recent_daily * remaining, 2)
    return MonthToDate(_response(days, per_service), actual, forecast)


def _total(per_service: dict[str, list[float]]) -> float:
    return sum(sum(values) for values in per_service.values())


def _response(days: list[date], per_service: dict[str, list[float]]) -> dict[str, Any]:
    results = []
    for index, day in enumerate(days):
        groups = [{"Keys": [svc], "Metrics": {"UnblendedCost": {
            "Amount": f"{values[index]:.10f}", "Unit": "USD"}}}
            for svc, values in sorted(per_service.items()) if values[index] > 0]
        results.append({"TimePeriod": {"Start": day.isoformat(),
                                       "End": (day + timedelta(days=1)).isoformat()},
                        "Total": {}, "Groups": groups, "Estimated": True})
    return {"GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}],
            "ResultsByTime": results, "DimensionValueAttributes": []}


def seed_costs(endpoint_url: str, budgets_client: Any, cost_topic_arn: str,
               mtd: MonthToDate) -> None:
    """Queue the Cost Explorer answer and create the monthly budget with the spend on it."""
    post_moto_api(endpoint_url, "/moto-api/static/ce/cost-and-usage-results",
                  {"results": [mtd.response] * QUEUED_COPIES})
    subscribers = [{"SubscriptionType": "SNS", "Address": cost_topic_arn},
                   {"SubscriptionType": "EMAIL", "Address": n.ALERT_EMAIL}]
    budgets_client.create_budget(
        AccountId=n.ACCOUNT_ID,
        Budget={"BudgetName": n.BUDGET, "BudgetType": "COST", "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": f"{n.BUDGET_LIMIT_USD:.1f}", "Unit": "USD"},
                "CalculatedSpend": {
                    "ActualSpend": {"Amount": f"{mtd.actual:.2f}", "Unit": "USD"},
                    "ForecastedSpend": {"Amount": f"{mtd.forecast:.2f}", "Unit": "USD"}}},
        NotificationsWithSubscribers=[
            {"Notification": {"NotificationType": kind, "ComparisonOperator": "GREATER_THAN",
                              "Threshold": threshold, "ThresholdType": "PERCENTAGE"},
             "Subscribers": subscribers}
            for kind, threshold in (("ACTUAL", 80.0), ("ACTUAL", 100.0), ("FORECASTED", 100.0))])
