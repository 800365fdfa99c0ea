"""High response times, with the CPU and memory utilisation that explain them.

The guide's first question when response-time alarms fire is whether the tasks are starved:
CPU high means scale (more CPU, or more tasks); memory high means more memory; neither means
the time goes elsewhere (the database, a slow dependency), which the logs show.
"""

from __future__ import annotations

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.metrics import ServiceMetrics, service_metrics, thresholds
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence


def _facts(m: ServiceMetrics, limits: dict[str, float]) -> tuple[tuple[str, str], ...]:
    return evidence(
        ("window", f"last {int(m.window.total_seconds() // 60)} minutes"),
        ("response time", m.response_time.describe(" s", 3)
         + f" (threshold {limits['TargetResponseTime']:g} s)"),
        ("CPU", m.cpu.describe("%") + f" (threshold {limits['CPUUtilization']:g}%)"),
        ("memory", m.memory.describe("%") + f" (threshold {limits['MemoryUtilization']:g}%)"),
    )


def evaluate_performance(m: ServiceMetrics, limits: dict[str, float], *, cluster: str = "",
                         service: str = "") -> list[Finding]:
    """Response time above its threshold (on average over the window) and why; CPU above
    its threshold even when response time is fine (it will not stay fine)."""
    refs = args(cluster=cluster, service=service)
    cpu_high = (m.cpu.mean or 0.0) > limits["CPUUtilization"]
    memory_high = (m.memory.mean or 0.0) > limits["MemoryUtilization"]
    slow = (m.response_time.mean or 0.0) > limits["TargetResponseTime"]
    if slow:
        if cpu_high:
            cause = ("CPU is saturated: requests queue behind busy workers.",
                     "Give the tasks more CPU or run more of them.",
                     (guide.SCALE_TASK_SIZE, guide.SET_DESIRED_COUNT))
        elif memory_high:
            cause = ("Memory is nearly full: the app swaps work out and is close to being "
                     "killed.", "Give the tasks more memory.", (guide.SCALE_TASK_SIZE,))
        else:
            cause = ("CPU and memory are fine, so the time is spent elsewhere: the SQLite "
                     "database (locks), a slow dependency, or a few heavy requests.",
                     "Read the slow requests in the logs (aws logs filter-log-events "
                     "--filter-pattern \"slow\"); more tasks will not help a locked database.",
                     (guide.SET_DESIRED_COUNT,))
        return [Finding(
            id="performance.response-time-high", severity=Severity.WARNING,
            title=f"Response time {m.response_time.mean:.2f} s is above "
                  f"{limits['TargetResponseTime']:g} s",
            evidence=_facts(m, limits), cause=cause[0], fix=cause[1],
            guide=guide.RESPONSE_TIME, actions=cause[2], runbooks=(guide.P1_DEGRADED,),
            action_args=refs)]
    if cpu_high:
        return [Finding(
            id="performance.cpu-high", severity=Severity.WARNING,
            title=f"CPU at {m.cpu.mean:.0f}% on average (threshold "
                  f"{limits['CPUUtilization']:g}%)",
            evidence=_facts(m, limits),
            cause="The tasks are busy; response time will follow if load grows.",
            fix="Run more tasks (desired count) or give each more CPU.",
            guide=guide.RESPONSE_TIME, actions=(guide.SET_DESIRED_COUNT, guide.SCALE_TASK_SIZE),
            runbooks=(guide.P1_DEGRADED,), action_args=refs)]
    return []


async def check_performance(inputs: DiagnosticInputs) -> list[Finding]:
    metrics = await service_metrics(inputs)
    limits = thresholds(inputs.snapshot_or_none("alarms"))
    return evaluate_performance(metrics, limits, cluster=inputs.deployment.cluster,
                                service=inputs.deployment.service)


DIAGNOSTICS = (
    Diagnostic("performance", "Response time, CPU and memory", (guide.RESPONSE_TIME,),
               check_performance, probes=("alarms",)),
)
