"""The overall verdict: DOWN, DEGRADED or OK, with its reason in a few words.

Computed from the latest good snapshot of each probe. DOWN means users are not being served: no
healthy target behind the load balancer, or the service running nothing while it should.
DEGRADED means something is wrong but traffic may still flow. UNKNOWN means we could not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from probes.alarms import AlarmsSnapshot
from probes.ecs import ServiceSnapshot
from probes.stack import StackSnapshot
from probes.targets import TargetHealthSnapshot


class Level(StrEnum):
    OK = "OK"
    DEGRADED = "DEGRADED"
    DOWN = "DOWN"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class Verdict:
    level: Level
    reasons: tuple[str, ...]

    @property
    def headline(self) -> str:
        """``DOWN: no healthy target (0/2)``."""
        if not self.reasons:
            return self.level.value
        more = f" (+{len(self.reasons) - 1} more)" if len(self.reasons) > 1 else ""
        return f"{self.level.value}: {self.reasons[0]}{more}"


def judge(*, stack: StackSnapshot | None = None, service: ServiceSnapshot | None = None,
          targets: TargetHealthSnapshot | None = None,
          alarms: AlarmsSnapshot | None = None) -> Verdict:
    down: list[str] = []
    degraded: list[str] = []

    if targets is not None and targets.no_healthy_target:
        down.append(f"no healthy target (0/{len(targets.targets)})")
    if service is not None:
        if service.desired > 0 and service.running == 0:
            down.append(f"0 of {service.desired} tasks running")
        elif service.running < service.desired:
            degraded.append(f"{service.running} of {service.desired} tasks running")
        failing = [d for d in service.deployments if d.rollout_state == "FAILED"]
        if failing:
            degraded.append("deployment failed")
        elif any(d.failed_tasks for d in service.deployments):
            total = sum(d.failed_tasks for d in service.deployments)
            degraded.append(f"deployment failing ({total} failed tasks)")
        if service.failed_tasks:
            degraded.append(f"tasks stopping ({len(service.failed_tasks)} failed)")
    if targets is not None and not targets.no_healthy_target:
        unhealthy = [t for t in targets.targets if t.state == "unhealthy"]
        if unhealthy:
            degraded.append(f"{len(unhealthy)} unhealthy target(s)")
    if alarms is not None and alarms.firing:
        names = ", ".join(a.name for a in alarms.firing[:2])
        extra = f" +{len(alarms.firing) - 2}" if len(alarms.firing) > 2 else ""
        degraded.append(f"ALARM {names}{extra}")
    if stack is not None and stack.failed:
        degraded.append(f"stack {stack.status}")

    if down:
        return Verdict(Level.DOWN, tuple(down + degraded))
    if degraded:
        return Verdict(Level.DEGRADED, tuple(degraded))
    if service is None and targets is None:
        return Verdict(Level.UNKNOWN, ("no service or target data yet",))
    return Verdict(Level.OK, ())
