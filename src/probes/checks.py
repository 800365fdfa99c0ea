"""Named checks over probe snapshots: pass or fail, with the evidence that decided it.

Runbook steps refer to these by name (``check = "targets-healthy"``). Each check names the
probes it needs; the caller collects them fresh and passes their data here. Pure functions:
the same snapshots always give the same verdict, which is what a post-incident report needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from probes.alarms import AlarmsSnapshot
from probes.costs import CostSnapshot
from probes.diagnostics.stack import (
    SERVING_STATUSES,
    explain_root,
    root_failure,
    status_meaning,
)
from probes.ecs import ServiceSnapshot
from probes.logs import LogBatch
from probes.severity import is_error
from probes.stack import StackSnapshot
from probes.targets import TargetHealthSnapshot

Evidence = list[tuple[str, str]]


@dataclass(frozen=True)
class CheckResult:
    passed: bool | None  # None: could not tell (a probe failed)
    summary: str
    evidence: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    probes: tuple[str, ...]
    evaluate: Callable[..., CheckResult] | None = None
    reads_aws: bool = False  # reads AWS itself: probes.data_checks.FETCHES[name]


def _alarms_ok(alarms: AlarmsSnapshot) -> CheckResult:
    firing = alarms.firing
    evidence = [(a.name, f"ALARM: {a.reason}") for a in firing]
    if firing:
        return CheckResult(False, f"{len(firing)} alarm(s) in ALARM", tuple(evidence))
    return CheckResult(True, f"no alarm in ALARM ({len(alarms.alarms)} watched)")


def _service_running(ecs: ServiceSnapshot) -> CheckResult:
    evidence: Evidence = [("running/desired", f"{ecs.running}/{ecs.desired}"),
                          ("pending", str(ecs.pending))]
    for d in ecs.deployments:
        evidence.append((f"deployment {d.status}", f"{d.revision} rollout "
                         f"{d.rollout_state or '-'} failed tasks {d.failed_tasks}"))
    ok = ecs.desired > 0 and ecs.running >= ecs.desired
    summary = (f"running {ecs.running} of {ecs.desired}" if ok else
               f"only {ecs.running} of {ecs.desired} tasks running")
    return CheckResult(ok, summary, tuple(evidence))


def _tasks_not_stopping(ecs: ServiceSnapshot) -> CheckResult:
    failed = ecs.failed_tasks
    evidence = [(t.task_id[:8], f"exit {','.join(map(str, t.exit_codes)) or '-'} "
                 f"{t.stop_code}: {t.stopped_reason}") for t in failed[:10]]
    oom = [t for t in failed if t.out_of_memory]
    if oom:
        evidence.insert(0, ("diagnosis", f"{len(oom)} stopped out of memory (exit 137): "
                            "raise the task memory (action scale-task-size)"))
    if failed:
        return CheckResult(False, f"{len(failed)} task(s) stopped abnormally", tuple(evidence))
    return CheckResult(True, "no task stopped abnormally")


def _targets_healthy(targets: TargetHealthSnapshot) -> CheckResult:
    bad = [t for t in targets.targets if not t.healthy]
    evidence = [(f"{t.target_id}:{t.port}", f"{t.state} {t.reason}: {t.description}".strip())
                for t in bad]
    if targets.no_healthy_target:
        evidence.insert(0, ("load balancer", f"{targets.dns_name} answers 503: no healthy "
                            "target"))
    if bad or not targets.targets:
        return CheckResult(False, f"{targets.healthy_count}/{len(targets.targets)} targets "
                           "healthy", tuple(evidence))
    return CheckResult(True, f"all {len(targets.targets)} targets healthy")


def _deployment_stable(ecs: ServiceSnapshot) -> CheckResult:
    evidence = tuple((d.deployment_id, f"{d.status} {d.revision} {d.rollout_state or '-'} "
                      f"{d.running}/{d.desired}") for d in ecs.deployments)
    if any(d.rollout_state == "FAILED" for d in ecs.deployments):
        return CheckResult(False, "a deployment failed", evidence)
    if ecs.rolling_out:
        return CheckResult(False, "a deployment is still rolling out", evidence)
    return CheckResult(True, "one deployment, rollout complete", evidence)


def _stack_stable(stack: StackSnapshot) -> CheckResult:
    """Every stable state passes, as AWS defines them: UPDATE_ROLLBACK_COMPLETE is stable and
    serves the previous template. Only an operation in progress or a *_FAILED state fails."""
    evidence = [("status", status_meaning(stack.status))]
    evidence += [(f"{e.logical_id} {e.status}", e.reason) for e in stack.root_causes[:5]]
    if stack.in_progress or stack.status.endswith("_FAILED"):
        return CheckResult(False, f"stack {stack.status}: not stable", tuple(evidence))
    return CheckResult(True, f"stack {stack.status}: stable", tuple(evidence))


def _stack_serving(stack: StackSnapshot) -> CheckResult:
    """Does the stack still hold a working deployment? Fails only when it no longer does (never
    created, deleted, or stuck): the case for rebuilding it."""
    evidence = (("status", status_meaning(stack.status)),)
    if stack.status in SERVING_STATUSES:
        return CheckResult(True, f"stack {stack.status}: it serves; do not rebuild it",
                           evidence)
    if stack.in_progress:
        return CheckResult(None, f"stack {stack.status}: wait for the operation to end",
                           evidence)
    return CheckResult(False, f"stack {stack.status}: it does not serve as it is", evidence)


def _stack_last_update(stack: StackSnapshot) -> CheckResult:
    """Did the latest operation succeed? When not: the failing resource, AWS's reason, and
    what it means (the reasons table), or that the cause is unknown."""
    if stack.in_progress:
        return CheckResult(None, f"stack {stack.status}: the operation has not ended",
                           (("status", stack.status),))
    root = root_failure(stack.failures)
    if root is None and not stack.failed:
        return CheckResult(True, f"latest operation succeeded: {stack.status}",
                           (("status", stack.status),))
    _, found = explain_root(root)
    evidence = (("status", stack.status),
                ("failing resource", f"{root.logical_id} ({root.resource_type})" if root
                 else "no resource failure event"),
                ("reason", root.reason if root else "-"),
                ("cause", found.cause), ("fix", found.fix), ("next", found.next_step))
    what = f"{root.logical_id} failed" if root else "the latest operation failed"
    return CheckResult(False, f"{stack.status}: {what}", evidence)


def _logs_quiet(logs: LogBatch) -> CheckResult:
    errors = [e for e in logs.events if is_error(e.message)]
    evidence = tuple((f"{e.stream.rsplit('/', 1)[-1][:8]}", e.message[:300])
                     for e in errors[-8:])
    if errors:
        return CheckResult(False, f"{len(errors)} error line(s) of {len(logs.events)} read",
                           evidence)
    return CheckResult(True, f"no error in {len(logs.events)} lines read")


def _budget_ok(costs: CostSnapshot) -> CheckResult:
    evidence: Evidence = [(s.service, f"{s.amount:,.2f} {costs.currency}") for s in costs.top(5)]
    for b in costs.budgets:
        forecast = f", forecast {b.forecast:,.2f}" if b.forecast is not None else ""
        evidence.insert(0, (f"budget {b.name}", f"{b.actual:,.2f} of {b.limit:,.2f}{forecast}"))
    over = [b for b in costs.budgets if b.exceeded]
    if over:
        return CheckResult(False, f"{len(over)} budget(s) exceeded; month to date "
                           f"{costs.total:,.2f} {costs.currency}", tuple(evidence))
    return CheckResult(True, f"within budget; month to date {costs.total:,.2f} "
                       f"{costs.currency}", tuple(evidence))


CHECKS: dict[str, Check] = {c.name: c for c in (
    Check("alarms-ok", "No alarm in ALARM", ("alarms",), _alarms_ok),
    Check("service-running", "The service runs its desired count", ("ecs",), _service_running),
    Check("tasks-not-stopping", "No task stopping abnormally", ("ecs",), _tasks_not_stopping),
    Check("targets-healthy", "Every target healthy", ("targets",), _targets_healthy),
    Check("deployment-stable", "No deployment rolling out or failed", ("ecs",),
          _deployment_stable),
    Check("stack-stable", "The stack is stable", ("stack",), _stack_stable),
    Check("stack-serving", "The stack still serves a template", ("stack",), _stack_serving),
    Check("stack-last-update", "The stack's latest update succeeded", ("stack",),
          _stack_last_update),
    Check("logs-quiet", "No errors in the recent logs", ("logs",), _logs_quiet),
    Check("budget-ok", "Spend within budget", ("costs",), _budget_ok),
    Check("logs-window", "Log lines that signal trouble, last 15 min", (), reads_aws=True),
    Check("utilisation", "CPU, memory and response time under their thresholds",
          ("alarms",), reads_aws=True),
)}


async def run_data_check(name: str, data: Any) -> CheckResult:
    """Run a check that reads AWS itself (`data`: a probes.data_checks.CheckData); an AWS
    error is an unknown result that says what failed, never a pass."""
    from probes.data_checks import FETCHES
    from probes.errors import classify

    try:
        passed, summary, evidence = await FETCHES[name](data)
    except Exception as exc:  # noqa: BLE001 - the check could not run: say so, do not pass
        error = classify(exc)
        return CheckResult(None, f"could not check: {error.summary()}")
    return CheckResult(passed, summary, evidence)


def run_check(name: str, data: dict[str, Any]) -> CheckResult:
    """Evaluate `name` with the probes' data (None for a probe that failed)."""
    check = CHECKS[name]
    missing = [p for p in check.probes if data.get(p) is None]
    if missing:
        return CheckResult(None, f"could not check: no data from {', '.join(missing)}")
    return check.evaluate(*(data[p] for p in check.probes))
