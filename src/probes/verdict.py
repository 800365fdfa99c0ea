"""The overall verdict, on the guide's escalation levels, with its reasons in a few words.

Computed from the latest good snapshot of each probe.
- DOWN (P0): users are not being served: the load balancer has nothing to route to, or routes
  only to failing targets (5XX answers seen), or the service runs nothing while it should.
- DEGRADED (P1): something is wrong but traffic may still flow.
- ATTENTION (P2): users are served, but the guide escalates: the budget (or its forecast) is
  exceeded, the newest backup is older than 24 h, a critical finding on the data path
  (DATABASE_URL invalid), a certificate near expiry.
- OK only when none of these holds; UNKNOWN means we could not see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from probes.alarms import AlarmsSnapshot
from probes.costs import CostSnapshot
from probes.datapath import DataPathSnapshot
from probes.ecs import ServiceSnapshot
from probes.stack import StackSnapshot
from probes.targets import Routing, TargetHealthSnapshot


class Level(StrEnum):
    OK = "OK"
    DEGRADED = "DEGRADED"
    DOWN = "DOWN"
    ATTENTION = "ATTENTION"  # the guide's P2: served, but escalated (budget, backups...)
    UNKNOWN = "UNKNOWN"

    @property
    def priority(self) -> str:
        """The guide's escalation level: P0, P1, P2 ("" for OK and UNKNOWN)."""
        return {"DOWN": "P0", "DEGRADED": "P1", "ATTENTION": "P2"}.get(self.value, "")


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
          alarms: AlarmsSnapshot | None = None, costs: CostSnapshot | None = None,
          datapath: DataPathSnapshot | None = None,
          unseen: Mapping[str, str] | None = None,
          pending: Sequence[str] = ()) -> Verdict:
    """`unseen` names the probes whose latest collection failed (probe -> the error in a few
    words): the snapshots given for them are old, so the verdict never says OK on them.
    `pending` names the probes that have not answered yet: an OK says what it has not read."""
    down: list[str] = []
    degraded: list[str] = []
    attention = [*budget_reasons(costs), *(datapath.reasons if datapath is not None else ())]
    notes: list[str] = [f"no result yet for {_PENDING[name]}" for name in pending
                        if name in _PENDING]

    if targets is not None:
        routing = targets.routing
        if routing.state is Routing.NOTHING:
            down.append(routing.reason)
        elif routing.state is Routing.FAIL_OPEN:
            (down if routing.failing_users else degraded).append(routing.reason)
        else:
            unhealthy = [t for t in targets.targets if t.state == "unhealthy"]
            if unhealthy:
                degraded.append(f"{len(unhealthy)} unhealthy target(s)")
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
        elif service.rolling_out and service.primary is not None:
            new = service.primary
            notes.append(f"deployment in progress ({new.revision}: {new.running} of "
                         f"{new.desired} new tasks running)")
        if service.failed_tasks:
            degraded.append(f"tasks stopping ({len(service.failed_tasks)} failed)")
    if alarms is not None and alarms.firing:
        names = ", ".join(a.name for a in alarms.firing[:2])
        extra = f" +{len(alarms.firing) - 2}" if len(alarms.firing) > 2 else ""
        degraded.append(f"ALARM {names}{extra}")
    if stack is not None and stack.failed:
        degraded.append(f"stack {stack.status}")

    blind = [f"cannot see {_SEEN[name]}: {why}" for name, why in (unseen or {}).items()
             if name in _SEEN]
    if down:
        return Verdict(Level.DOWN, tuple(down + degraded + attention + blind))
    if degraded:
        return Verdict(Level.DEGRADED, tuple(degraded + attention + blind))
    if blind:  # nothing bad in what we see, but we do not see the service or its targets
        return Verdict(Level.UNKNOWN, tuple(blind + attention))
    if attention:
        return Verdict(Level.ATTENTION, tuple(attention + notes))
    if service is None and targets is None:
        return Verdict(Level.UNKNOWN, ("no service or target data yet",))
    return Verdict(Level.OK, tuple(notes))


# The probes that feed only the verdict's P2, in the words the header uses while they have not
# answered (the data-path probe runs its diagnostics after the panes' first results).
_PENDING = {"datapath": "backups and certificates"}

# The probes whose view the verdict stands on, in the words the header uses.
_SEEN = {"ecs": "the ECS service", "targets": "the target health"}


def budget_reasons(costs: CostSnapshot | None) -> list[str]:
    """``budget monthly 124% used, forecast 159%`` for each budget exceeded or forecast to be."""
    reasons = []
    for budget in costs.budgets if costs is not None else ():
        forecast = budget.forecast_fraction
        over_forecast = forecast is not None and forecast > 1.0
        if not (budget.exceeded or over_forecast):
            continue
        reason = f"budget {budget.name} {budget.used_fraction:.0%} used"
        if forecast is not None:
            reason += f", forecast {forecast:.0%}"
        reasons.append(reason)
    return reasons
