"""`?`: every key that works where you are, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.keymap import key_label

NAVIGATION = (
    ("↑ ↓ / PgUp PgDn / Home End", "move in a table or log"),
    ("Enter", "open the row's detail"),
    ("Tab / Shift+Tab", "next / previous pane"),
    ("Esc", "clear the filter, leave zoom, close a dialog"),
    ("Ctrl+P", "command palette: every command, searchable"),
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 95%; border: round $accent;
        background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        screen = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else self.app.screen
        rows: list[tuple[Text, Text]] = [(Text("Everywhere", style="underline"), Text(""))]
        rows += [(Text(key), Text(description)) for key, description in NAVIGATION]
        rows += [(Text(""), Text("")),
                 (Text("Keys here", style="underline"),
                  Text("(binding id, for [keys] in the config file)", style="dim"))]
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            # Ours all carry an id (remappable); Textual's built-ins are summarised above.
            if not binding.id or binding.id in seen or binding.action == "close":
                continue
            seen.add(binding.id)
            note = "" if active.enabled else " (not available here)"
            reason = self._refusal(binding.action)
            if reason:
                note = f" (refused here: {reason})"
            rows.append((Text(key_label(key)),
                         Text(f"{binding.description or binding.action}{note}  ")
                         + Text(binding.id, style="dim")))
        if getattr(screen, "HELP_LISTS_PANE_ACTIONS", True):  # the log view: keys of its own
            rows += self._other_panes(seen)
        self.plain = "\n".join(f"{key.plain} {text.plain}" for key, text in rows)
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for row in rows:
            table.add_row(*row)
        with VerticalScroll() as box:
            box.border_title = "Keys: Esc closes"
            yield Static(table)

    def _refusal(self, action: str) -> str | None:
        """Why an action key would be refused now (read-only...): the key still answers,
        and help says so beforehand."""
        if not action.startswith("act(") or not hasattr(self.app, "actions"):
            return None
        return self.app.actions.availability(action[4:-1].strip("'\""))

    @staticmethod
    def _other_panes(seen: set[str]) -> list[tuple[Text, Text]]:
        """Action keys work only in their pane: list the other panes' too."""
        from console.actions import ACTION_CLASSES

        others = [cls for cls in ACTION_CLASSES if cls.key and f"action.{cls.id}" not in seen]
        if not others:
            return []
        rows = [(Text(""), Text("")),
                (Text("In their pane", style="underline"),
                 Text("(press the pane's number first)", style="dim"))]
        rows += [(Text(cls.key or ""), Text(f"{cls.title} ({cls.pane} pane)  ")
                  + Text(f"action.{cls.id}", style="dim")) for cls in others]
        return rows

    def action_close(self) -> None:
        self.dismiss(None)
