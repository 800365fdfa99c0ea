"""Invalidate CloudFront paths: the guide's fix when the distribution serves stale content."""

from __future__ import annotations

import re
import uuid
from typing import Any

from console.actions.base import (
    Action,
    ActionContext,
    ActionError,
    ApiCall,
    Change,
    Field,
    Outcome,
    Plan,
    Progress,
)
from console.actions.common import error_code, ids_of, send, shown, utc_stamp

MAX_PATHS = 3000  # CloudFront's limit per invalidation batch
_SPLIT = re.compile(r"[\s,]+")


def parse_paths(text: str) -> tuple[str, ...]:
    """``/* /index.html`` -> ("/*", "/index.html"), validated as CloudFront takes them."""
    paths = tuple(dict.fromkeys(p for p in _SPLIT.split(text.strip()) if p))
    if not paths:
        raise ActionError("give at least one path, e.g. /* or /index.html")
    if len(paths) > MAX_PATHS:
        raise ActionError(f"{len(paths)} paths: CloudFront takes at most {MAX_PATHS} at once")
    for path in paths:
        if not path.startswith("/"):
            raise ActionError(f"path {shown(path)!r} must start with /")
        if "*" in path[:-1]:
            raise ActionError(f"path {shown(path)!r}: a * is only allowed at the end")
    return paths


class InvalidateCloudFrontAction(Action):
    id = "invalidate-cloudfront"
    title = "Invalidate CloudFront paths"
    description = "Make the distribution fetch fresh content from the load balancer (the " \
                  "guide's fix for stale content or cached errors)."
    fields = (Field("paths", "Paths (space-separated)", default="/*",
                    help="/* invalidates everything; it counts as one path"),)

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        distribution = ctx.deployment.distribution_id
        if not distribution:
            raise ActionError("this deployment has no CloudFront distribution: the stack lists "
                              "none (set distribution_id in the config if it is made elsewhere)")
        paths = parse_paths(str(inputs.get("paths") or "/*"))
        cloudfront = await ctx.aws.client("cloudfront")
        try:
            found = (await cloudfront.get_distribution(Id=distribution))["Distribution"]
        except Exception as exc:
            if error_code(exc) == "NoSuchDistribution":
                raise ActionError(f"distribution {shown(distribution)} does not exist") from None
            raise
        listed = (await cloudfront.list_invalidations(DistributionId=distribution,
                                                      MaxItems="25")).get("InvalidationList", {})
        running = sum(1 for i in listed.get("Items", []) if i.get("Status") == "InProgress")
        domain = found.get("DomainName", "")
        batch = {"Paths": {"Quantity": len(paths), "Items": list(paths)},
                 "CallerReference": f"incident-console-{utc_stamp()}-{uuid.uuid4().hex[:8]}"}
        return Plan(
            title=self.title,
            calls=(ApiCall("cloudfront", "CreateInvalidation",
                           {"DistributionId": distribution, "InvalidationBatch": batch}),),
            changes=(Change(f"cache of {domain or distribution}",
                            f"{found.get('Status', '?')}, {running} invalidation(s) in progress",
                            f"{' '.join(paths[:5])}{' …' if len(paths) > 5 else ''} "
                            "fetched fresh from the origin"),),
            watch_next=f"the invalidation until Completed (a few minutes): aws cloudfront "
                       f"get-invalidation --distribution-id {distribution} --id <id above>; "
                       "then load the site",
            notes=("The first 1,000 invalidation paths each month are free; /* counts as one.",),
        )

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        progress("cloudfront.CreateInvalidation", None)
        response = await send(ctx, plan.calls[0])
        invalidation = response.get("Invalidation", {})
        return Outcome(True, f"{plan.title}: invalidation {invalidation.get('Id', '?')} "
                             f"{invalidation.get('Status', '')}".rstrip(),
                       ids_of([response]), watch_next=plan.watch_next)
