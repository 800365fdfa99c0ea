"""Training mode's CloudFormation and billing side: reading an UpdateStack's template,
answering it (moto cannot update the demo's stack: half of it was made through other APIs),
the stack's events after a corrected or a wrong update, and the budget after the NAT gateway
goes. The rules are in `training`; the ECS side is in `training_effects`.
"""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from console.demo import backend, billing, history, specs
from console.demo import names as n

if TYPE_CHECKING:
    from console.demo.deployment import BaseDeployment
    from console.demo.training import Trainer

FAILED_CONTAINER = history.FAILED_CONTAINER
STACK_TYPE = history.STACK_TYPE

def stack_id(base: BaseDeployment) -> str:
    return base.api("cloudformation").describe_stacks(StackName=n.STACK)["Stacks"][0]["StackId"]


def stack_nat_gateways(base: BaseDeployment) -> set[str]:
    resources = base.api("cloudformation").list_stack_resources(
        StackName=n.STACK)["StackResourceSummaries"]
    return {r["PhysicalResourceId"] for r in resources
            if r["ResourceType"] == "AWS::EC2::NatGateway"}


def template_container_names(body: str) -> set[str]:
    """Every container name a template declares (TaskDefinition ContainerDefinitions)."""
    try:
        template = json.loads(body)
    except ValueError:
        import yaml  # CloudFormation templates are often YAML

        try:
            template = yaml.safe_load(body)
        except yaml.YAMLError:
            return set()
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for container in node.get("ContainerDefinitions") or []:
                if isinstance(container, dict) and isinstance(container.get("Name"), str):
                    names.add(container["Name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(template)
    return names


def _past_events(trainer: Trainer) -> list[specs.StackEventSpec]:
    """The stack's events before training mode saw a request (oldest first)."""
    raw = trainer.base.api("cloudformation").describe_stack_events(
        StackName=n.STACK)["StackEvents"]
    return [specs.StackEventSpec(e["Timestamp"].astimezone(UTC), e["LogicalResourceId"],
                                 e["ResourceType"], e["ResourceStatus"],
                                 e.get("ResourceStatusReason") or "",
                                 e.get("PhysicalResourceId") or "")
            for e in reversed(raw) if e["Timestamp"].astimezone(UTC) <= trainer.built.now]


def complete_stack_update(trainer: Trainer) -> None:
    """stack-rollback: the corrected update completes."""
    now = datetime.now(UTC)
    td, svc = "AWS::ECS::TaskDefinition", "AWS::ECS::Service"
    service_arn = trainer.base.service_arn
    said = [(0, n.STACK, STACK_TYPE, "UPDATE_IN_PROGRESS", "User Initiated"),
            (6, "TaskDefinition", td, "UPDATE_IN_PROGRESS", ""),
            (8, "TaskDefinition", td, "UPDATE_COMPLETE", ""),
            (10, "Service", svc, "UPDATE_IN_PROGRESS", service_arn),
            (12, "Service", svc, "UPDATE_COMPLETE", service_arn),
            (14, n.STACK, STACK_TYPE, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", ""),
            (15, n.STACK, STACK_TYPE, "UPDATE_COMPLETE", "")]
    start = now - timedelta(seconds=15)
    events = [specs.StackEventSpec(start + timedelta(seconds=s), logical, kind, status,
                                   "User Initiated" if s == 0 else "",
                                   physical if logical != n.STACK else "")
              for s, logical, kind, status, physical in said]
    backend.set_stack_history(n.STACK, _past_events(trainer) + events, status="UPDATE_COMPLETE",
                              created_at=trainer.base.created_at, last_updated_at=start)
    trainer.settled()


def fail_stack_update_again(trainer: Trainer) -> None:
    """stack-rollback, a wrong update: it fails on the service again and rolls back."""
    now = datetime.now(UTC)
    start = now - timedelta(seconds=89)
    old = trainer.failing_task_definition
    events = history.failed_update_events(start, trainer.base.service_arn, old,
                                          old.rsplit(":", 1)[0] + ":3")
    backend.set_stack_history(n.STACK, _past_events(trainer) + events,
                              status="UPDATE_ROLLBACK_COMPLETE",
                              created_at=trainer.base.created_at, last_updated_at=start)


def stop_nat_charges(trainer: Trainer) -> None:
    """cost-overrun: the forecast becomes month-to-date plus the healthy daily rate."""
    budgets = trainer.base.api("budgets")
    budget = budgets.describe_budget(AccountId=n.ACCOUNT_ID, BudgetName=n.BUDGET)["Budget"]
    actual = float(budget["CalculatedSpend"]["ActualSpend"]["Amount"])
    now = datetime.now(UTC)
    days_in_month = calendar.monthrange(now.year, now.month)[1]
    remaining = days_in_month - now.day + 1 - (now.hour * 60 + now.minute) / 1440
    forecast = round(actual + sum(billing.HEALTHY_DAILY.values()) * remaining, 2)
    budgets.delete_budget(AccountId=n.ACCOUNT_ID, BudgetName=n.BUDGET)
    subscribers = [{"SubscriptionType": "SNS", "Address": trainer.base.cost_topic_arn},
                   {"SubscriptionType": "EMAIL", "Address": n.ALERT_EMAIL}]
    budgets.create_budget(AccountId=n.ACCOUNT_ID, Budget={
        **{k: budget[k] for k in ("BudgetName", "BudgetType", "TimeUnit", "BudgetLimit")},
        "CalculatedSpend": {"ActualSpend": {"Amount": f"{actual:.2f}", "Unit": "USD"},
                            "ForecastedSpend": {"Amount": f"{forecast:.2f}", "Unit": "USD"}}},
        NotificationsWithSubscribers=[
            {"Notification": {"NotificationType": kind, "ComparisonOperator": "GREATER_THAN",
                              "Threshold": threshold, "ThresholdType": "PERCENTAGE"},
             "Subscribers": subscribers}
            for kind, threshold in (("ACTUAL", 80.0), ("ACTUAL", 100.0),
                                    ("FORECASTED", 100.0))])
    trainer.settled()


def update_stack_response(trainer: Trainer) -> bytes:
    """UpdateStack's answer: the stack id (the outcome shows in the stack's events)."""
    import uuid

    return (f'<UpdateStackResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
            f"<UpdateStackResult><StackId>{trainer.stack_id}</StackId></UpdateStackResult>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            "</UpdateStackResponse>").encode()
