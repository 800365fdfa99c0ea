"""Messages from the probe side to the UI: the only way data reaches a widget."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from probes.result import ProbeResult


class ProbeUpdated(Message):
    """A probe finished a collection (its data, or its classified error)."""

    def __init__(self, result: ProbeResult[Any]) -> None:
        super().__init__()
        self.result = result


class ProbeStarted(Message):
    """A probe began a collection: its pane shows "refreshing"."""

    def __init__(self, probe: str) -> None:
        super().__init__()
        self.probe = probe
