"""Pane 5: CloudWatch alarms, ALARM first, with reason and how long."""

from __future__ import annotations

from rich.text import Text

from console import clock
from console.panes.base import Detail, Pane, action_bindings
from console.sanitize import clean, clean_block
from console.styles import BAD, GOOD, MUTED, cell, status_cell
from console.widgets.keyed_table import Row
from probes.alarms import STATE_ORDER, Alarm, AlarmsSnapshot


def _for(alarm: Alarm) -> str:
    """How long the alarm has been in its state: ticks with the clock."""
    return clock.age(alarm.since)


class AlarmsPane(Pane[AlarmsSnapshot]):
    probe = "alarms"
    title = "Alarms"
    number = 5
    interval_s = 30.0
    BINDINGS = action_bindings("alarms")  # issue 5: N test notification, M test metric, s state
    columns = (("State", 9, "keep"), ("Alarm", 30, "name"), ("For", 6), ("Reason", None))
    default_order = "ALARM first, newest"
    ticking = True

    def status_line(self, s: AlarmsSnapshot) -> Text:
        firing = len(s.firing)
        text = Text(f"{firing} in ALARM", style=BAD if firing else GOOD)
        text.append(f" of {len(s.alarms)}", style=MUTED)
        return text

    def rows(self, s: AlarmsSnapshot) -> list[Row]:
        now = clock.now()
        return [Row(a.name, (
            status_cell(a.state),
            cell(self.short(a.name), BAD if a.firing else "", 255),
            cell(_for(a)),
            cell(a.reason, "", 300),
        ), search_text=f"{a.state} {a.name} {a.reason}", copy_text=a.name, sort_keys=(
            STATE_ORDER.get(a.state, 3), None,
            (now - a.since).total_seconds() if a.since else -1.0, None,
        )) for a in s.alarms]

    def summary(self, s: AlarmsSnapshot) -> Text:
        firing = len(s.firing)
        return Text(f"{firing} ALARM" if firing else "all OK", style=BAD if firing else GOOD)

    def subject(self) -> Alarm | None:
        """The highlighted alarm: what "set an alarm's state" (s) acts on."""
        key = self.body.cursor_key if self.data is not None else None
        return self.alarm(key) if key else None

    def alarm(self, key: str) -> Alarm | None:
        if self.data is None:
            return None
        return next((a for a in self.data.alarms if a.name == key), None)

    def detail(self, key: str) -> Detail | None:
        a = self.alarm(key)
        if a is None:
            return None
        body = Text()
        dims = ", ".join(f"{k}={v}" for k, v in a.dimensions) or "-"
        for label, value in (("Alarm", a.name), ("State", f"{a.state} for {_for(a)}"),
                             ("Since", clock.iso(a.since)),
                             ("Condition", a.condition), ("Namespace", a.namespace),
                             ("Dimensions", dims), ("Actions", ", ".join(a.actions) or
                                                    "none (nobody is notified)"),
                             ("Description", a.description)):
            body.append(f"{label:<12}", style="bold")
            body.append(clean(str(value or "-"), limit=600) + "\n")
        body.append("Reason\n", style="bold")
        body.append(clean_block(a.reason or "-"))
        return Detail(f"Alarm {clean(a.name, limit=60)}", body, kind="alarm", subject=a)
