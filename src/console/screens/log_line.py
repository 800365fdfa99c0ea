"""One log event in full: its metadata with what the line says (format, its own timestamp,
level, message, fields: `console.log_parse`), and its whole message as logged (sanitised,
never cut; JSON pretty-printed, `J` for the raw line). The message sits in a `Log`, which
renders only the visible rows, so a 1 MB line opens without freezing the UI."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Log, Static

from console.log_parse import parse_line
from console.sanitize import clean, clean_block
from console.severity import severity_of
from console.tail.format import iso_ms, json_fields, plain_line
from probes.log_event import LogEvent

WRAP = 160  # characters a row of the message; the detail never scrolls sideways


def message_rows(message: str, pretty: bool = True) -> list[str]:
    """The message as sanitised rows of at most `WRAP` characters (JSON pretty-printed)."""
    text = message
    if pretty and json_fields(message) is not None:
        text = json.dumps(json.loads(message.strip()), indent=2, ensure_ascii=False)
    rows: list[str] = []
    for line in clean_block(text, limit=None).split("\n"):
        rows.extend(line[i:i + WRAP] for i in range(0, max(1, len(line)), WRAP))
    return rows


def metadata(event: LogEvent) -> Text:
    """Group, stream, times, id, severity; JSON level and message (all sanitised)."""
    body = Text()
    delay = (event.ingestion_time - event.timestamp) / 1000
    for label, value in (("Group", event.group), ("Stream", event.stream),
                         ("Timestamp", iso_ms(event.timestamp)),
                         ("Ingested", f"{iso_ms(event.ingestion_time)} (+{delay:.3f}s)"),
                         ("Event id", event.event_id),
                         ("Severity", severity_of(event.message[:4_000]).name),
                         ("Length", f"{len(event.message):,} characters"
                                    + ("  (arrived late)" if event.late else ""))):
        body.append(f"{label:<10}", style="bold")
        body.append(clean(value, limit=300) + "\n")
    parsed = parse_line(event.message[:20_000])
    if parsed.kind != "plain":  # what the line says, as the rows show it
        for label, value in (("Format", parsed.kind), ("Logged at", parsed.stamp),
                             ("Level", parsed.level), ("Message", parsed.message),
                             ("Fields", " ".join(f"{k}={v}" for k, v in parsed.fields))):
            if value:
                body.append(f"{label:<10}", style="bold")
                body.append(clean(value, limit=600) + "\n")
    return body


class LogLineScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    LogLineScreen { align: center middle; }
    LogLineScreen > #line-box {
        width: 96%; height: 92%; border: round $accent; background: $surface;
    }
    LogLineScreen #line-meta { height: auto; max-height: 14; padding: 0 1; }
    LogLineScreen #line-body { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="line.close"),
        Binding("y", "copy", "Copy", id="line.copy"),
        Binding("J", "toggle_json", "JSON raw/pretty", id="line.json"),
    ]

    def __init__(self, event: LogEvent, label: str | None = None) -> None:
        super().__init__()
        self.event = event
        self.label = label
        self.pretty = True

    def compose(self) -> ComposeResult:
        with Vertical(id="line-box") as box:
            box.border_title = "Log event"
            yield Static(metadata(self.event), id="line-meta")
            yield Log(id="line-body", max_lines=None)
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#line-body", Log).focus()

    def _fill(self) -> None:
        body = self.query_one("#line-body", Log)
        body.clear()
        body.write_lines(message_rows(self.event.message, self.pretty))
        body.scroll_home(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(plain_line(self.event, self.label, limit=100_000))
        self.notify("Copied the line (sanitised) to the clipboard", timeout=2, markup=False)

    def action_toggle_json(self) -> None:
        self.pretty = not self.pretty
        self._fill()
