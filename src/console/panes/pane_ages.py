"""How a pane's ages keep ticking between results (`For`, `Age`, `Ran`, `Since`), cheaply.

A pane whose rows show ages redraws them as the screen's clock ticks: every second for a
hundred rows, less often for more (five hundred tasks: every five seconds), so ticking stays
cheap (each redraw repaints the whole table: Textual's DataTable drops every cell's render
cache on any cell update; ticking five hundred tasks' ages every second cost more than the
rows it saved building). A pane that can build just some of its rows (`rows_in_view = True`:
its `rows(data, only=keys)`) builds only the rows in its table's view then, and the rows that
come into view when the table scrolls or grows, before they are drawn (they showed ages up to
five seconds old): at five hundred tasks, building every row for each redraw was the largest
part of the idle dashboard's CPU left (issue 12).
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
        """The clock ticked (every second): redraw the ages when they are due."""
        if not (self.ticking and self.showing):
            return
        if not self._ages_due(now):
            return
        if self.rows_in_view and self.query(KeyedTable):
            self.redraw_rows_in_view()
        else:
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
        """Whether the ages are due a redraw: every second for a hundred rows, less often for
        more (the table's rows, in view or not: a redraw repaints the whole table)."""
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
