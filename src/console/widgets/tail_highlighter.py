"""Colours a row of the log view at render time (only visible rows pay): dim time, the
group's own colour on its label, a marker for late and context rows, the message by
severity (an access row by its HTTP status), and the local filter's matches in reverse
video. Knows the row layout of `console.log_rows.view_lines`, with or without the time."""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text

from console.log_rows import row_severity
from console.tail.filters import LineFilter
from console.tail.format import CONTEXT_MARK, LABEL_WIDTH, LATE_MARK
from console.widgets.severity_highlighter import SEVERITY_STYLE

GROUP_COLOURS = ("cyan", "green", "magenta", "bright_blue", "yellow", "bright_cyan",
                 "bright_green", "bright_magenta")


class TailHighlighter(Highlighter):
    """`time_width`: 8 while rows start with the time, 0 when the time column is hidden."""

    def __init__(self) -> None:
        self.labelled = False
        self.label_styles: dict[str, str] = {}
        self.filter = LineFilter("")
        self.time_width = 8

    def set_groups(self, labels: dict[str, str]) -> None:
        self.labelled = len(labels) > 1
        self.label_styles = {label[:LABEL_WIDTH]: GROUP_COLOURS[i % len(GROUP_COLOURS)]
                             for i, label in enumerate(labels.values())}

    @property
    def prefix_width(self) -> int:
        return self.time_width + 1 + (LABEL_WIDTH + 1 if self.labelled else 0) + 9

    def highlight(self, text: Text) -> None:
        plain = text.plain
        at = self.time_width  # where the mark is
        if len(plain) <= at or plain == "--":
            text.stylize("dim")
            return
        text.stylize("dim", 0, at)
        mark = plain[at]
        if mark == LATE_MARK:
            text.stylize("bold yellow", at, at + 1)
        position = at + 1
        if self.labelled:
            label = plain[position:position + LABEL_WIDTH].rstrip()
            style = self.label_styles.get(label)
            if style:
                text.stylize(style, position, position + LABEL_WIDTH)
            position += LABEL_WIDTH + 1
        text.stylize("dim", position, position + 8)
        start = self.prefix_width
        if mark == CONTEXT_MARK:
            text.stylize("dim", start)
        else:
            style = SEVERITY_STYLE.get(row_severity(plain[start:]))
            if style:
                text.stylize(style, start)
        for begin, end in self.filter.spans(plain[start:]):
            text.stylize("reverse", start + begin, start + end)
