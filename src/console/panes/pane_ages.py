"""How a pane's ages keep ticking between results (`For`, `Age`, `Ran`, `Since`), cheaply.

A pane whose rows show ages redraws them as the screen's clock ticks. Most panes redraw every
row (every second for a hundred rows, less often for more, so ticking stays cheap). A pane that
can build just some of its rows (`rows_in_view = True`: its `rows(data, only=keys)`) redraws
only the rows in its table's view, every second, and the rows that come into view when the
table scrolls or grows, before they are drawn: at five hundred tasks, rebuilding every row
every five seconds was the largest part of the idle dashboard's CPU left (issue 12), and the
rows on screen were up to five seconds behind.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import ClassVar

from console import clock
from console.panes.pane_parts import PaneStatus
from console.widgets.keyed_table import KeyedTable

log = logging.getLogger(__name__)
AGE_ROWS_PER_S = 100.0  # rows whose ages are redrawn per second at most (all-rows panes)


class PaneAges:
    """The ages half of `Pane` (a mixin: the pane provides `data`, `rows`, `redraw`,
    `showing`, `shown_rows` and `probe`)."""

    ticking: ClassVar[bool] = False  # rows show ages: redrawn as the clock ticks
    rows_in_view: ClassVar[bool] = False  # `rows(data, only=keys)` builds just those rows
    ages_drawn_at: datetime | None

    def redraw_ages(self, now: datetime) -> None:
        """The clock ticked (every second): redraw the ages that are due."""
        if not (self.ticking and self.showing):
            return
        if self.rows_in_view and self.query(KeyedTable):
            self.ages_drawn_at = now
            self.redraw_rows_in_view()
        elif self._ages_due(now):
            self.redraw()

    def redraw_rows_in_view(self) -> None:
        """Build again only the rows in the table's view (their ages at the clock's now), and
        the status line (the ages of its events)."""
        if not (self.ticking and self.showing):
            return
        self.query_one(".pane-status", PaneStatus).restate(self.status_line(self.data))
        table = self.query_one(KeyedTable)
        keys = table.keys_in_view()
        if keys:
            table.update_rows(self.rows(self.data, only=set(keys)))

    def watch_table_view(self) -> None:
        """Called by the table when other rows come into view (scrolled, resized)."""
        try:
            self.redraw_rows_in_view()
        except Exception:  # a display bug: the next result says so in the pane
            log.exception("pane %s could not redraw the rows in view", self.probe)

    def _ages_due(self, now: datetime) -> bool:
        """Whether every row's ages are due a redraw: every second for a hundred rows, less
        often for more, so ticking stays cheap."""
        every = max(1.0, self.shown_rows / AGE_ROWS_PER_S)
        if self.ages_drawn_at is not None and \
                0 <= (now - self.ages_drawn_at).total_seconds() < every:
            return False
        self.ages_drawn_at = now
        return True

    def note_ages_drawn(self) -> None:
        """The rows just drawn carry their ages: the next are due from now."""
        if self.ticking:
            self.ages_drawn_at = clock.now()
