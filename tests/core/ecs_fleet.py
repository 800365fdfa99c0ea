"""Helpers for the ECS cost tests: tasks of the service launched on the emulator in bulk, a
crash loop driven by a fake clock, and a proxy that keeps the body of every request."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

from console.demo import backend, fleet
from console.demo import names as n
from console.demo.specs import TaskStateSpec

sys.path.insert(0, str(Path(__file__).parent.parent / "faults"))

from proxy import FaultProxy

RUN_TASK_MAX = 10  # RunTask's count limit on AWS


class RecordingProxy(FaultProxy):
    """The fault proxy, also keeping (action, JSON body) of every request it forwards."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.bodies: list[tuple[str, dict]] = []

    def _forward(self, handler, body: bytes) -> None:
        action, protocol = self.action_of(handler, body)
        if protocol == "json":
            self.bodies.append((action, json.loads(body or b"{}")))
        super()._forward(handler, body)

    def described_arns(self) -> list[list[str]]:
        """The task ARNs of each DescribeTasks request, in order."""
        return [b.get("tasks", []) for a, b in self.bodies if a == "ecs:DescribeTasks"]


def launch(base, count: int, created_at: datetime) -> list[str]:
    """`count` serving tasks of the service; their ARNs."""
    arns: list[str] = []
    for start in range(0, count, RUN_TASK_MAX):
        plans = [fleet.TaskPlan("serving", created_at)
                 for _ in range(min(RUN_TASK_MAX, count - start))]
        launched = fleet.launch_tasks(base, plans, deployment="ecs-svc/1",
                                      task_definition=base.task_definition_arn,
                                      hosts=[10 + i for i in range(len(plans))])
        arns += [t.task_arn for t in launched]
    return arns


def crash(arns: list[str], at: datetime) -> None:
    """Each task stops as a crash does: exit 1, EssentialContainerExited, stopped at `at`
    (one second apart, in the order given)."""
    for index, arn in enumerate(arns):
        stopped = at + timedelta(seconds=index)
        backend.set_task_state(n.CLUSTER, arn, TaskStateSpec(
            "STOPPED", "STOPPED", "UNKNOWN", created_at=at - timedelta(minutes=3),
            private_ip="10.0.0.9", availability_zone=n.AVAILABILITY_ZONES[0],
            started_at=at - timedelta(minutes=2), stopping_at=stopped, stopped_at=stopped,
            stop_code="EssentialContainerExited",
            stopped_reason="Essential container in task exited", exit_code=1))
