"""Pane 1: the CloudFormation stack, its recent events, failures highlighted."""

from __future__ import annotations

from rich.text import Text

from console import clock
from console.panes.base import Detail, Pane, time_cells
from console.sanitize import clean, clean_block
from console.styles import BAD, MUTED, cell, status_style
from console.widgets.keyed_table import Row
from probes.stack import StackEvent, StackSnapshot


class StackPane(Pane[StackSnapshot]):
    probe = "stack"
    title = "Stack"
    number = 1
    interval_s = 30.0
    # The status is kept whole (as every pane's status and time columns are); the reason,
    # last, takes what is left and is cut at its end.
    columns = (("When (UTC)", 5, "time"), ("Resource", 18, "name"), ("Status", 15, "keep"),
               ("Reason", None))
    default_order = "newest first"
    ticking = True
    rows_in_view = True  # up to 200 events: the ages of those in view tick (PaneAges)

    def status_line(self, s: StackSnapshot) -> Text:
        text = Text(no_wrap=False)
        text.append(clean(s.name, limit=60), style="bold")
        text.append("  ")
        text.append(clean(s.status, limit=60), style=status_style(s.status))
        if s.last_updated:
            text.append(f"  updated {clock.when(s.last_updated)} UTC, "
                        f"{clock.age(s.last_updated)} ago", style=MUTED)
        # The root cause is the pane's point: shown whole (the dashboard gives it the room).
        for failure in s.root_causes[:2]:
            text.append("\n✗ ", style=BAD)
            text.append(f"{clean(failure.logical_id, limit=80)} {clean(failure.status)}: ",
                        style=BAD)
            text.append(clean(failure.reason, limit=1000))
        return text

    def rows(self, s: StackSnapshot, only: set[str] | None = None) -> list[Row]:
        """A row per event (`only`: per event of those ids, the rows in view). An event never
        changes: its cells are built once and kept while it is shown; only its time cells are
        computed again (the ages tick every second)."""
        failures = {f.event_id for f in s.failures}
        at = clock.now()
        kept = getattr(self, "_event_cells", {})
        fresh: dict[tuple, tuple[StackEvent, tuple[Text, Text, Text]]] = {}
        rows = []
        for e in s.events:
            if only is not None and e.event_id not in only:
                continue
            key = (e.event_id, e.event_id in failures, self.name_prefix)
            hit = kept.get(key)
            if hit is None or (hit[0] is not e and hit[0] != e):
                hit = (e, self._fixed_cells(e, key[1]))
            fresh[key] = hit
            cells = hit[1]
            when, age = time_cells(e.timestamp, at)
            rows.append(Row(e.event_id, (when, *cells),
                            search_text=f"{e.logical_id} {e.resource_type} {e.status} {e.reason}",
                            sort_keys=(e.timestamp, None, None, None), narrow=(age,),
                            copy_text=e.logical_id))
        if only is None:
            self._event_cells = fresh
        return rows

    def _fixed_cells(self, e: StackEvent, failed: bool) -> tuple[Text, Text, Text]:
        style = BAD if failed else ""
        status = Text(clean(e.status, limit=60), style=status_style(e.status), no_wrap=True)
        reason = Text(clean(e.reason, limit=300), style=style, no_wrap=True,
                      overflow="ellipsis")
        return cell(self.short(e.logical_id), style, 255), status, reason

    def summary(self, s: StackSnapshot) -> Text:
        return Text(clean(s.status, limit=40), style=status_style(s.status))

    def detail(self, key: str) -> Detail | None:
        if self.data is None:
            return None
        event = next((e for e in self.data.events if e.event_id == key), None)
        if event is None:
            return None
        body = Text()
        for label, value in (("Time", clock.iso(event.timestamp)),
                             ("Resource", event.logical_id),
                             ("Type", event.resource_type),
                             ("Physical id", event.physical_id),
                             ("Status", event.status)):
            body.append(f"{label:<12}", style="bold")
            body.append(clean(value, limit=500) + "\n")
        body.append("Reason\n", style="bold")
        body.append(clean_block(event.reason or "(none given)"))
        return Detail(f"Stack event: {clean(event.logical_id, limit=60)}", body)
