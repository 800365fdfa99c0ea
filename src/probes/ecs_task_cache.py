"""Which ECS tasks to describe on a poll, so that the cost does not grow with the history.

A stopped task never changes again (lastStatus STOPPED is final): it is described once and kept.
ECS lists stopped tasks for at least an hour, so in a crash loop the STOPPED list grows by the
hundred; describing all of them on every poll (the old way) cost one DescribeTasks per 100.

What a poll describes (`TaskCache.plan`), in batches of at most 100 sent together:

- running tasks never described (new since the last poll);
- stopped tasks never described: on the first poll all of them (ListTasks' order is not
  documented, so the newest cannot be told from the list alone; each is described once and then
  kept), afterwards only those that appeared since the last poll (they stopped since, so they
  are the newest), at most `keep_stopped` of them in ListTasks order; the rest of a larger
  burst are older than the next poll's and are never described;
- tasks still on their way (lastStatus not RUNNING or STOPPED) or UNHEALTHY;
- and, to fill the batches being sent (at least one), the running tasks described longest ago:
  up to 100 running tasks are all refreshed on every poll, 500 in turn over five polls.

Tasks of another group (moto ignores ListTasks' serviceName filter) are remembered and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from probes.ecs import EcsTask

DESCRIBE_TASKS_BATCH = 100


@dataclass
class TaskCache:
    """What one service's probe knows of its tasks between polls."""

    keep_stopped: int = 20
    stopped: dict[str, EcsTask] = field(default_factory=dict)  # final: never described again
    running: dict[str, EcsTask] = field(default_factory=dict)
    described_at: dict[str, int] = field(default_factory=dict)  # arn -> poll it was described
    passed_over: set[str] = field(default_factory=set)  # stopped, older than those shown
    foreign: set[str] = field(default_factory=set)  # another group's tasks
    polls: int = 0
    listed_before: bool = False

    def plan(self, running_arns: list[str], stopped_arns: list[str]) -> list[list[str]]:
        """The batches of task ARNs to describe on this poll (each <= 100 ARNs)."""
        self._forget_unlisted(running_arns, stopped_arns)
        known = self.stopped.keys() | self.passed_over | self.foreign
        must: list[str] = [a for a in running_arns if a not in self.running
                           and a not in self.foreign]
        new_stopped = [a for a in stopped_arns if a not in known]
        if self.listed_before and len(new_stopped) > self.keep_stopped:
            self.passed_over.update(new_stopped[self.keep_stopped:])
            new_stopped = new_stopped[: self.keep_stopped]
        must += [a for a in new_stopped if a not in must]
        must += [a for a, t in self.running.items() if _unsettled(t) and a not in must]
        self.listed_before = True
        capacity = max(1, -(-len(must) // DESCRIBE_TASKS_BATCH)) * DESCRIBE_TASKS_BATCH
        chosen = set(must)
        stale = sorted((a for a in self.running if a not in chosen),
                       key=lambda a: self.described_at.get(a, -1))
        arns = must + stale[: max(0, capacity - len(must))]
        return [arns[i:i + DESCRIBE_TASKS_BATCH]
                for i in range(0, len(arns), DESCRIBE_TASKS_BATCH)]

    def record(self, tasks: list[EcsTask], group_of: dict[str, str | None],
               group: str) -> None:
        """Keep what a poll's DescribeTasks answered."""
        self.polls += 1
        for task in tasks:
            arn = task.task_arn
            if group_of.get(arn) not in (group, None):
                self.foreign.add(arn)
                self.running.pop(arn, None)
                continue
            self.described_at[arn] = self.polls
            if task.last_status == "STOPPED":
                self.stopped[arn] = task
                self.running.pop(arn, None)
            else:
                self.running[arn] = task

    def shown(self) -> list[EcsTask]:
        """Every running task and the `keep_stopped` most recently stopped ones."""
        stopped = sorted(self.stopped.values(), key=_stopped_key)[: self.keep_stopped]
        return list(self.running.values()) + stopped

    def _forget_unlisted(self, running_arns: list[str], stopped_arns: list[str]) -> None:
        listed = set(running_arns) | set(stopped_arns)
        for arn in [a for a in self.running if a not in listed]:
            del self.running[arn]
        for arn in [a for a in self.stopped if a not in listed]:
            del self.stopped[arn]
        self.passed_over &= listed
        self.foreign &= listed
        for arn in [a for a in self.described_at if a not in listed]:
            del self.described_at[arn]


def _unsettled(task: EcsTask) -> bool:
    """Still changing: starting, stopping, or failing its health checks. (A task without a
    health check stays UNKNOWN for good: it is refreshed in turn with the healthy ones.)"""
    return task.last_status != "RUNNING" or task.is_stopped or task.health == "UNHEALTHY"


def _stopped_key(task: EcsTask) -> tuple[float, str]:
    moment = task.stopped_at or task.started_at or task.created_at
    return (-(moment.timestamp() if moment else 0.0), task.task_id)
