"""The app's side of the Metrics & Changes screen (issue 13): the metrics probe's last result,
the changes to mark, and wider windows fetched when the screen zooms out past 3 hours.

The probe's result reaches here from the scheduler like every other (`observe`), and every open
Metrics screen is told; nothing else asks CloudWatch for the 3-hour series. `changes_provider`
is how the app hands the screen its ChangeEntry list for a time range (the changes timeline
sets it); until then it gives none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from probes.change_entry import ChangeEntry
from probes.metric_series import MetricsSnapshot
from probes.result import ProbeResult

if TYPE_CHECKING:
    from probes.metrics import MetricsProbe

WIDE_PERIOD_S = 300  # windows over 3 h: 5-minute points
ChangesProvider = Callable[[datetime, datetime], Sequence[ChangeEntry]]


def no_changes(start: datetime, end: datetime) -> Sequence[ChangeEntry]:
    return ()


class MetricsView:
    """The last metrics result and the screen's data sources."""

    def __init__(self, app: Any, probe: MetricsProbe | None) -> None:
        self.app = app
        self.probe = probe
        self.result: ProbeResult[MetricsSnapshot] | None = None
        self.snapshot: MetricsSnapshot | None = None  # the last good one
        self.changes_provider: ChangesProvider = no_changes

    def observe(self, result: ProbeResult[Any]) -> None:
        if result.probe != "metrics":
            return
        self.result = result
        if result.ok and result.data is not None:
            self.snapshot = result.data
        from console.screens.metrics import MetricsScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, MetricsScreen):
                screen.data_changed()

    def changes(self, start: datetime, end: datetime) -> Sequence[ChangeEntry]:
        return sorted(self.changes_provider(start, end), key=lambda e: e.at)

    async def fetch_window(self, span: timedelta) -> MetricsSnapshot:
        """`span` of every signal up to the last snapshot's end (one GetMetricData)."""
        if self.probe is None:
            raise RuntimeError("no metrics probe")
        end = self.snapshot.end if self.snapshot else None
        if end is None:
            from probes.metrics import window_end

            end = window_end(self.probe.clock())
        period_s = 60 if span <= timedelta(hours=3) else WIDE_PERIOD_S
        return await self.probe.collect_window(end - span, end, period_s)

    def open(self) -> None:
        from console.screens.metrics import MetricsScreen

        self.app.push_screen(MetricsScreen(self))
