"""One line per pane in a strip, shown when only one pane fits (small terminals, zoom)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class SummaryStrip(Static):
    """``1 Stack OK │ 2 ECS 0/2 │ 3 Targets 0/2 …``: every pane's headline at a glance."""

    DEFAULT_CSS = """
    SummaryStrip { height: auto; max-height: 2; background: $boost; }
    """

    def show(self, items: list[tuple[str, Text, bool]]) -> None:
        """`items`: (key label, headline, is the active pane)."""
        text = Text(no_wrap=False, overflow="fold")
        for index, (label, headline, active) in enumerate(items):
            if index:
                text.append(" │ ", style="dim")
            text.append(label, style="reverse bold" if active else "bold")
            text.append(" ")
            text.append_text(headline)
        self.update(text)
