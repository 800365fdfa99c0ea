"""Why an ECS task stopped, from what ECS says (stopCode, stoppedReason, the containers' exit codes
and reasons): the one classification the ECS pane, the diagnostics and the verdict share.

A stop is a *failure* only when ECS gives a failing reason: the task failed to start, failed its
health checks, ran out of memory, or its essential container exited with an error. A task that a
deployment or a scale-in replaced gets SIGTERM and, after `stopTimeout`, SIGKILL: exit 143 or 137
with stopCode ``ServiceSchedulerInitiated`` and "Scaling activity initiated by (deployment …)".
That is routine, not a crash and not out-of-memory. Out-of-memory is read only from the
container's reason (``OutOfMemoryError: Container killed due to memory usage``), never guessed
from exit code 137, which is also what every SIGKILL after a stop timeout gives.

stopCodes (botocore's ECS model, TaskStopCode): TaskFailedToStart, EssentialContainerExited,
UserInitiated, ServiceSchedulerInitiated, SpotInterruption, TerminationNotice,
InfrastructureHealth.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

FAILED_TO_START = "TaskFailedToStart"
ESSENTIAL_CONTAINER_EXITED = "EssentialContainerExited"
USER_INITIATED = "UserInitiated"
SERVICE_SCHEDULER_INITIATED = "ServiceSchedulerInitiated"
SPOT_INTERRUPTION = "SpotInterruption"
TERMINATION_NOTICE = "TerminationNotice"
INFRASTRUCTURE_HEALTH = "InfrastructureHealth"
STOP_CODES = (FAILED_TO_START, ESSENTIAL_CONTAINER_EXITED, USER_INITIATED,
              SERVICE_SCHEDULER_INITIATED, SPOT_INTERRUPTION, TERMINATION_NOTICE,
              INFRASTRUCTURE_HEALTH)

OOM_MARKER = "outofmemoryerror"
# SIGTERM (128+15) and SIGKILL (128+9): what a stop request ends with.
STOP_SIGNAL_EXITS = (143, 137)
_START_FAILURES = ("cannotpullcontainer", "resourceinitializationerror",
                   "cannotstartcontainer", "cannotcreatecontainer", "pull image")


class TaskStop(StrEnum):
    """How a stopped task ended, in words for the operator."""

    OUT_OF_MEMORY = "out of memory"
    HEALTH_CHECK = "failed health checks"
    FAILED_TO_START = "failed to start"
    CRASHED = "crashed"
    REPLACED = "replaced by the scheduler"  # a deployment or a scale-in
    USER = "stopped by a user"
    INFRASTRUCTURE = "stopped by AWS"  # InfrastructureHealth, Spot, termination notice
    EXITED = "exited 0"
    OTHER = "stopped"

    @property
    def failure(self) -> bool:
        return self in _FAILURES


_FAILURES = frozenset({TaskStop.OUT_OF_MEMORY, TaskStop.HEALTH_CHECK,
                       TaskStop.FAILED_TO_START, TaskStop.CRASHED})


def classify_stop(stop_code: str, stopped_reason: str, exit_codes: Iterable[int],
                  container_reasons: Iterable[str]) -> TaskStop:
    """The class of one stopped task (see the module's docstring for the rules)."""
    codes = tuple(exit_codes)
    reasons = " ".join(container_reasons).lower()
    task_reason = stopped_reason.lower()
    if OOM_MARKER in reasons:
        return TaskStop.OUT_OF_MEMORY
    if stop_code == FAILED_TO_START or any(w in f"{task_reason} {reasons}"
                                           for w in _START_FAILURES):
        return TaskStop.FAILED_TO_START
    if "health check" in task_reason:
        return TaskStop.HEALTH_CHECK
    if stop_code == USER_INITIATED:
        return TaskStop.USER
    if stop_code in (SPOT_INTERRUPTION, TERMINATION_NOTICE, INFRASTRUCTURE_HEALTH):
        return TaskStop.INFRASTRUCTURE
    if stop_code == SERVICE_SCHEDULER_INITIATED or task_reason.startswith("scaling activity"):
        return TaskStop.REPLACED
    crash = any(code not in (0, *STOP_SIGNAL_EXITS) for code in codes)
    if stop_code == ESSENTIAL_CONTAINER_EXITED or "essential container" in task_reason:
        if crash or any(code in STOP_SIGNAL_EXITS for code in codes):
            return TaskStop.CRASHED  # no one asked it to stop: a signal exit is a crash too
        return TaskStop.EXITED if codes else TaskStop.CRASHED
    return TaskStop.CRASHED if crash else TaskStop.OTHER
