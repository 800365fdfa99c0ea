"""Out-of-memory kills: tasks whose container reason says OutOfMemoryError, the memory metric,
and the OutOfMemoryError lines the guide greps the logs for.

The stopped tasks (from the ECS probe) are the evidence that matters; the metric and the log
search only add to it, so when either cannot be read the diagnostic still reports, noting
what it could not see.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from probes.diagnostics import guide
from probes.diagnostics.ecs_tasks import OOM, recent_failures, task_lines
from probes.diagnostics.inputs import DiagnosticInputs, FetchFailed
from probes.diagnostics.log_search import LogMatches, search
from probes.diagnostics.metrics import Series, service_metrics, thresholds
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.ecs import ServiceSnapshot

OOM_PATTERN = "OutOfMemoryError"
LOG_WINDOW = timedelta(hours=1)


def evaluate_memory(service: ServiceSnapshot, now: datetime, memory: Series | None,
                    threshold: float, oom_lines: LogMatches | None) -> list[Finding]:
    oom_tasks = recent_failures(service, now).get(OOM, [])
    logged = oom_lines.count if oom_lines is not None else 0
    refs = args(cluster=service.cluster, service=service.service,
                task_definition=service.task_definition)
    size = next((t.memory for t in service.tasks if t.memory), "")
    facts = evidence(
        ("task memory", f"{size} MiB" if size else None),
        ("memory utilisation", memory.describe("%") if memory is not None else "not readable"),
        ("OutOfMemoryError lines", f"{oom_lines.describe()} in {oom_lines.group}"
         if oom_lines is not None else "not searched"),
        ("newest line", oom_lines.newest[:300] if oom_lines and oom_lines.newest else None))
    if oom_tasks or logged:
        down = service.desired > 0 and service.running == 0
        title = (f"{len(oom_tasks)} task(s) killed for running out of memory" if oom_tasks
                 else f"The app logged {logged} OutOfMemoryError line(s) in the last hour")
        return [Finding(
            id="memory.oom-kills", severity=Severity.CRITICAL if down else Severity.WARNING,
            title=title, evidence=facts + task_lines(oom_tasks),
            cause="The container needs more memory than the task definition gives it (ECS "
                  "says OutOfMemoryError: the kernel killed it at the limit), or it leaks.",
            fix=f"Raise the task's memory (e.g. {size or 512} -> {2 * int(size or 512)} MiB) "
                "in a new task definition revision; then look for the leak in the logs.",
            guide=guide.OUT_OF_MEMORY, actions=(guide.SCALE_TASK_SIZE,),
            runbooks=(guide.P0_SERVICE_DOWN,) if down else (guide.P1_DEGRADED,),
            action_args=refs)]
    if memory is not None and (memory.mean or 0.0) > threshold:
        return [Finding(
            id="memory.high", severity=Severity.WARNING,
            title=f"Memory at {memory.mean:.0f}% on average (threshold {threshold:g}%)",
            evidence=facts,
            cause="The tasks are close to their memory limit: the next spike gets them killed.",
            fix="Give the tasks more memory, or find what grows (the logs' memory lines).",
            guide=guide.OUT_OF_MEMORY, actions=(guide.SCALE_TASK_SIZE,),
            runbooks=(guide.P1_DEGRADED,), action_args=refs)]
    return []


async def check_memory(inputs: DiagnosticInputs) -> list[Finding]:
    service: ServiceSnapshot = inputs.snapshot("ecs")
    threshold = thresholds(inputs.snapshot_or_none("alarms"))["MemoryUtilization"]
    memory: Series | None = None
    try:
        memory = (await service_metrics(inputs)).memory
    except FetchFailed as exc:
        inputs.note(exc.error)
    oom_lines: LogMatches | None = None
    if inputs.deployment.log_groups:
        try:
            oom_lines = await search(inputs, inputs.deployment.log_groups[0], OOM_PATTERN,
                                     LOG_WINDOW)
        except Exception as exc:  # noqa: BLE001 - the tasks are the evidence; logs only add
            inputs.note(inputs.classify(exc, "logs:FilterLogEvents"))
    return evaluate_memory(service, inputs.now, memory, threshold, oom_lines)


DIAGNOSTICS = (
    Diagnostic("memory", "Out-of-memory kills", (guide.OUT_OF_MEMORY,), check_memory,
               probes=("ecs", "alarms")),
)
