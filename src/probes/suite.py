"""The set of probes that watch one deployment, built from what discovery found.

Also `connect()`, the one way every command opens an environment: it checks who we are (STS)
and discovers the deployment, and turns an unusable environment (no credentials, unknown stack,
unreachable endpoint) into `EnvironmentUnusable` with a fix.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from probes.aio import cancel_and_wait
from probes.context import AwsContext, AwsSettings, shared_loader
from probes.deployment import Deployment, DiscoveryProblem, NameOverrides, discover
from probes.discovery_cache import CachedDiscovery, DiscoveryCache, StackMark
from probes.errors import EnvironmentUnusable, ErrorKind
from probes.identity import CallerIdentity, IdentityProbe
from probes.result import Probe, ProbeResult

DASHBOARD_PROBES = ("stack", "ecs", "targets", "logs", "alarms", "costs")
# The probes' modules, imported by `build_probes`: `open_and_collect` loads them in a thread
# while the first round of requests is out, not before it.
PROBE_MODULES = ("probes.alarms", "probes.costs", "probes.datapath", "probes.ecs",
                 "probes.live_logs_probe", "probes.metrics", "probes.stack", "probes.targets",
                 # The data-path probe's diagnostics, imported by its first run.
                 "probes.diagnostics.runner", "probes.diagnostics.backups",
                 "probes.diagnostics.certificates")
# Turns of the event loop that take one discovery check to the network (its client made, its
# request signed and its connection opened), and all three of them (`_open` makes and sends
# them in turn) before the probes' modules are imported beside them.
CHECK_STEPS = 4
FIRST_ROUND_STEPS = 3 * CHECK_STEPS + 2
# The services the probes call. botocore reads each one's model from disk when its client is
# first made (s3's takes ~25 ms): read them in a thread too, while requests are out, rather
# than on the event loop between an answer and the request that depends on it.
PROBE_SERVICES = ("ecs", "elbv2", "logs", "cloudwatch", "acm", "cloudfront", "ce", "budgets",
                  "s3")


@dataclass
class Connection:
    """An open environment: its context, who we are, and what we watch."""

    ctx: AwsContext
    identity: CallerIdentity
    deployment: Deployment

    async def close(self) -> None:
        await self.ctx.close()


async def connect(settings: AwsSettings, stack: str, overrides: NameOverrides | None = None,
                  *, cache_dir: Path | None = None) -> Connection:
    """Open the environment or raise `EnvironmentUnusable` saying why and what to do.

    Unusable means: no working credentials, no such stack, or AWS not reachable at all (both
    STS and CloudFormation failed to answer). Anything less opens the environment with the
    failures in `deployment.problems`. With `cache_dir`, a discovery kept there is checked in
    the first round of requests (`probes.discovery_cache`) and used when still valid.
    """
    ctx = AwsContext(settings)
    cache = _cache(settings, stack, overrides, cache_dir)
    try:
        await ctx.resolve_credentials()  # an MFA code is asked for here, once
        return await _open(ctx, stack, overrides, cache, cache.load() if cache else None)
    except BaseException:
        await ctx.close()
        raise


async def open_and_collect(
        settings: AwsSettings, stack: str, overrides: NameOverrides | None,
        build: Callable[[AwsContext, Deployment, str | None], dict[str, Probe[Any]]], *,
        cache_dir: Path | None = None) -> tuple[Connection, dict[str, ProbeResult[Any]]]:
    """`connect`, then every probe once; the caller closes the connection.

    With a cached discovery the probes do not wait for it to be checked: they start on the
    cached names in the same first round as the check (STS, DescribeStacks, DescribeServices).
    When the check finds the stack or the service changed, discovery runs again and the
    probes that watch discovered names run again on the new ones; their first results are
    dropped."""
    ctx = AwsContext(settings)
    cache = _cache(settings, stack, overrides, cache_dir)
    try:
        await ctx.resolve_credentials()
        cached = cache.load() if cache else None
        opening = asyncio.create_task(_open(ctx, stack, overrides, cache, cached))
        # The first round's requests on their way before the probes' modules are imported
        # (a thread competing for the interpreter would delay them).
        for _ in range(FIRST_ROUND_STEPS):
            await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, _import_probe_modules)
        except BaseException:
            opening.cancel()
            raise
        loop.run_in_executor(None, preload_models, PROBE_SERVICES)  # never fails
        if cached is None:
            connection = await opening
            probes = build(ctx, connection.deployment, connection.identity.account)
            return connection, await run_all_once(probes)
        running = asyncio.create_task(run_all_once(build(ctx, cached.deployment,
                                                         cached.account)))
        try:
            connection = await opening
        except BaseException:
            await cancel_and_wait(running)
            raise
        results = await running
        if connection.deployment is not cached.deployment:
            again = build(ctx, connection.deployment, connection.identity.account)
            # Another account (the profile's credentials changed): the costs too.
            keep = _NAMES_FROM_STACK_ONLY if connection.identity.account == cached.account \
                else ("stack",)
            results.update(await run_all_once(
                {name: p for name, p in again.items() if name not in keep}))
        return connection, results
    except BaseException:
        await ctx.close()
        raise


def _import_probe_modules() -> None:
    for name in PROBE_MODULES:
        importlib.import_module(name)


def preload_models(services: tuple[str, ...]) -> None:
    """Read these services' models into the shared loader (from a thread, ahead of their
    clients); a model that cannot be read is left for the client to report."""
    loader = shared_loader()
    for service in services:
        for type_name in ("service-2", "endpoint-rule-set-1"):
            with contextlib.suppress(Exception):
                loader.load_service_model(service, type_name)


# Probes that need nothing discovery finds (the stack's name, the account).
_NAMES_FROM_STACK_ONLY = ("stack", "costs")


def _cache(settings: AwsSettings, stack: str, overrides: NameOverrides | None,
           cache_dir: Path | None) -> DiscoveryCache | None:
    if cache_dir is None:
        return None
    return DiscoveryCache(cache_dir, endpoint=settings.endpoint_url, region=settings.region,
                          profile=settings.profile, stack=stack, overrides=overrides)


async def _open(ctx: AwsContext, stack: str, overrides: NameOverrides | None,
                cache: DiscoveryCache | None, cached: CachedDiscovery | None) -> Connection:
    """Who we are and what we watch, in one round when the cached discovery holds."""
    if cached is not None:
        checks = []
        for check in (IdentityProbe(ctx).run(), _stack_mark(ctx, stack),
                      _service_task_definition(ctx, cached.deployment)):
            checks.append(asyncio.ensure_future(check))
            for _ in range(CHECK_STEPS):  # its client made, its request sent, then the next
                await asyncio.sleep(0)
        identity_result, mark, task_definition = await asyncio.gather(
            *checks, return_exceptions=True)
        identity = _identity_of(identity_result)
        if (identity is not None and isinstance(mark, StackMark)
                and not isinstance(task_definition, BaseException)
                and cached.still_valid(mark, task_definition, identity.account)):
            return Connection(ctx, identity, cached.deployment)
        # Changed, or the check could not be made (denied, expired, throttled): discover
        # as if nothing were cached; discovery reports its own failures.
        discovered = await _gathered(discover(ctx, stack, overrides))
    else:
        identity_result, discovered, mark = await asyncio.gather(
            IdentityProbe(ctx).run(), discover(ctx, stack, overrides),
            _stack_mark(ctx, stack) if cache is not None else _nothing(), return_exceptions=True)
    connection = _combined(ctx, identity_result, discovered)
    if cache is not None and isinstance(mark, StackMark):
        cache.save(CachedDiscovery(connection.deployment, mark, connection.identity.account))
    return connection


async def _nothing() -> None:
    return None


async def _gathered(awaitable: Any) -> Any:
    """The result, or the exception it raised (as `gather(return_exceptions=True)` gives)."""
    try:
        return await awaitable
    except Exception as exc:  # noqa: BLE001 - judged by `_combined`
        return exc


async def _stack_mark(ctx: AwsContext, stack: str) -> StackMark:
    cfn = await ctx.client("cloudformation")
    return StackMark.of(await cfn.describe_stacks(StackName=stack))


async def _service_task_definition(ctx: AwsContext, deployment: Deployment) -> str | None:
    ecs = await ctx.client("ecs")
    described = await ecs.describe_services(cluster=deployment.cluster,
                                            services=[deployment.service])
    services = described.get("services", [])
    return services[0].get("taskDefinition") if services else None


def _identity_of(identity_result: Any) -> CallerIdentity | None:
    """The identity; raises `EnvironmentUnusable` for credentials that do not work."""
    if isinstance(identity_result, BaseException):
        raise identity_result
    error = identity_result.error
    if error is not None and error.kind is ErrorKind.CREDENTIALS:
        raise EnvironmentUnusable(error)
    return identity_result.data


def _combined(ctx: AwsContext, identity_result: Any, discovered: Any) -> Connection:
    """Identity and discovery's outcomes as a connection, or `EnvironmentUnusable`."""
    _identity_of(identity_result)  # bad credentials: its message beats discovery's
    if isinstance(discovered, BaseException):
        raise discovered
    error = identity_result.error
    if error is not None:
        if error.kind in _NO_ANSWER and any(
                p.error.kind in _NO_ANSWER for p in discovered.problems
                if p.error.action == "cloudformation:ListStackResources"):
            raise EnvironmentUnusable(error)
        discovered = replace(discovered, problems=(*discovered.problems,
                                                   DiscoveryProblem(error, ())))
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
    from probes.alarms import AlarmsProbe
    from probes.costs import CostCache, CostsProbe
    from probes.datapath import DataPathProbe
    from probes.ecs import EcsProbe
    from probes.live_logs_probe import LiveLogsProbe
    from probes.metrics import MetricsProbe
    from probes.stack import StackProbe
    from probes.targets import TargetHealthProbe

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
