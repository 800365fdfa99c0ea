"""Pane 2: the ECS service (counts, deployments, events) and its tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text

from console import clock
from console.panes.base import Detail, Pane, action_bindings, time_cells
from console.sanitize import clean, clean_block
from console.styles import BAD, GOOD, MUTED, cell, status_cell, status_style
from console.tail.format import short_task_id
from console.widgets.keyed_table import Row
from probes.ecs import EcsTask, ServiceSnapshot

EVENTS_SHOWN = 2


def task_moment(t: EcsTask):
    """The time a task's row shows: when it stopped, else when it started (or was created)."""
    if t.is_stopped:
        return t.stopped_at or t.started_at or t.created_at
    return t.started_at or t.created_at


def ran_seconds(t: EcsTask, at: datetime | None = None) -> float | None:
    """How long a task ran: start to stop for a stopped task, start to now (`at`) for a
    running one; None if it never started."""
    end = t.stopped_at if t.is_stopped else (at or clock.now())
    if t.started_at is None or end is None:
        return None
    return max(0.0, (end - t.started_at).total_seconds())


def ran_for(t: EcsTask, at: datetime | None = None) -> str:
    seconds = ran_seconds(t, at)
    return "-" if seconds is None else clock.duration(seconds)


@dataclass(frozen=True)
class TaskCells:
    """What a task's row shows that does not move with the clock (a task's row is rebuilt
    every few seconds for its ages: at a thousand tasks, building all of it each time was
    most of the idle dashboard's CPU)."""

    task: EcsTask
    cells: tuple[Text, ...]  # Task, Status, Health, Rev (then the clock's cells), Exit, reason
    search_text: str
    rev_key: object
    moment: datetime | None


def task_cells(t: EcsTask) -> TaskCells:
    codes = ",".join(str(c) for c in t.exit_codes) or "-"
    failed = t.failed
    rev = t.revision.rsplit(":", 1)[-1]
    return TaskCells(t, (
        cell(short_task_id(t.task_id)),
        status_cell(t.last_status),
        status_cell(t.health),
        cell(rev),
        cell(codes, BAD if failed else ""),
        cell(t.stopped_reason, BAD if failed else "", 300),
    ), f"{t.task_id} {t.last_status} {t.health} {t.stopped_reason} {codes}",
        int(rev) if rev.isdigit() else rev, task_moment(t))


class EcsPane(Pane[ServiceSnapshot]):
    probe = "ecs"
    title = "ECS service & tasks"
    number = 2
    interval_s = 10.0
    BINDINGS = action_bindings("ecs")
    # Since: when a running task started, when a stopped one stopped (UTC, then the age).
    columns = (("Task", 8), ("Status", 8, "keep"), ("Health", 9, "keep"), ("Rev", 3),
               ("Since (UTC)", 5, "time"), ("Ran", 5), ("Exit", 4), ("Stopped reason", None))
    default_order = "running, then newest stop"
    ticking = True
    rows_in_view = True  # hundreds of tasks: the ages of those in view tick (PaneAges)

    def status_line(self, s: ServiceSnapshot) -> Text:
        text = Text()
        counts_style = BAD if s.desired and s.running == 0 else (
            "yellow" if s.running < s.desired else GOOD)
        text.append(f"running {s.running}/{s.desired}", style=counts_style)
        text.append(f"  pending {s.pending}  ")
        text.append(clean(s.service, limit=60), style=MUTED)
        for d in s.deployments:
            text.append(f"\n{clean(d.status, limit=12):<8}", style=status_style(d.status))
            text.append(f" {clean(self.short(d.revision), limit=50)} ")
            text.append(clean(d.rollout_state or "-", limit=20),
                        style=status_style(d.rollout_state))
            text.append(f" {d.running}/{d.desired}")
            if d.failed_tasks:
                text.append(f" failed {d.failed_tasks}", style=BAD)
        for event in s.events[:EVENTS_SHOWN]:
            text.append(f"\n{clock.when(event.created_at)} {clock.age(event.created_at)} ",
                        style=MUTED)
            text.append(clean(event.message, limit=200))
        return text

    def rows(self, s: ServiceSnapshot, only: set[str] | None = None) -> list[Row]:
        """A row per task (`only`: per task of those ARNs, the rows in view): its fixed cells
        kept from the last redraw while the task is the same, its times (Since, Ran) computed
        again at one `now`."""
        at = clock.now()
        kept = getattr(self, "_task_cells", {})
        fresh: dict[str, TaskCells] = {}
        rows = []
        for t in s.tasks:
            if only is not None and t.task_arn not in only:
                continue
            parts = kept.get(t.task_arn)
            if parts is None or (parts.task is not t and parts.task != t):
                parts = task_cells(t)
            fresh[t.task_arn] = parts
            rows.append(self._row(parts, at))
        if only is None:
            self._task_cells = fresh
        return rows

    @staticmethod
    def _row(parts: TaskCells, at: datetime) -> Row:
        t, (task, status, health, rev, codes, reason) = parts.task, parts.cells
        since, age = time_cells(parts.moment, at)
        return Row(t.task_arn, (task, status, health, rev, since, cell(ran_for(t, at)), codes,
                                reason), search_text=parts.search_text,
                   sort_keys=(None, None, None, parts.rev_key, parts.moment, ran_seconds(t, at),
                              None, None), narrow=(None, None, None, None, age))

    def summary(self, s: ServiceSnapshot) -> Text:
        style = BAD if s.desired and s.running == 0 else GOOD
        text = Text(f"{s.running}/{s.desired} running", style=style)
        if s.failed_tasks:
            text.append(f" {len(s.failed_tasks)} failed", style=BAD)
        return text

    def subject(self) -> EcsTask | None:
        key = self.body.cursor_key if self.data is not None else None
        return self.task(key) if key else None

    def task(self, key: str) -> EcsTask | None:
        if self.data is None:
            return None
        return next((t for t in self.data.tasks if t.task_arn == key), None)

    def detail(self, key: str) -> Detail | None:
        t = self.task(key)
        if t is None:
            return None
        body = Text()
        for label, value in (("Task", t.task_arn), ("Status", f"{t.last_status} "
                             f"(desired {t.desired_status})"), ("Health", t.health),
                             ("Task definition", t.revision), ("CPU / memory",
                             f"{t.cpu} / {t.memory}"), ("Private IP", t.private_ip),
                             ("Zone", t.availability_zone), ("Started", clock.iso(t.started_at)),
                             ("Stopped", clock.iso(t.stopped_at) if t.stopped_at else "-"),
                             ("Ran for", ran_for(t)), ("Stop code", t.stop_code)):
            body.append(f"{label:<16}", style="bold")
            body.append(clean(str(value or "-"), limit=500) + "\n")
        body.append("Stopped reason\n", style="bold")
        body.append(clean_block(t.stopped_reason or "-") + "\n")
        body.append("\nContainers\n", style="bold")
        for c in t.containers:
            body.append(f"  {clean(c.name, limit=60)}", style="bold")
            body.append(f"  {clean(c.last_status)}  health {clean(c.health or '-')}"
                        f"  exit code {c.exit_code if c.exit_code is not None else '-'}\n")
            if c.image:
                body.append(f"    image {clean(c.image, limit=300)}\n", style=MUTED)
            if c.reason:
                body.append(f"    reason {clean_block(c.reason)}\n", style=BAD)
        return Detail(f"Task {clean(t.task_id, limit=60)}", body, kind="task", subject=t)
