"""A service at scale in a crash loop, on the demo emulator: many serving tasks launched, some
crashing (issue 12's "1,000 tasks in a crash loop"). The scaling and idle benchmarks and the
idle-redraw tests build their fleets with these, so they measure and check the same thing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from console.demo import backend, fleet
from console.demo import names as n
from console.demo.deployment import BaseDeployment
from console.demo.specs import TaskStateSpec


def launch_serving(base: BaseDeployment, count: int, at: datetime) -> list[str]:
    """`count` serving tasks of the current deployment, started at `at` (ten per RunTask, as
    the service scheduler would); their ARNs."""
    arns: list[str] = []
    for start in range(0, count, 10):
        plans = [fleet.TaskPlan("serving", at) for _ in range(min(10, count - start))]
        arns += [t.task_arn for t in fleet.launch_tasks(
            base, plans, deployment="ecs-svc/1", task_definition=base.task_definition_arn,
            hosts=[10 + i for i in range(len(plans))])]
    return arns


def crash(arns: list[str], at: datetime) -> None:
    """The tasks stop at `at` as a crashing container does: exit code 1, "Essential container
    in task exited"."""
    for arn in arns:
        backend.set_task_state(n.CLUSTER, arn, TaskStateSpec(
            "STOPPED", "STOPPED", "UNKNOWN", created_at=at - timedelta(minutes=2),
            private_ip="10.0.0.9", availability_zone=n.AVAILABILITY_ZONES[0],
            started_at=at - timedelta(minutes=1), stopped_at=at,
            stop_code="EssentialContainerExited",
            stopped_reason="Essential container in task exited", exit_code=1))
