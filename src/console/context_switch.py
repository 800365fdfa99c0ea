"""`:` command mode: switch the environment (one of the config file's), the cluster or the
service without restarting the console.

    :env staging               another [env.NAME] of the config file (its own profile, region,
                               stack, write setting: read-only unless that section says write)
    :cluster NAME [SERVICE]    another ECS cluster (and service) in this environment
    :service NAME              another service in this cluster

Before anything is switched the target is checked: the environment must connect (credentials,
stack), the service must exist (DescribeServices); otherwise the console stays where it was
and says why in one line. Then the probes stop, the new ones start, and a fresh dashboard
replaces the old one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

log = logging.getLogger(__name__)
USAGE = "use env NAME, cluster NAME [SERVICE] or service NAME"


@dataclass(frozen=True)
class SwitchCommand:
    env: str | None = None
    cluster: str | None = None
    service: str | None = None

    @property
    def label(self) -> str:
        if self.env:
            return f"environment {self.env}"
        parts = [f"cluster {self.cluster}"] if self.cluster else []
        parts += [f"service {self.service}"] if self.service else []
        return ", ".join(parts)

    async def run(self, app: Any) -> None:
        """Check the target, then switch; every failure leaves the console where it was."""
        from console.navigation import refuse

        app.notify(f"Switching to {self.label}…", timeout=3)
        try:
            env, connection = await self._connect(app)
        except SwitchRefused as exc:
            refuse(app, f"Switch to {self.label}", str(exc))
            return
        await switch_to(app, env, connection)
        mode = "read-write" if env.write else "read-only"
        app.notify(f"Now watching {connection.deployment.service} in cluster "
                   f"{connection.deployment.cluster} (environment {env.name}, {mode})",
                   timeout=6)

    async def _connect(self, app: Any) -> tuple[Any, Any]:
        from console.config import ConfigError, Flags, resolve
        from probes.errors import EnvironmentUnusable, classify
        from probes.suite import connect

        if self.env:
            try:
                env = resolve(Flags(env=self.env, config=app.env.file.path), file=app.env.file)
            except ConfigError as exc:
                raise SwitchRefused(str(exc)) from None
        else:
            current = app.connection.deployment
            cluster = self.cluster or current.cluster
            service = self.service or current.service
            await _check_service(app.connection.ctx, cluster, service)
            env = replace(app.env, overrides=replace(app.env.overrides, cluster=cluster,
                                                     service=service))
        try:
            connection = await connect(env.aws, env.stack, env.overrides)
        except EnvironmentUnusable as exc:
            raise SwitchRefused(f"{exc.error.summary()} ({exc.error.fix})") from None
        except Exception as exc:  # noqa: BLE001 - classified, said in one line
            raise SwitchRefused(classify(exc).summary()) from None
        connection.ctx.interactive = False
        return env, connection


class SwitchRefused(Exception):
    """The target cannot be watched: the message says why (the console stays where it was)."""


async def _check_service(ctx: Any, cluster: str, service: str) -> None:
    from probes.errors import classify

    try:
        ecs = await ctx.client("ecs")
        found = await ecs.describe_services(cluster=cluster, services=[service])
    except Exception as exc:  # noqa: BLE001 - AWS's reason, classified
        raise SwitchRefused(classify(exc, action="ecs:DescribeServices").summary()) from None
    active = [s for s in found.get("services", []) if s.get("status") != "INACTIVE"]
    if not active:
        reason = "; ".join(f"{f.get('arn', '')}: {f.get('reason', '')}"
                           for f in found.get("failures", []))
        raise SwitchRefused(f"no service {service} in cluster {cluster}"
                            + (f" (AWS: {reason})" if reason else ""))


async def switch_to(app: Any, env: Any, connection: Any) -> None:
    """Stop watching, swap the environment and connection, start watching again."""
    from console.discovery_flow import discovery_for
    from console.screens.dashboard import DashboardScreen

    old = app.connection
    await app.rediscovery.stop()
    await app.scheduler.stop()
    app.env, app.connection = env, connection
    app.watch_connection()  # new probes and scheduler for the new connection
    if hasattr(app, "changes") and hasattr(app, "metrics_view"):  # issue 13's views follow
        from console.change_flow import ChangeFlow
        from console.metrics_view import MetricsView

        app.metrics_view = MetricsView(app, app.probes.get("metrics"))
        app.changes = ChangeFlow(connection.ctx, connection.deployment)
        app.metrics_view.changes_provider = app.changes.entries_between
    dashboard = DashboardScreen(env, connection,
                                {n: p.interval_s for n, p in app.probes.items()})
    # The command line closes itself after handing over the command: let it go first, then
    # close whatever else is over the dashboard (its data belongs to the old target).
    for _ in range(100):
        if app.screen is app.dashboard:
            break
        await asyncio.sleep(0.02)
    while len(app.screen_stack) > 1 and app.screen is not app.dashboard:
        await app.pop_screen()
    # Pushed over the old dashboard, which is then dropped from under it (Textual's
    # switch_screen fails on the app's default screen). Results the old probes posted before
    # they stopped still reach the old one: app.dashboard changes once the new one is mounted.
    old_dashboard = app.dashboard
    await app.push_screen(dashboard)
    app.dashboard = dashboard
    await _drop_screen(app, old_dashboard)
    app.rediscovery = discovery_for(app)
    app.scheduler.start()
    app.rediscovery.start()
    if old is not connection:
        await old.close()  # closing twice (at exit too) is harmless
    log.info("switched to %s / %s / %s", env.name, connection.deployment.cluster,
             connection.deployment.service)


async def _drop_screen(app: Any, screen: Any) -> None:
    """Remove `screen` from below the top of the stack (Textual has no public call for it;
    without one, the old dashboard stays underneath, stopped: harmless, a little memory)."""
    stack = getattr(app, "_screen_stack", None)
    if not isinstance(stack, list) or screen not in stack[:-1]:
        return
    try:
        stack.remove(screen)
        await app._replace_screen(screen)
    except Exception:
        log.exception("could not drop the old dashboard")


def parse_command(text: str, file: Any) -> SwitchCommand | str:
    """``env staging`` -> SwitchCommand(env="staging"); a string says what is wrong."""
    words = text.strip().lstrip(":").split()
    if not words:
        return USAGE
    verb, args = words[0].lower(), words[1:]
    if verb in ("env", "environment", "context", "ctx"):
        if len(args) != 1:
            return f"env takes one environment name ({_known_envs(file)})"
        if args[0] not in file.envs:
            return f"unknown environment {args[0]!r} ({_known_envs(file)})"
        return SwitchCommand(env=args[0])
    if verb == "cluster":
        if len(args) not in (1, 2):
            return "cluster takes a cluster name and, optionally, a service name"
        return SwitchCommand(cluster=args[0], service=args[1] if len(args) == 2 else None)
    if verb in ("service", "svc"):
        if len(args) != 1:
            return "service takes one service name"
        return SwitchCommand(service=args[0])
    return f"unknown command {verb!r}: {USAGE}"


def _known_envs(file: Any) -> str:
    names = ", ".join(sorted(file.envs))
    where = file.path if getattr(file, "exists", False) else f"{file.path}, which does not exist"
    return f"environments in {where}: {names}" if names else f"no [env.NAME] in {where}"
