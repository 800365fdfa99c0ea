"""A table's rows and how its columns share the width (the data side of
`console.widgets.keyed_table.KeyedTable`, which imports everything here)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text

SHORT_COLUMN = 9
LAST_MIN = 12
LONG_MIN = 7
NARROW_TIME_LABEL = "Age"  # a time column's header when it shows ages only


@dataclass(frozen=True)
class Row:
    key: str
    cells: tuple[Text, ...]
    search_text: str = ""  # what `/` filters on (plain text of the whole row by default)
    # What `o` sorts on, per column (a time, an amount); None or missing: the cell's text.
    sort_keys: tuple[Any, ...] = ()
    # A narrower form of some cells (a time with its age -> the age alone), per column: shown
    # when the table is too narrow for the full forms.
    narrow: tuple[Text | None, ...] = ()
    copy_text: str = ""  # what `y` copies: the row's full name (its key when empty)

    def matches(self, needle: str) -> bool:
        haystack = self.search_text or " ".join(c.plain for c in self.cells)
        return needle.lower() in haystack.lower()

    def sort_key(self, column: int) -> tuple[int, Any]:
        value = self.sort_keys[column] if column < len(self.sort_keys) else None
        if value is None:
            value = self.cells[column].plain if column < len(self.cells) else ""
        if isinstance(value, str):
            try:
                return (0, float(value.replace(",", "")))
            except ValueError:
                return (1, value.lower())
        if hasattr(value, "timestamp"):
            return (0, value.timestamp())
        return (0, value)


def plan_widths(natural: Sequence[int], available: int,
                keep: frozenset[int] = frozenset()) -> list[int]:
    """The width of each column: every column but the last gets its `natural` (content) width
    while the last keeps `LAST_MIN`, and takes all that is left; when that does not fit,
    short columns (states, counts) and those in `keep` (times) keep theirs and the long ones
    shrink in proportion."""
    if not natural:
        return []
    head = list(natural[:-1])
    room = max(len(head) * 3, available - LAST_MIN)
    if sum(head) > room:
        kept = [w <= SHORT_COLUMN or i in keep for i, w in enumerate(head)]
        fixed = sum(w for w, k in zip(head, kept, strict=True) if k)
        long_total = sum(w for w, k in zip(head, kept, strict=True) if not k) or 1
        scale = max(0.0, room - fixed) / long_total
        head = [w if k else max(LONG_MIN, math.floor(w * scale))
                for w, k in zip(head, kept, strict=True)]
    return [*head, max(LAST_MIN, available - sum(head))]
