"""A row's detail: the full text (sanitised), scrollable, closed with Esc or q."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from console.panes.base import Detail
from console.sanitize import clean


class DetailScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    DetailScreen { align: center middle; }
    DetailScreen > #detail-box {
        width: 90%; max-width: 140; height: 85%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="detail.close"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, detail: Detail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-box") as box:
            box.border_title = Text(self.detail.title)
            yield Static(self.detail.body, id="detail-body")
            yield Static("", id="detail-extra")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-box").focus()
        if self.detail.kind == "alarm":
            self.load_datapoints()

    @work(exclusive=True)
    async def load_datapoints(self) -> None:
        """An alarm's recent datapoints, read when its detail opens (not on every refresh)."""
        from console.panes.costs import spark
        from probes.alarms import recent_datapoints
        from probes.errors import classify

        extra = self.query_one("#detail-extra", Static)
        alarm = self.detail.subject
        if alarm.composite:
            extra.update(Text("\nA composite alarm: its state comes from the alarms its rule "
                              "names; it has no datapoints of its own.", style="dim"))
            return
        extra.update(Text("\nRecent datapoints: loading…", style="dim"))
        try:
            points = await recent_datapoints(self.app.connection.ctx, alarm)
        except Exception as exc:  # noqa: BLE001 - shown, classified; the detail stays usable
            error = classify(exc, action="cloudwatch:GetMetricData" if alarm.metrics
                             and not alarm.metric else "cloudwatch:GetMetricStatistics")
            extra.update(Text(f"\nRecent datapoints: {clean(error.summary(), limit=200)}",
                              style="yellow"))
            return
        text = Text("\nRecent datapoints", style="bold")
        if not points:
            text.append(" (none in the last hour)\n", style="dim")
        else:
            threshold = alarm.threshold
            text.append(f"  {spark([p.value for p in points])}\n", style="cyan")
            for point in points[-12:]:
                over = threshold is not None and point.value > threshold
                text.append(f"  {point.timestamp:%H:%M} UTC  {point.value:>10.2f}",
                            style="bold red" if over else "")
                text.append("  > threshold\n" if over else "\n", style="red")
        extra.update(text)

    def action_close(self) -> None:
        self.dismiss(None)
