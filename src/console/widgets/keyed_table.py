"""A DataTable that updates rows in place by key, so refreshes neither flicker nor move the
cursor off the row the operator is reading; its columns are sized to their content and it sorts
by the focused column (issue 11 points 2 and 3).

Columns are ``(label, width)`` or ``(label, width, kind)``: `width` is a hint kept for
callers, the widths shown are measured from the rows. Every column but the last gets what its
content needs while the last one (a reason, a description) keeps at least `LAST_MIN`; when
even that does not fit, the long columns give way in proportion. A ``"time"`` or ``"keep"``
column is never cut (a time or a status cut in half tells nothing): when the table is too
narrow, the rows' `narrow` forms replace the full ones (``2026-11-19 03:20 9d22h`` ->
``9d22h``). A ``"name"`` column is cut in the middle (the tail tells names apart), the others
at their end; Enter shows a row whole.

Left/Right focus a column (its header is underlined); `o` sorts by it, `o` again reverses,
`O` goes back to the pane's own order. The choice stays with the table (one per pane). `y`
copies the highlighted row's full name (tables show it shortened).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from console.names import middle_cut
from console.widgets.table_rows import (  # noqa: F401  (re-exported: the panes' import)
    LAST_MIN,
    LONG_MIN,
    NARROW_TIME_LABEL,
    SHORT_COLUMN,
    Row,
    plan_widths,
)
from console.widgets.table_sync import RowSync

CELL_WIDTH = attrgetter("cell_len")

class KeyedTable(RowSync, DataTable):
    """Rows are identified by a stable key (event id, task id, target id...).

    `sync(rows)` applies a new list of rows, changing only what changed (`table_sync`): the
    cells that differ, the rows that came or went, their order; the cursor stays on its row.
    """

    DEFAULT_CSS = """
    KeyedTable { height: 1fr; overflow-x: hidden; }
    """
    BINDINGS = [
        Binding("left", "focus_column(-1)", "Previous column", show=False,
                id="table.column_left"),
        Binding("right", "focus_column(1)", "Next column", show=False,
                id="table.column_right"),
        Binding("o", "sort", "Sort by column", show=False, id="table.sort"),
        Binding("O", "default_order", "Default order", show=False, id="table.default_order"),
        Binding("y", "copy_row", "Copy name", show=False, id="table.copy"),
    ]

    class SortChanged(Message):
        """The table's order changed (`o`/`O`): the pane restates it in its header."""

        def __init__(self, table: KeyedTable) -> None:
            super().__init__()
            self.table = table

    def __init__(self, columns: Sequence[tuple], **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._labels = [spec[0] for spec in columns]
        kinds = [spec[2] if len(spec) > 2 else "" for spec in columns]
        self._name_columns = {i for i, kind in enumerate(kinds) if kind == "name"}
        self._kept_columns = frozenset(i for i, kind in enumerate(kinds)
                                       if kind in ("time", "keep"))
        self._column_keys: list[str] = []
        self._rows: list[Row] = []  # as given, in the pane's order
        self._shown: dict[str, tuple[Text, ...]] = {}
        self._order: list[str] = []
        self._widths: list[int] = []
        self._narrowed: frozenset[int] = frozenset()
        self._was_narrowed = False
        self.focused_column = 0
        self.sort_column: int | None = None
        self.sort_reverse = False

    def on_mount(self) -> None:
        for label in self._labels:
            # The key's value, not str(ColumnKey) (its repr): update_cell looks columns up by
            # value, and an in-place row update (an alarm's "For" ticking) crashed the app.
            self._column_keys.append(self.add_column(label, width=len(label), key=label).value
                                     or label)
        self._label_columns()

    # ---------------------------------------------------------------- widths
    def on_resize(self) -> None:
        self.fit_columns()
        if self.view_moved is not None:  # more (or other) rows in view
            self.view_moved()

    def natural_widths(self, narrowed: frozenset[int] = frozenset()) -> list[int]:
        """What each column's content needs: its widest cell, or its header."""
        widths = [len(self._label(i, narrowed)) + 1  # room for the sort arrow
                  for i in range(len(self._labels))]
        forms = [self._forms(row, narrowed) for row in self._rows]
        for i in range(len(widths)):  # column by column: a thousand rows on every redraw
            column = [cells[i] for cells in forms if i < len(cells)]
            if column:
                widths[i] = max(widths[i], *map(CELL_WIDTH, column))
        return widths

    @staticmethod
    def _forms(row: Row, narrowed: frozenset[int]) -> tuple[Text, ...]:
        if not narrowed or not row.narrow:
            return row.cells
        return tuple(row.narrow[i] if i in narrowed and i < len(row.narrow)
                     and row.narrow[i] is not None else c for i, c in enumerate(row.cells))

    def fit_columns(self) -> None:
        if not self._column_keys or self.size.width <= 0:
            return
        available = self.size.width - 2 * self.cell_padding * len(self._column_keys) - 1
        natural = self.natural_widths()
        narrowed: frozenset[int] = frozenset()
        if sum(natural[:-1]) + LAST_MIN > available:
            narrowed = frozenset(i for row in self._rows for i, form in enumerate(row.narrow)
                                 if form is not None)
            natural = self.natural_widths(narrowed) if narrowed else natural
        if narrowed != self._narrowed:
            self._narrowed = narrowed
            self._widths = []  # every row is shown again in its new form
            self._label_columns()
        widths = plan_widths(natural, available, self._kept_columns)
        changed = False
        for key, width in zip(self._column_keys, widths, strict=False):
            column = self.columns[key]  # type: ignore[index]
            if column.width != width or column.auto_width:
                column.auto_width = False
                column.width = width
                changed = True
        if widths != self._widths:
            self._widths = widths
            self._refresh_cut_cells()
        if changed:
            self._require_update_dimensions = True
            self.refresh()

    def _cut(self, row: Row) -> tuple[Text, ...]:
        """The row's cells as shown: narrow forms where the table is narrow, name cells cut in
        the middle to their column's width (Rich cuts the others at their end)."""
        cells = self._forms(row, self._narrowed)
        if not self._name_columns or not self._widths:
            return cells
        out = list(cells)
        for i in self._name_columns:
            if i < len(out) and i < len(self._widths) and out[i].cell_len > self._widths[i]:
                original = out[i]
                out[i] = Text(middle_cut(original.plain, self._widths[i]), style=original.style,
                              no_wrap=True, overflow="ellipsis")
        return tuple(out)

    def _refresh_cut_cells(self) -> None:
        if not self._name_columns and not self._narrowed and not self._was_narrowed:
            return
        self._was_narrowed = bool(self._narrowed)
        for row in self._rows:
            if row.key in self._shown:
                self._update_row(row)

    # ---------------------------------------------------------------- sorting
    def _label(self, column: int, narrowed: frozenset[int]) -> str:
        return NARROW_TIME_LABEL if column in narrowed else self._labels[column]

    def _label_columns(self) -> None:
        for i, key in enumerate(self._column_keys):
            label = Text(self._label(i, self._narrowed))
            if i == self.sort_column:
                label.append("▼" if self.sort_reverse else "▲")
            if i == self.focused_column and self.has_focus:
                label.stylize("underline")
            self.columns[key].label = label  # type: ignore[index]
        self._require_update_dimensions = True
        self.refresh()

    def on_focus(self) -> None:
        if self._column_keys:
            self._label_columns()

    def on_blur(self) -> None:
        if self._column_keys:
            self._label_columns()

    @property
    def order_label(self) -> str:
        """``Alarm ▲`` when sorted by a column; "" in the pane's own order."""
        if self.sort_column is None:
            return ""
        return f"{self._labels[self.sort_column]} {'▼' if self.sort_reverse else '▲'}"

    def action_focus_column(self, step: int) -> None:
        if self._labels:
            self.focused_column = (self.focused_column + step) % len(self._labels)
            self._label_columns()

    def action_sort(self) -> None:
        """Sort by the focused column; again on the same column: reverse."""
        if self.sort_column == self.focused_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = self.focused_column, False
        self._resort()

    def action_default_order(self) -> None:
        self.sort_column, self.sort_reverse = None, False
        self._resort()

    def _resort(self) -> None:
        self._label_columns()
        self.sync(self._rows)
        self.post_message(self.SortChanged(self))

    def ordered(self, rows: Sequence[Row]) -> list[Row]:
        if self.sort_column is None:
            return list(rows)
        column = self.sort_column
        return sorted(rows, key=lambda r: r.sort_key(column), reverse=self.sort_reverse)

    def action_copy_row(self) -> None:
        from console.sanitize import clean

        row = next((r for r in self._rows if r.key == self.cursor_key), None)
        if row is None:
            self.app.notify("Nothing to copy: the table is empty", markup=False)
            return
        text = row.copy_text or row.key
        self.app.copy_to_clipboard(text)
        self.app.notify(f"Copied {clean(text, limit=120)}", markup=False)
