"""Delete a NAT gateway: the guide's first cost control ("Remove NAT Gateway if not needed").

The guide's tasks run in public subnets with public IPs, so a NAT gateway is often dead
weight at ~$35 a month plus data processing. The plan says what deleting it breaks (route
tables that send traffic through it), what it leaves behind (its Elastic IP, still billed)
and what it costs now (the costs pane's "EC2 - Other" line). Destructive: the operator types
the NAT gateway's id.
"""

from __future__ import annotations

from typing import Any

from console.actions.base import Action, ActionContext, ActionError, ApiCall, Change, Field, Plan
from console.actions.common import age_text, error_code, set_choices, shown
from probes.diagnostics.costs import NAT_MONTHLY_USD

_LIVE_STATES = ("pending", "available")
_COST_LINES = ("EC2 - Other", "Amazon Virtual Private Cloud")


def cost_note(costs: Any) -> str:
    """Month-to-date cost of the lines NAT gateways are billed under, from the costs pane."""
    lines = [s for s in getattr(costs, "services", ()) if s.service in _COST_LINES
             or "NAT" in s.service]
    general = f"A NAT gateway costs about ${NAT_MONTHLY_USD:.0f} a month before data processing."
    if not lines:
        return general
    currency = getattr(costs, "currency", "USD")
    spent = ", ".join(f"{s.service} {s.amount:,.2f} {currency}" for s in lines)
    return f"Month to date: {spent} (NAT gateway hours and data processing are billed " \
           f"there). {general}"


def routes_text(tables: list[dict[str, Any]], nat_id: str) -> str:
    """``rtb-1 (0.0.0.0/0); rtb-2 (0.0.0.0/0)``: the routes that go through the gateway."""
    parts = []
    for table in tables:
        destinations = [r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or "?"
                        for r in table.get("Routes", []) if r.get("NatGatewayId") == nat_id]
        parts.append(f"{table.get('RouteTableId', '?')} ({', '.join(destinations)})")
    return "; ".join(parts)


def _vpc_of(ctx: ActionContext) -> str | None:
    return next((r.physical_id for r in ctx.deployment.resources
                 if r.resource_type == "AWS::EC2::VPC"), None)


class DeleteNatGatewayAction(Action):
    id = "delete-nat-gateway"
    title = "Delete a NAT gateway"
    description = "Stop paying for a NAT gateway the tasks do not need (they have public IPs)."
    pane = "costs"
    key = "D"
    fields = (Field("nat_gateway_id", "NAT gateway", default="", required=False,
                    help="empty: the one in the deployment's VPC"),)

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        ids = ctx.deployment.nat_gateway_ids
        if ids:
            set_choices(self, "nat_gateway_id", ids, ids[0])
        return {"nat_gateway_id": ids[0] if ids else ""}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        nat = await self._find(ctx, str(inputs.get("nat_gateway_id") or "").strip())
        nat_id, state = nat["NatGatewayId"], nat.get("State", "")
        if state not in _LIVE_STATES:
            raise ActionError(f"NAT gateway {shown(nat_id)} is already {shown(state)}")
        ec2 = await ctx.aws.client("ec2")
        tables = (await ec2.describe_route_tables(Filters=[
            {"Name": "route.nat-gateway-id", "Values": [nat_id]}])).get("RouteTables", [])
        addresses = nat.get("NatGatewayAddresses", [])
        public = ", ".join(a.get("PublicIp", "") for a in addresses if a.get("PublicIp"))
        notes = [cost_note(ctx.snapshots.get("costs"))]
        if tables:
            notes.append(f"Route tables send traffic through it: {routes_text(tables, nat_id)}. "
                         "Their subnets lose "
                         "internet access (those routes become blackholes).")
        else:
            notes.append("No route table sends traffic through it.")
        for address in addresses:
            if address.get("AllocationId"):
                notes.append(f"Its Elastic IP {address.get('PublicIp', '')} stays allocated (and "
                             "billed): release it afterwards with aws ec2 release-address "
                             f"--allocation-id {address['AllocationId']}")
        if nat_id in ctx.deployment.nat_gateway_ids:
            notes.append(f"Stack {ctx.deployment.stack} created it: remove it from the template "
                         "too, or the next stack update may fail or recreate it.")
        return Plan(
            title=self.title,
            calls=(ApiCall("ec2", "DeleteNatGateway", {"NatGatewayId": nat_id}),),
            changes=(Change(f"NAT gateway {nat_id}",
                            f"{state} in {nat.get('SubnetId', '?')}"
                            + (f" ({public})" if public else "")
                            + f", created {age_text(nat.get('CreateTime'))}", "deleted"),),
            destructive=True,
            confirm_name=nat_id,
            watch_next=f"aws ec2 describe-nat-gateways --nat-gateway-ids {nat_id}: deleting, then "
                       "deleted; the costs pane (6) EC2 - Other line stops growing in a day",
            notes=tuple(notes),
        )

    async def _find(self, ctx: ActionContext, nat_id: str) -> dict[str, Any]:
        ec2 = await ctx.aws.client("ec2")
        if nat_id:
            try:
                found = (await ec2.describe_nat_gateways(NatGatewayIds=[nat_id])).get(
                    "NatGateways", [])
            except Exception as exc:
                if "NotFound" in error_code(exc) or error_code(exc).startswith("InvalidNat"):
                    found = []
                else:
                    raise
            if not found:
                raise ActionError(f"no NAT gateway {shown(nat_id)!r} in {ctx.deployment.region}")
            return found[0]
        vpc = _vpc_of(ctx)
        if vpc is None:
            raise ActionError("the stack lists neither a NAT gateway nor a VPC: type the NAT "
                              "gateway's id (aws ec2 describe-nat-gateways)")
        found = (await ec2.describe_nat_gateways(Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "state", "Values": list(_LIVE_STATES)}])).get("NatGateways", [])
        if not found:
            raise ActionError(f"no NAT gateway in the deployment's VPC {vpc}")
        if len(found) > 1:
            raise ActionError(f"{len(found)} NAT gateways in {vpc}: type one of "
                              f"{', '.join(n['NatGatewayId'] for n in found)}")
        return found[0]
