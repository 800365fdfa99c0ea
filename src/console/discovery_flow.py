"""The dashboard's side of discovery after start-up (issues 9 and 14).

A discovery step that failed at start leaves the panes it could not fill STALE with the reason
(until their probe, watching the guide's names, brings data) and is retried in the background;
a stack update, a new task definition or a NOT_FOUND re-runs discovery; when the names move,
the probes that watch them are collected again at once.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from probes.deployment import Deployment
from probes.rediscovery import Rediscovery
from probes.result import ProbeResult, utcnow

if TYPE_CHECKING:
    from console.app import ConsoleApp

log = logging.getLogger(__name__)


class NoDiscovery:
    """For an app built without an AWS context (tests of the UI alone)."""

    def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def observe(self, result: ProbeResult[Any]) -> None:
        pass

    def retry(self) -> None:
        pass


class DiscoveryFlow:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        connection = app.connection
        self.rediscovery = Rediscovery(connection.ctx, app.env.stack, app.env.overrides,
                                       connection.deployment, app.probes,
                                       on_change=self._changed)

    def start(self) -> None:
        self.rediscovery.start()
        if self.app.connection.deployment.problems:
            self.app.call_later(self._show_problems, self.app.connection.deployment)

    async def stop(self) -> None:
        await self.rediscovery.stop()

    def observe(self, result: ProbeResult[Any]) -> None:
        self.rediscovery.observe(result)

    def retry(self) -> None:
        """`r`: an incomplete discovery is tried again with the probes."""
        if self.rediscovery.deployment.problems:
            self.rediscovery.request()

    def _show_problems(self, deployment: Deployment) -> None:
        for problem in deployment.problems:
            panes = ", ".join(problem.probes) or "none"
            self.app.notify(f"Discovery incomplete: {problem.error.summary()}. Panes using the "
                            f"guide's names: {panes}. Retrying in the background.",
                            severity="warning", timeout=10)
        self._mark_panes(deployment)

    def _mark_panes(self, deployment: Deployment, tries: int = 0) -> None:
        """Mark the panes discovery could not fill, unless their probe already answered. A
        pane still being composed (the first second of the app) is marked once it is."""
        waiting = False
        for problem in deployment.problems:
            error = replace(problem.error, message=f"discovery: {problem.error.message}")
            for name in problem.probes:
                pane = self.app.dashboard.panes.get(name)
                if pane is None or pane.data is not None or pane.last_error is not None:
                    continue
                if not pane.query(".pane-error"):
                    waiting = True
                    continue
                self.app.dashboard.apply(ProbeResult(name, utcnow(), 0.0, error=error))
        if waiting and tries < 50:
            self.app.set_timer(0.1, lambda: self._mark_panes(deployment, tries + 1))

    def _changed(self, deployment: Deployment, changed: list[str]) -> None:
        had_problems = bool(self.app.connection.deployment.problems)
        self.app.connection.deployment = deployment
        for name in dict.fromkeys(changed + [p for problem in deployment.problems
                                             for p in problem.probes]):
            self.app.scheduler.refresh(name)
        if changed:
            log.info("rediscovered names for %s", ", ".join(changed))
            self.app.notify(f"The stack's resources changed: now watching the new names "
                            f"({', '.join(changed)})", timeout=6)
        if had_problems and not deployment.problems:
            self.app.notify("Discovery complete: every pane watches the stack's names", timeout=4)


def discovery_for(app: ConsoleApp) -> DiscoveryFlow | NoDiscovery:
    connection = getattr(app, "connection", None)
    if connection is None or getattr(connection, "ctx", None) is None:
        return NoDiscovery()
    return DiscoveryFlow(app)
