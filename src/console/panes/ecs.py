"""Pane 2: the ECS service (counts, deployments, events) and its tasks."""

from __future__ import annotations

from rich.text import Text

from console.clock import now as utcnow
from console.panes.base import Detail, Pane, action_bindings
from console.sanitize import clean, clean_block
from console.styles import BAD, GOOD, MUTED, cell, status_cell, status_style
from console.tail.format import short_task_id
from console.timeparse import ago
from console.widgets.keyed_table import Row
from probes.ecs import EcsTask, ServiceSnapshot

EVENTS_SHOWN = 2


def _age(moment) -> str:
    return ago((utcnow() - moment).total_seconds()) if moment else "-"


class EcsPane(Pane[ServiceSnapshot]):
    probe = "ecs"
    title = "ECS service & tasks"
    number = 2
    interval_s = 10.0
    BINDINGS = action_bindings("ecs")
    columns = (("Task", 8), ("Status", 8), ("Health", 9), ("Rev", 3), ("Up", 5),
               ("Exit", 4), ("Stopped reason", None))

    def status_line(self, s: ServiceSnapshot) -> Text:
        text = Text()
        counts_style = BAD if s.desired and s.running == 0 else (
            "yellow" if s.running < s.desired else GOOD)
        text.append(f"running {s.running}/{s.desired}", style=counts_style)
        text.append(f"  pending {s.pending}  ")
        text.append(clean(s.service, limit=60), style=MUTED)
        for d in s.deployments:
            text.append(f"\n{clean(d.status, limit=12):<8}", style=status_style(d.status))
            text.append(f" {clean(d.revision, limit=50)} ")
            text.append(clean(d.rollout_state or "-", limit=20),
                        style=status_style(d.rollout_state))
            text.append(f" {d.running}/{d.desired}")
            if d.failed_tasks:
                text.append(f" failed {d.failed_tasks}", style=BAD)
        for event in s.events[:EVENTS_SHOWN]:
            text.append(f"\n{_age(event.created_at)} ", style=MUTED)
            text.append(clean(event.message, limit=200))
        return text

    def rows(self, s: ServiceSnapshot) -> list[Row]:
        return [self._row(t) for t in s.tasks]

    @staticmethod
    def _row(t: EcsTask) -> Row:
        codes = ",".join(str(c) for c in t.exit_codes) or "-"
        failed = t.failed
        return Row(t.task_arn, (
            cell(short_task_id(t.task_id)),
            status_cell(t.last_status),
            status_cell(t.health),
            cell(t.revision.rsplit(":", 1)[-1]),
            cell(_age(t.started_at) if not t.is_stopped else f"-{_age(t.stopped_at)}"),
            cell(codes, BAD if failed else ""),
            cell(t.stopped_reason, BAD if failed else "", 300),
        ), search_text=f"{t.task_id} {t.last_status} {t.health} {t.stopped_reason} {codes}")

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
                             ("Zone", t.availability_zone), ("Started", t.started_at),
                             ("Stopped", t.stopped_at), ("Stop code", t.stop_code)):
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
