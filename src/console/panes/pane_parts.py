"""The parts of a dashboard pane that are not the pane itself: what Enter opens (`Detail`),
the time cells of its tables, its action keys, how it states an error, its row filter and its
status line.

The status line is redrawn only when what it says changed: a `Static.update` lays out the
whole screen again (its height may change), and the panes restate their status on every
redraw, every second for the panes that show ages (issue 12: idle CPU at 1,000 tasks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding
from textual.visual import visualize
from textual.widgets import Input, Static

from console import clock
from probes.errors import ErrorKind, ProbeError


@dataclass(frozen=True)
class Detail:
    """What Enter on a row opens: a title and a body (already sanitised)."""

    title: str
    body: RenderableType
    kind: str = ""  # e.g. "alarm": lets the detail screen fetch more (datapoints)
    subject: Any = None


def time_cells(moment: datetime | None, at: datetime | None = None) -> tuple[Text, Text]:
    """A table's time (issue 11 point 4): ``03:20 26m`` today, ``2026-11-19 03:20 9d22h``
    another day (UTC, then the age), and the narrow form shown when the pane is narrow: the
    age alone. `at`: now (read once for a whole table)."""
    at = at or clock.now()
    age = clock.age(moment, at)
    full = Text(clock.when(moment, at), style="dim", no_wrap=True, overflow="ellipsis")
    if moment is not None:
        full.append(f" {age}", style="")
    return full, Text(age, no_wrap=True, overflow="ellipsis")


def action_bindings(pane: str) -> list[Binding]:
    """The keys of the actions that belong to `pane` (see console.actions)."""
    from console.actions import actions_for_pane

    return [Binding(cls.key, f"act('{cls.id}')", cls.title, id=f"action.{cls.id}",
                    show=False) for cls in actions_for_pane(pane) if cls.key]


def error_text(error: ProbeError | None) -> Text:
    """A probe's error as the pane states it: the summary, AWS's message, the fix."""
    if error is None:
        return Text("")
    from console.sanitize import clean

    text = Text()
    text.append(f"⚠ {clean(error.summary(), limit=200)}", style="bold")
    if error.message and error.message not in error.summary():
        text.append(f" — {clean(error.message, limit=300)}")
    text.append(f"\n  fix: {clean(error.fix, limit=300)}")
    if error.kind is ErrorKind.CREDENTIALS and error.refreshable:
        text.append(", then press r")  # only the dashboard has r (errors helper)
    return text


def same_text(a: object, b: object) -> bool:
    """Whether two renderables would draw the same: equal Texts (characters, spans, style and
    layout options); anything that is not a Text is never taken for unchanged."""
    if not (isinstance(a, Text) and isinstance(b, Text)):
        return False
    return (a == b and a.style == b.style and a.justify == b.justify
            and a.overflow == b.overflow and a.no_wrap == b.no_wrap and a.end == b.end)


class PaneStatus(Static):
    """A pane's status line (counts, deployments, the newest events). `restate` updates it
    only when its text changed; an update lays the screen out again only when the line's
    height changed (a layout is the whole screen's: an age ticking in the line, or the Logs
    pane's count on every poll, would otherwise lay out the screen every second or two)."""

    def __init__(self, content: RenderableType = "", **kwargs) -> None:
        super().__init__(content, **kwargs)
        self.shown: RenderableType = content

    def update(self, content: RenderableType = "", *, layout: bool | None = None) -> None:
        if layout is None:
            before = self.height_for(self.shown)
            layout = before is None or self.height_for(content) != before
        self.shown = content
        super().update(content, layout=layout)

    def height_for(self, content: RenderableType) -> int | None:
        """The lines `content` takes at the line's width (as Textual lays it out); None
        before the line has a width (not laid out yet, or hidden)."""
        width = self.content_size.width
        if width <= 0:
            return None
        return visualize(self, content, markup=self._render_markup).get_height(self.styles,
                                                                          width)

    def restate(self, content: RenderableType) -> None:
        if not same_text(content, self.shown):
            self.update(content)


class RowFilter:
    """`/` in a pane (a mixin of `Pane`, which has `filter_text`, `redraw` and `body`): typing
    narrows the rows at once, Enter goes back to them, Esc clears the filter."""

    def start_filter(self) -> None:
        self.add_class("-filtering")
        field = self.query_one(Input)
        field.value = self.filter_text
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value.strip()
        self.redraw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.body.focus()
        if not self.filter_text:
            self.remove_class("-filtering")

    def clear_filter(self) -> bool:
        """Esc: clear an active filter. Returns False when there was none."""
        if not self.has_class("-filtering"):
            return False
        self.filter_text = ""
        self.query_one(Input).value = ""
        self.remove_class("-filtering")
        self.redraw()
        self.body.focus()
        return True
