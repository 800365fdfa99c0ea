"""The set of probes that watch one deployment, built from what discovery found.

Also `connect()`, the one way every command opens an environment: it checks who we are (STS)
and discovers the deployment, and turns an unusable environment (no credentials, unknown stack,
unreachable endpoint) into `EnvironmentUnusable` with a fix.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from probes.alarms import AlarmsProbe
from probes.context import AwsContext, AwsSettings
from probes.costs import CostCache, CostsProbe
from probes.datapath import DataPathProbe
from probes.deployment import Deployment, DiscoveryProblem, NameOverrides, discover
from probes.ecs import EcsProbe
from probes.errors import EnvironmentUnusable, ErrorKind
from probes.identity import CallerIdentity, IdentityProbe
from probes.live_logs_probe import LiveLogsProbe
from probes.metrics import MetricsProbe
from probes.result import Probe, ProbeResult
from probes.stack import StackProbe
from probes.targets import TargetHealthProbe

DASHBOARD_PROBES = ("stack", "ecs", "targets", "logs", "alarms", "costs")


@dataclass
class Connection:
    """An open environment: its context, who we are, and what we watch."""

    ctx: AwsContext
    identity: CallerIdentity
    deployment: Deployment

    async def close(self) -> None:
        await self.ctx.close()


async def connect(settings: AwsSettings, stack: str,
                  overrides: NameOverrides | None = None) -> Connection:
    """Open the environment or raise `EnvironmentUnusable` saying why and what to do.

    Unusable means: no working credentials, no such stack, or AWS not reachable at all (both
    STS and CloudFormation failed to answer). Anything less opens the environment with the
    failures in `deployment.problems`.
    """
    ctx = AwsContext(settings)
    try:
        await ctx.resolve_credentials()  # an MFA code is asked for here, once
        # Who we are and what we watch are independent: ask both at once.
        identity_result, discovered = await asyncio.gather(
            IdentityProbe(ctx).run(), discover(ctx, stack, overrides), return_exceptions=True)
        if isinstance(identity_result, BaseException):
            raise identity_result
        error = identity_result.error
        if error is not None and error.kind is ErrorKind.CREDENTIALS:
            raise EnvironmentUnusable(error)  # its message beats discovery's
        if isinstance(discovered, BaseException):
            raise discovered
        if error is not None:
            if error.kind in _NO_ANSWER and any(
                    p.error.kind in _NO_ANSWER for p in discovered.problems
                    if p.error.action == "cloudformation:ListStackResources"):
                raise EnvironmentUnusable(error)
            discovered = replace(discovered, problems=(*discovered.problems,
                                                       DiscoveryProblem(error, ())))
    except BaseException:
        await ctx.close()
        raise
    identity = identity_result.data or CallerIdentity("", "", "")
    return Connection(ctx, identity, discovered)


_NO_ANSWER = (ErrorKind.UNREACHABLE, ErrorKind.TIMED_OUT)


def build_probes(ctx: AwsContext, deployment: Deployment, *,
                 intervals: dict[str, float] | None = None,
                 cost_cache_dir: Path | None = None,
                 cost_cache_ttl_s: float = 6 * 3600,
                 log_since_ms: int | None = None,
                 log_options: dict[str, Any] | None = None,
                 account: str | None = None,
                 metric_overrides: dict[str, Any] | None = None) -> dict[str, Probe[Any]]:
    """One probe per pane (and the data-path probe), keyed by name, with the configured
    intervals."""
    intervals = intervals or {}
    cache = CostCache(cost_cache_dir, cost_cache_ttl_s) if cost_cache_dir else None
    probes: list[Probe[Any]] = [
        StackProbe(ctx, deployment.stack, interval_s=intervals.get("stack")),
        EcsProbe(ctx, deployment.cluster, deployment.service, interval_s=intervals.get("ecs")),
        TargetHealthProbe(ctx, deployment.target_group_arns, deployment.load_balancer_arns,
                          interval_s=intervals.get("targets"),
                          target_group_names=() if deployment.target_group_arns
                          else (f"{deployment.stack}-tg",)),
        LiveLogsProbe(ctx, deployment.log_groups, since_ms=log_since_ms,
                      interval_s=intervals.get("logs"), **(log_options or {})),
        AlarmsProbe(ctx, deployment.alarm_names, deployment.alarm_prefix,
                    interval_s=intervals.get("alarms")),
        CostsProbe(ctx, cache, interval_s=intervals.get("costs"), account=account),
        # No pane: backups and certificates, for the verdict's P2 (issue 9).
        DataPathProbe(ctx, deployment, interval_s=intervals.get("datapath")),
        # No pane: the Metrics & Changes screen and `status --json` (issue 13).
        MetricsProbe.for_deployment(ctx, deployment, metric_overrides,
                                    interval_s=intervals.get("metrics")),
    ]
    return {p.name: p for p in probes}


async def run_all_once(probes: dict[str, Probe[Any]]) -> dict[str, ProbeResult[Any]]:
    """Every probe once, concurrently (against AWS each waits on the network)."""
    results = await asyncio.gather(*(p.run() for p in probes.values()))
    return {r.probe: r for r in results}
