"""Costs and budgets: what drives the month's spend, a NAT gateway that may not be needed,
budgets exceeded, and budgets that would alert nobody.

Spend comes from the costs probe's snapshot (Cost Explorer is billed per request and cached on
disk; nothing here calls it again). NAT gateways are listed in the stack's VPC, budgets'
notifications read per budget. A NAT gateway is informational unless the month is over budget,
when it is the first thing to question (the guide's first cost fix).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from probes.costs import Budget, CostSnapshot, ServiceCost
from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs, FetchFailed
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence

NAT_MONTHLY_USD = 35.0  # eu-west-1: $0.048 an hour, before data processing
TOP = 5
RECENT_DAYS = 3


@dataclass(frozen=True)
class NatGateway:
    nat_id: str
    state: str
    vpc_id: str = ""
    created: datetime | None = None


def trend(service: ServiceCost) -> str:
    """``$41.20/day over the last 3 days vs $0.50/day before`` when it jumped, else ""."""
    complete = service.daily[:-1]  # today is partial
    if len(complete) <= RECENT_DAYS:
        return ""
    recent = complete[-RECENT_DAYS:]
    before = complete[:-RECENT_DAYS]
    recent_avg = sum(recent) / len(recent)
    before_avg = sum(before) / len(before)
    if recent_avg > 1.0 and recent_avg > 2 * before_avg:
        return f"${recent_avg:.2f}/day over the last {RECENT_DAYS} days vs ${before_avg:.2f}/day"
    return ""


def drivers(costs: CostSnapshot) -> tuple[tuple[str, str], ...]:
    lines = []
    for service in costs.top(TOP):
        note = trend(service)
        lines.append((service.service, f"${service.amount:,.2f}" + (f" — {note}" if note else "")))
    return tuple(lines)


def over_budget(costs: CostSnapshot) -> list[Budget]:
    return [b for b in costs.budgets if b.exceeded or (b.forecast_fraction or 0.0) > 1.0]


def evaluate_costs(costs: CostSnapshot, nats: list[NatGateway]) -> list[Finding]:
    findings: list[Finding] = []
    pressed = over_budget(costs)
    last_day = costs.period_end - timedelta(days=1)  # period_end is exclusive
    as_of = evidence(("period", f"{costs.period_start} to {last_day} (month to date)"),
                     ("as of", costs.as_of.isoformat(timespec="minutes")
                      + (" (cached)" if costs.from_cache else "")),
                     ("total", f"${costs.total:,.2f} {costs.currency}"))
    for budget in pressed:
        exceeded = budget.exceeded
        findings.append(Finding(
            id="costs.budget-exceeded" if exceeded else "costs.budget-forecast",
            severity=Severity.WARNING,
            title=(f"Budget {budget.name} exceeded: ${budget.actual:,.2f} of "
                   f"${budget.limit:,.2f}" if exceeded else
                   f"Budget {budget.name} forecast ${budget.forecast or 0:,.2f} is over its "
                   f"${budget.limit:,.2f}"),
            evidence=as_of + evidence(("used", f"{budget.used_fraction:.0%}"),
                                      ("forecast", f"${budget.forecast:,.2f}"
                                       if budget.forecast is not None else None))
            + drivers(costs),
            cause="Spend grew; the top drivers (and any jump in their daily cost) say where.",
            fix="Remove what is not needed (NAT gateway), shrink tasks, add S3 lifecycle "
                "rules; then review in Cost Explorer.",
            guide=guide.COSTS,
            actions=((guide.DELETE_NAT_GATEWAY,) if nats else ())
            + (guide.SCALE_TASK_SIZE, guide.APPLY_S3_LIFECYCLE),
            runbooks=(guide.P2_COST,), subject=budget.name,
            action_args=args(nat_gateway_id=nats[0].nat_id if nats else None)))
    for nat in nats:
        findings.append(Finding(
            id="costs.nat-gateway", severity=Severity.WARNING if pressed else Severity.INFO,
            title=f"NAT gateway {nat.nat_id} costs about ${NAT_MONTHLY_USD:.0f} a month "
                  "plus data",
            evidence=evidence(("NAT gateway", nat.nat_id), ("state", nat.state),
                              ("VPC", nat.vpc_id or None),
                              ("created", nat.created.isoformat(timespec="minutes")
                               if nat.created else None),
                              ("over budget", "yes" if pressed else "no")),
            cause="The guide's tasks run in public subnets with public IPs and need no NAT "
                  "gateway; it bills by the hour and per GB.",
            fix="If nothing in private subnets needs the internet, delete it (and its route).",
            guide=guide.COSTS, actions=(guide.DELETE_NAT_GATEWAY,), runbooks=(guide.P2_COST,),
            subject=nat.nat_id, action_args=args(nat_gateway_id=nat.nat_id)))
    if costs.services:
        top = costs.services[0]
        findings.append(Finding(
            id="costs.top-drivers", severity=Severity.INFO,
            title=f"Month to date ${costs.total:,.2f}; top driver {top.service} "
                  f"${top.amount:,.2f}",
            evidence=as_of + drivers(costs),
            fix="Cost Explorer, grouped by service, shows the same (aws ce "
                "get-cost-and-usage --group-by Type=DIMENSION,Key=SERVICE).",
            guide=guide.COSTS, runbooks=(guide.P2_COST,) if pressed else ()))
    return findings


def evaluate_budgets(budgets: tuple[Budget, ...], notifications: dict[str, int]
                     ) -> list[Finding]:
    """`notifications`: per budget name, how many notifications it has."""
    if not budgets:
        return [Finding(
            id="budgets.none", severity=Severity.WARNING, title="The account has no budget",
            cause="Without a budget no cost alert can ever be sent.",
            fix="aws budgets create-budget with a notification to the cost-alerts topic.",
            guide=guide.BUDGETS, runbooks=(guide.P2_COST,))]
    silent = [b for b in budgets if notifications.get(b.name, 0) == 0]
    return [Finding(
        id="budgets.no-notifications", severity=Severity.WARNING,
        title=f"Budget {b.name} has no notification: it alerts no one",
        evidence=evidence(("budget", b.name), ("limit", f"${b.limit:,.2f} {b.time_unit}"),
                          ("notifications", 0)),
        cause="A budget only alerts through its notifications (ACTUAL or FORECASTED over a "
              "threshold, to email or SNS).",
        fix=f"aws budgets create-notification --budget-name {b.name} ... (e.g. ACTUAL > 80%, "
            "FORECASTED > 100%) with the cost-alerts topic as subscriber.",
        guide=guide.BUDGETS, subject=b.name) for b in silent]


async def nat_gateways(inputs: DiagnosticInputs) -> list[NatGateway]:
    vpcs = [r.physical_id for r in inputs.deployment.resources
            if r.resource_type == "AWS::EC2::VPC" and r.physical_id]
    known = list(inputs.deployment.nat_gateway_ids)
    if not vpcs and not known:
        return []
    ec2 = await inputs.ctx.client("ec2")
    request: dict = {"Filter": [{"Name": "state", "Values": ["pending", "available"]}]}
    if vpcs:
        request["Filter"].append({"Name": "vpc-id", "Values": vpcs})
    else:
        request["NatGatewayIds"] = known
    found = []
    async for page in ec2.get_paginator("describe_nat_gateways").paginate(**request):
        found += [NatGateway(n["NatGatewayId"], n.get("State", ""), n.get("VpcId", ""),
                             n.get("CreateTime")) for n in page.get("NatGateways", [])]
    return found


async def check_costs(inputs: DiagnosticInputs) -> list[Finding]:
    costs: CostSnapshot = inputs.snapshot("costs")
    return evaluate_costs(costs, await nat_gateways(inputs))


async def check_budgets(inputs: DiagnosticInputs) -> list[Finding]:
    costs: CostSnapshot = inputs.snapshot("costs")
    if costs.errors:
        raise FetchFailed(costs.errors[0])  # the probe could not read them: say why
    account = inputs.account
    client = await inputs.ctx.client("budgets")
    counts = {}
    for budget in costs.budgets:
        answer = await client.describe_notifications_for_budget(AccountId=account,
                                                                BudgetName=budget.name)
        counts[budget.name] = len(answer.get("Notifications", []))
    return evaluate_budgets(costs.budgets, counts)


DIAGNOSTICS = (
    Diagnostic("costs", "Costs and NAT gateways", (guide.COSTS,), check_costs,
               probes=("costs",)),
    Diagnostic("budgets", "Budget notifications", (guide.BUDGETS,), check_budgets,
               probes=("costs",)),
)
