"""The header: environment, account, identity, region, read-only badge, UTC clock, verdict."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console import clock
from console.sanitize import clean
from console.widgets.incident_badge import IncidentBadge, incident_segment  # incident (issue 5)
from probes.identity import CallerIdentity
from probes.request_budget import holding_back_note  # economy (issue 12)
from probes.verdict import Level, Verdict

VERDICT_STYLE = {
    Level.OK: "bold black on green",
    Level.DEGRADED: "bold black on yellow",
    Level.DOWN: "bold white on red",
    Level.ATTENTION: "bold white on dark_orange3",
    Level.UNKNOWN: "bold black on grey70",
}


class StatusHeader(Static):
    """Two lines: who/where, then the verdict with its reasons."""

    DEFAULT_CSS = """
    StatusHeader { height: 2; background: $panel; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    verdict: reactive[Verdict | None] = reactive(None)
    identity: reactive[CallerIdentity | None] = reactive(None)
    incident: reactive[IncidentBadge | None] = reactive(None)  # the open incident (issue 5)

    def __init__(self, env_name: str, region: str, write: bool, endpoint: str | None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.env_name = env_name
        self.aws_region = region
        self.write = write
        self.endpoint = endpoint
        self.connection_note = "connecting…"

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def render(self) -> Text:
        now = clock.now()
        line = Text(no_wrap=True, overflow="ellipsis")
        # Most important first: a narrow terminal cuts from the right.
        line.append(f" {clean(self.env_name, limit=40)} ", style="bold")
        badge = " WRITE " if self.write else " READ-ONLY "
        line.append(badge, style="bold black on yellow" if self.write else "bold black on cyan")
        line.append(f" {now:%H:%M:%S} UTC  {clean(self.aws_region, limit=20)}")
        held = holding_back_note()  # the request budget is pacing or AWS throttled (issue 12)
        if held:
            line.append(f"  {clean(held, limit=160)} ", style="bold black on yellow")
        ident = self.identity
        if ident is not None and ident.account:
            line.append(f"  {clean(ident.account, limit=20)}")
            line.append(f"  {clean(ident.short, limit=60)}", style="dim")
        else:
            line.append(f"  {self.connection_note}", style="dim")
        if self.endpoint:
            line.append(f"  {clean(self.endpoint, limit=40)}", style="dim")
        verdict = self.verdict
        second = Text(no_wrap=True, overflow="ellipsis")
        if verdict is None:
            second.append(" … waiting for the first data ", style="dim")
        else:
            second.append(f" {verdict.level.value} ", style=VERDICT_STYLE[verdict.level])
            if verdict.level.priority:  # the guide's escalation level, in words too
                second.append(f" {verdict.level.priority}", style="bold")
        if self.incident is not None:  # incident (issue 5): right after the verdict
            second.append(" ").append_text(incident_segment(self.incident, now,
                                                            self.size.width))
        if verdict is not None and verdict.reasons:
            second.append(" " + clean(" · ".join(verdict.reasons), limit=300))
        both = Text("\n").join([line, second])
        both.no_wrap = True
        both.overflow = "ellipsis"
        return both
