"""A row's detail: the full text (sanitised), scrollable, closed with Esc or q."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from console.panes.base import Detail


class DetailScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    DetailScreen { align: center middle; }
    DetailScreen > #detail-box {
        width: 90%; max-width: 140; height: 85%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="detail.close"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, detail: Detail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-box") as box:
            box.border_title = Text(self.detail.title)
            yield Static(self.detail.body, id="detail-body")
            yield Static("", id="detail-extra")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)
