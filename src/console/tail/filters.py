"""Client-side filters of the tail: a substring or ``/regex/``, inverted or not, with `N`
lines of context around each match (like grep -C), applied incrementally as events arrive."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class LineFilter:
    """``text`` matches case-insensitively as a substring; ``/text/`` as a regular expression.
    `error` says why a regex could not be used (the filter then matches as a substring)."""

    def __init__(self, text: str, *, invert: bool = False) -> None:
        self.text = text
        self.invert = invert
        self.error: str | None = None
        self._pattern: re.Pattern[str] | None = None
        body = text[1:-1] if len(text) >= 2 and text.startswith("/") and text.endswith("/") \
            else None
        if body is not None:
            try:
                self._pattern = re.compile(body, re.IGNORECASE)
            except re.error as exc:
                self.error = f"not a valid regular expression: {exc}"
        self._needle = text.lower()

    @property
    def active(self) -> bool:
        return bool(self.text)

    @property
    def is_regex(self) -> bool:
        return self._pattern is not None

    def matches(self, text: str) -> bool:
        """Whether `text` contains the pattern (before inversion)."""
        if self._pattern is not None:
            return self._pattern.search(text) is not None
        return self._needle in text.lower()

    def wanted(self, text: str) -> bool:
        """Whether a line passes the filter (inversion applied); everything passes when empty."""
        if not self.text:
            return True
        return self.matches(text) != self.invert

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the pattern occurs in `text` (for highlighting)."""
        if not self.text or self.invert:
            return []
        if self._pattern is not None:
            return [m.span() for m in self._pattern.finditer(text) if m.end() > m.start()][:50]
        found, lowered, start = [], text.lower(), 0
        while len(found) < 50:
            start = lowered.find(self._needle, start)
            if start < 0:
                break
            found.append((start, start + len(self._needle)))
            start += len(self._needle)
        return found


class ContextSelector(Generic[T]):
    """Feeds items in order; yields the wanted ones, `context` items before and after each,
    and None where a gap separates two runs (grep's ``--``). Keeps only `context` items."""

    def __init__(self, wanted: Callable[[T], bool], context: int = 0) -> None:
        self.wanted = wanted
        self.context = max(0, context)
        self._before: deque[tuple[int, T]] = deque(maxlen=self.context or 1)
        self._after = 0
        self._index = 0
        self._last: int | None = None

    def feed(self, items: Iterable[T]) -> list[tuple[T | None, bool]]:
        """(item, is_context) pairs to show, with (None, False) for a separator."""
        out: list[tuple[T | None, bool]] = []
        for item in items:
            index = self._index
            self._index += 1
            if self.wanted(item):
                run = list(self._before) if self.context else []
                self._before.clear()
                first = run[0][0] if run else index
                if self.context and self._last is not None and first > self._last + 1:
                    out.append((None, False))
                out.extend((before, True) for _, before in run)
                out.append((item, False))
                self._last = index
                self._after = self.context
            elif self._after > 0:
                out.append((item, True))
                self._last = index
                self._after -= 1
            elif self.context:
                self._before.append((index, item))
        return out
