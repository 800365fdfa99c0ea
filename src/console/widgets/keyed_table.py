"""A DataTable that updates rows in place by key, so refreshes neither flicker nor move the
cursor off the row the operator is reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable

SHORT_COLUMN = 9


@dataclass(frozen=True)
class Row:
    key: str
    cells: tuple[Text, ...]
    search_text: str = ""  # what `/` filters on (plain text of the whole row by default)

    def matches(self, needle: str) -> bool:
        haystack = self.search_text or " ".join(c.plain for c in self.cells)
        return needle.lower() in haystack.lower()


class KeyedTable(DataTable):
    """Rows are identified by a stable key (event id, task id, target id...).

    `sync(rows)` applies a new list of rows: when the keys are the same and in the same order
    only the changed cells are updated; otherwise the table is rebuilt inside one batch and the
    cursor is put back on the row it was on.
    """

    DEFAULT_CSS = """
    KeyedTable { height: 1fr; overflow-x: hidden; }
    """

    def __init__(self, columns: Sequence[tuple[str, int | None]], **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._column_spec = list(columns)
        self._column_keys: list[str] = []
        self._shown: dict[str, tuple[Text, ...]] = {}
        self._order: list[str] = []

    def on_mount(self) -> None:
        for label, width in self._column_spec:
            # The key's value, not str(ColumnKey) (its repr): update_cell looks columns up by
            # value, and an in-place row update (an alarm's "For" ticking) crashed the app.
            self._column_keys.append(self.add_column(label, width=width, key=label).value or label)

    def on_resize(self) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """Fit the columns to the pane: the last column (a reason, a description) takes what
        is left, and when even the preferred widths do not fit, the other columns shrink in
        proportion. Long text is cut at the pane's edge, never scrolled sideways; Enter shows
        it whole."""
        if not self._column_keys or self.size.width <= 0:
            return
        columns = [self.columns[key] for key in self.columns]
        preferred = [width or 8 for _, width in self._column_spec[:-1]]
        available = self.size.width - 2 * self.cell_padding * len(columns) - 1
        last_min = 12
        room = max(len(preferred) * 3, available - last_min)
        if sum(preferred) > room:
            # Short columns (times, counts, states) keep their width; long ones give way.
            fixed = sum(w for w in preferred if w <= SHORT_COLUMN)
            long_total = sum(w for w in preferred if w > SHORT_COLUMN) or 1
            scale = max(0.0, room - fixed) / long_total
            preferred = [w if w <= SHORT_COLUMN else max(6, int(w * scale))
                         for w in preferred]
        widths = [*preferred, max(last_min, available - sum(preferred))]
        changed = False
        for column, width in zip(columns, widths, strict=False):
            if column.width != width or column.auto_width:
                column.auto_width = False
                column.width = width
                changed = True
        if changed:
            self._require_update_dimensions = True
            self.refresh()

    @property
    def cursor_key(self) -> str | None:
        if not self._order or not (0 <= self.cursor_row < len(self._order)):
            return None
        return self._order[self.cursor_row]

    def sync(self, rows: Sequence[Row]) -> None:
        keys = [r.key for r in rows]
        if keys == self._order:
            for row in rows:
                shown = self._shown.get(row.key)
                if shown == row.cells:
                    continue
                for column, cell in zip(self._column_keys, row.cells, strict=False):
                    self.update_cell(row.key, column, cell)
                self._shown[row.key] = row.cells
            return
        cursor_key = self.cursor_key
        cursor_row = self.cursor_row
        scroll_y = self.scroll_y
        with self.app.batch_update():
            self.clear()
            for row in rows:
                self.add_row(*row.cells, key=row.key)
            self._order = keys
            self._shown = {r.key: r.cells for r in rows}
            if cursor_key in keys:
                target = keys.index(cursor_key)
            else:
                target = min(cursor_row, len(keys) - 1)
            if target >= 0:
                self.move_cursor(row=target, animate=False, scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
            if target >= 0:
                self.move_cursor(row=target, animate=False, scroll=True)
