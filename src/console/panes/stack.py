"""Pane 1: the CloudFormation stack, its recent events, failures highlighted."""

from __future__ import annotations

from rich.text import Text

from console.clock import now as utcnow
from console.panes.base import Detail, Pane
from console.sanitize import clean, clean_block
from console.styles import BAD, MUTED, cell, status_style
from console.timeparse import ago
from console.widgets.keyed_table import Row
from probes.stack import StackSnapshot


class StackPane(Pane[StackSnapshot]):
    probe = "stack"
    title = "Stack"
    number = 1
    interval_s = 30.0
    columns = (("Time", 5), ("Resource", 18), ("Status: reason", None))

    def status_line(self, s: StackSnapshot) -> Text:
        text = Text(no_wrap=False)
        text.append(clean(s.name, limit=60), style="bold")
        text.append("  ")
        text.append(clean(s.status, limit=60), style=status_style(s.status))
        if s.last_updated:
            text.append(f"  updated {ago((utcnow() - s.last_updated).total_seconds())} ago",
                        style=MUTED)
        for failure in s.root_causes[:2]:
            text.append("\n✗ ", style=BAD)
            text.append(f"{clean(failure.logical_id, limit=40)} {clean(failure.status)}: ",
                        style=BAD)
            text.append(clean(failure.reason, limit=240))
        return text

    def rows(self, s: StackSnapshot) -> list[Row]:
        failures = {f.event_id for f in s.failures}
        rows = []
        for e in s.events:
            style = BAD if e.event_id in failures else ""
            status = Text(clean(e.status, limit=60), style=status_style(e.status),
                          no_wrap=True, overflow="ellipsis")
            if e.reason:
                status.append(": " + clean(e.reason, limit=300), style=style)
            rows.append(Row(e.event_id, (
                cell(f"{e.timestamp:%H:%M}", MUTED),
                cell(e.logical_id, style, 60),
                status,
            )))
        return rows

    def summary(self, s: StackSnapshot) -> Text:
        return Text(clean(s.status, limit=40), style=status_style(s.status))

    def detail(self, key: str) -> Detail | None:
        if self.data is None:
            return None
        event = next((e for e in self.data.events if e.event_id == key), None)
        if event is None:
            return None
        body = Text()
        for label, value in (("Time", f"{event.timestamp:%Y-%m-%d %H:%M:%S %Z}"),
                             ("Resource", event.logical_id),
                             ("Type", event.resource_type),
                             ("Physical id", event.physical_id),
                             ("Status", event.status)):
            body.append(f"{label:<12}", style="bold")
            body.append(clean(value, limit=500) + "\n")
        body.append("Reason\n", style="bold")
        body.append(clean_block(event.reason or "(none given)"))
        return Detail(f"Stack event: {clean(event.logical_id, limit=60)}", body)
