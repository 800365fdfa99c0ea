"""`v`: the raw JSON of the highlighted resource, as AWS describes it now.

Read-only text with line numbers: arrows, PgUp/PgDn, Home/End scroll; `/` searches (case
insensitive), `n`/`N` go to the next/previous match; `c` copies the whole JSON (OSC 52 through
Textual) and says so; Esc closes. The JSON is fetched once when the screen opens (see
`console.raw_json`); a failed read is said in one line with AWS's own reason.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TextArea
from textual.widgets.text_area import Selection

from console.raw_json import RawRequest, fetch_raw, to_json
from console.sanitize import clean, clean_block


class RawJsonScreen(Screen[None]):
    DEFAULT_CSS = """
    RawJsonScreen #json-status { height: auto; max-height: 3; padding: 0 1; }
    RawJsonScreen TextArea { height: 1fr; }
    RawJsonScreen #json-search { display: none; height: 3; }
    RawJsonScreen.-searching #json-search { display: block; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="json.back"),
        Binding("slash", "search", "Search", id="json.search"),
        Binding("n", "next_match(1)", "Next match", id="json.next"),
        Binding("N", "next_match(-1)", "Previous match", show=False, id="json.previous"),
        Binding("c", "copy", "Copy JSON", id="json.copy"),
    ]

    def __init__(self, request: RawRequest) -> None:
        super().__init__()
        self.request = request
        self.text = ""
        self.needle = ""
        self.matches: list[tuple[int, int]] = []
        self.current = -1

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{clean(self.request.title, limit=150)}: reading…", style="dim"),
                     id="json-status")
        yield TextArea("", read_only=True, show_line_numbers=True, soft_wrap=False,
                       id="json-text")
        yield Input(placeholder="search the JSON (Enter: first match, Esc: close)",
                    id="json-search")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.run_worker(self._load(), exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        from probes.errors import classify

        try:
            value = await fetch_raw(self.app.connection.ctx, self.request)
        except LookupError as exc:
            self._say(Text(f"{clean(self.request.title, limit=150)}: {clean(str(exc))}",
                           style="yellow"))
            return
        except Exception as exc:  # noqa: BLE001 - classified and shown, never raised
            error = classify(exc, action=self.request.action)
            text = Text(f"{clean(self.request.title, limit=150)}: "
                        f"{clean(error.summary(), limit=300)}", style="bold yellow")
            if error.message and error.message not in error.summary():
                text.append(f"\n  AWS: {clean(error.message, limit=400)}", style="yellow")
            text.append(f"\n  fix: {clean(error.fix, limit=300)}", style="dim")
            self._say(text)
            return
        self.text = clean_block(to_json(value), limit=None)
        self.query_one(TextArea).load_text(self.text)
        self._say(self._status())

    def _say(self, text: Text) -> None:
        self.query_one("#json-status", Static).update(text)

    def _status(self) -> Text:
        source = "the console's record" if self.request.record is not None else \
            self.request.action
        text = Text(clean(self.request.title, limit=150), style="bold")
        text.append(f"  {self.text.count(chr(10)) + 1} lines, from {source}", style="dim")
        if self.needle:
            found = (f"match {self.current + 1}/{len(self.matches)}" if self.matches
                     else "no match")
            text.append(f"  /{clean(self.needle, limit=40)}: {found}", style="cyan")
        return text

    # ---------------------------------------------------------------- search
    def action_search(self) -> None:
        self.add_class("-searching")
        field = self.query_one("#json-search", Input)
        field.value = self.needle
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.needle = event.value.strip()
        self.remove_class("-searching")
        self.query_one(TextArea).focus()
        self.matches = find_matches(self.text, self.needle)
        self.current = -1
        self.action_next_match(1)

    def action_next_match(self, step: int) -> None:
        if not self.needle:
            self.notify("Search first: / then the text to find", severity="warning",
                        timeout=3)
            return
        if self.matches:
            self.current = (self.current + step) % len(self.matches)
            row, column = self.matches[self.current]
            area = self.query_one(TextArea)
            area.selection = Selection((row, column), (row, column + len(self.needle)))
            area.scroll_cursor_visible(center=True, animate=False)
        self._say(self._status())

    # ---------------------------------------------------------------- copy / back
    def action_copy(self) -> None:
        if not self.text:
            self.notify("Nothing to copy yet: the JSON has not been read", severity="warning",
                        timeout=3)
            return
        self.app.copy_to_clipboard(self.text)
        self.notify(f"Copied the JSON ({self.text.count(chr(10)) + 1} lines) to the clipboard "
                    "(OSC 52: a terminal that blocks it leaves the clipboard unchanged)",
                    timeout=4)

    def action_back(self) -> None:
        if self.has_class("-searching"):
            self.remove_class("-searching")
            self.query_one(TextArea).focus()
            return
        self.app.pop_screen()


def find_matches(text: str, needle: str) -> list[tuple[int, int]]:
    """(row, column) of every case-insensitive occurrence of `needle`."""
    if not needle:
        return []
    low = needle.lower()
    found = []
    for row, line in enumerate(text.split("\n")):
        start = line.lower().find(low)
        while start >= 0:
            found.append((row, start))
            start = line.lower().find(low, start + 1)
    return found
