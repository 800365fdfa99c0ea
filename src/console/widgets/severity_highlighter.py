"""Colours a log line by how bad it looks, at render time (only visible lines pay)."""

from __future__ import annotations

from collections.abc import Callable

from rich.highlighter import Highlighter
from rich.text import Text

from console.severity import Severity, severity_of

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.ERROR: "red",
    Severity.WARNING: "yellow",
    Severity.CLIENT_ERROR: "magenta",
    Severity.DEBUG: "dim",
}


class SeverityHighlighter(Highlighter):
    """Style the message part of ``HH:MM:SS label message`` lines by severity, and the time
    dim. Optionally underline matches of a needle (the local filter)."""

    def __init__(self, prefix_width: int = 0,
                 severity: Callable[[str], Severity | None] = severity_of) -> None:
        self.prefix_width = prefix_width
        self.severity = severity
        self.needle: str = ""

    def highlight(self, text: Text) -> None:
        plain = text.plain
        if self.prefix_width:
            text.stylize("dim", 0, min(8, len(plain)))
        style = SEVERITY_STYLE.get(self.severity(plain[self.prefix_width:]))
        if style:
            text.stylize(style, self.prefix_width)
        if self.needle:
            lowered, needle = plain.lower(), self.needle.lower()
            start = lowered.find(needle)
            while start != -1:
                text.stylize("reverse", start, start + len(needle))
                start = lowered.find(needle, start + len(needle))
