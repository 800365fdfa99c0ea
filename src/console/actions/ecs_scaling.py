"""Scale out: one task more than now at least, within the service's auto scaling maximum.

Its own action (not set-desired-count) so that a runbook's "scale out" step proposes a count
that changes something and refuses one that contradicts the step (the current count, or 0).
"""

from __future__ import annotations

from typing import Any

from console.actions.base import ActionContext, ActionError, ApiCall, Change, Field, Plan
from console.actions.ecs import SetDesiredCountAction, _service_ref, describe_service


class ScaleOutAction(SetDesiredCountAction):
    id = "scale-out"
    title = "Scale out: more tasks"
    description = "Raise the desired count above the current one (within the service's auto " \
                  "scaling maximum, when it has one)."
    key = None
    fields = (Field("count", "Desired count (more than now)", "int"),)

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        service = ctx.snapshots.get("ecs")
        return {"count": (service.desired if service is not None else 1) + 1}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        count = int(inputs["count"])
        service = await describe_service(ctx)
        current = int(service.get("desiredCount", 0))
        if count <= current:
            raise ActionError(f"a scale-out needs more than the current {current} task(s), not "
                              f"{count}" + (" (0 would stop the service)" if count == 0 else ""))
        ceiling = await autoscaling_maximum(ctx)
        if ceiling is not None and count > ceiling:
            raise ActionError(f"{count} is above the service's auto scaling maximum "
                              f"({ceiling}); raise MaxCapacity first or ask for at most "
                              f"{ceiling}")
        return Plan(
            title=self.title,
            calls=(ApiCall("ecs", "UpdateService", {**_service_ref(ctx),
                                                    "desiredCount": count}),),
            changes=(Change("desired count", str(current), str(count)),),
            watch_next="watch running/desired in the ECS pane (2)")


async def autoscaling_maximum(ctx: ActionContext) -> int | None:
    """The service's Application Auto Scaling MaxCapacity, None when it has no scalable
    target (or it cannot be read: ECS's own limits then apply)."""
    try:
        client = await ctx.aws.client("application-autoscaling")
        found = await client.describe_scalable_targets(
            ServiceNamespace="ecs",
            ResourceIds=[f"service/{ctx.deployment.cluster}/{ctx.deployment.service}"])
    except Exception:  # noqa: BLE001 - an optional bound: without it ECS's limits apply
        return None
    targets = found.get("ScalableTargets", [])
    return int(targets[0]["MaxCapacity"]) if targets else None
