"""How a `KeyedTable` takes a new list of rows (`RowSync.sync`), moving as little as it can.

- The same keys in the same order: only the cells that changed are updated.
- A few rows came or went (a crash loop: ten tasks stop and ten replace them every poll, among
  five hundred): those rows are removed and added, the kept rows' changed cells updated, and
  the rows put in the new order; the cursor stays on the row it was on. Building all five
  hundred rows again, and measuring every cell of each, was the largest part of the idle
  dashboard's CPU in a crash loop (issue 12).
- Otherwise (most rows differ: a filter typed, another service) the table is rebuilt in one
  batch, the cursor put back on its row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text

from console.widgets.table_rows import Row

# Rows removed one by one at most: each removal renumbers every row (Textual's remove_row), so
# past this a rebuild is cheaper.
MOVE_AT_MOST = 64


class RowSync:
    """The row-syncing half of `KeyedTable` (a mixin of a Textual `DataTable`, which provides
    `add_row`, `remove_row`, `update_cell`, `sort`, `clear` and the cursor)."""

    _order: list[str]  # the keys shown, top to bottom
    _shown: dict[str, tuple[Text, ...]]  # the cells shown, by key
    _column_keys: list[str]
    _widths: list[int]  # each column's width, as shown
    # Called when other rows come into view (scrolled, resized): the pane draws their ages.
    view_moved: Callable[[], None] | None = None

    @property
    def cursor_key(self) -> str | None:
        if not self._order or not (0 <= self.cursor_row < len(self._order)):
            return None
        return self._order[self.cursor_row]

    def sync(self, rows: Sequence[Row]) -> None:
        self._rows = list(rows)
        if self._column_keys:
            self.fit_columns()
        rows = self.ordered(rows)
        keys = [r.key for r in rows]
        if keys == self._order:
            for row in rows:
                self._update_row(row)
            return
        wanted = set(keys)
        gone = [key for key in self._order if key not in wanted]
        kept = len(self._order) - len(gone)
        if self._order and len(gone) <= MOVE_AT_MOST and kept * 2 >= len(keys) \
                and len(wanted) == len(keys):
            self._move_rows(rows, keys, gone)
        else:
            self._rebuild(rows, keys)

    def update_rows(self, rows: Sequence[Row]) -> None:
        """New forms of some of the rows shown (their ages, at the clock's now): their changed
        cells are updated, the others left as they are; columns are fitted again only when
        a cell no longer fits its column (the last one, a reason, is cut to fit anyway)."""
        where = {r.key: i for i, r in enumerate(self._rows)}
        wider = False
        for row in rows:
            if row.key not in where or row.key not in self._shown:
                continue
            self._rows[where[row.key]] = row
            self._update_row(row)
            wider = wider or any(cell.cell_len > width for cell, width in
                                 zip(self._shown[row.key], self._widths[:-1], strict=False))
        if wider:
            self.fit_columns()

    def keys_in_view(self) -> list[str]:
        """The keys of the rows the table's view shows now, top to bottom."""
        top = max(0, int(self.scroll_y))
        header = self.header_height if self.show_header else 0
        return self._order[top:top + max(0, self.size.height - header)]

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value) and self.view_moved is not None:
            self.view_moved()

    def _update_row(self, row: Row) -> None:
        cells = self._cut(row)
        shown = self._shown.get(row.key)
        if shown == cells:
            return
        held = []  # the cell objects the table holds now (`_move_rows` finds rows by them)
        for i, (column, cell) in enumerate(zip(self._column_keys, cells, strict=False)):
            if shown is None or i >= len(shown) or shown[i] != cell:
                self.update_cell(row.key, column, cell)
                held.append(cell)
            else:
                held.append(shown[i])
        self._shown[row.key] = tuple(held)

    def _move_rows(self, rows: list[Row], keys: list[str], gone: list[str]) -> None:
        """Remove the rows that went, add the new ones, update the kept ones' changed cells,
        then put every row in its place."""
        cursor_key = self.cursor_key
        with self.app.batch_update():
            for key in gone:
                self.remove_row(key)
                del self._shown[key]
            for row in rows:
                if row.key in self._shown:
                    self._update_row(row)
                else:
                    cells = self._cut(row)
                    self.add_row(*cells, key=row.key)
                    self._shown[row.key] = cells
            # Textual's own sort, keyed by where each row's first cell (the object the table
            # holds, kept in `_shown`) belongs.
            place = {id(self._shown[key][0]): i for i, key in enumerate(keys)}
            if len(place) == len(keys):
                self.sort(self._column_keys[0], key=lambda first: place[id(first)])
                self._order = keys
            else:  # two rows share a first cell object: no way to tell them apart
                self._rebuild(rows, keys)
                return
            if cursor_key in keys:
                self.move_cursor(row=keys.index(cursor_key), animate=False, scroll=True)

    def _rebuild(self, rows: list[Row], keys: list[str]) -> None:
        cursor_key = self.cursor_key
        cursor_row = self.cursor_row
        scroll_y = self.scroll_y
        with self.app.batch_update():
            self.clear()
            self._shown = {}
            for row in rows:
                cells = self._cut(row)
                self.add_row(*cells, key=row.key)
                self._shown[row.key] = cells
            self._order = keys
            if cursor_key in keys:
                target = keys.index(cursor_key)
            else:
                target = min(cursor_row, len(keys) - 1)
            if target >= 0:
                self.move_cursor(row=target, animate=False, scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
            if target >= 0:
                self.move_cursor(row=target, animate=False, scroll=True)
