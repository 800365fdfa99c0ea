"""The log view's prompts, apart from the engine and the row modes
(`console.screens.log_view`): the filter, its context, the server-side pattern, a time to jump
to, and saving the view or the whole buffer to a file. A mixin of `LogViewScreen`, which holds
the model, the log and the follower's settings."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import Input

from console.errors import UsageError
from console.sanitize import clean
from console.timeparse import FORMS, parse_since

if TYPE_CHECKING:
    from console.tail.view_model import TailViewModel
    from console.widgets.tail_log import TailLog

PROMPTS = {
    "filter": "show lines containing (text, or /regex/); empty: all",
    "context": "lines of context around each match (0-50)",
    "pattern": "CloudWatch filter pattern (server side); empty: none",
    "time": f"jump to: {FORMS}",
    "save_view": "save the filtered view to",
    "save_all": "save the whole buffer to",
}


class LogViewPrompts:
    """Needs `model`, `log_widget`, `filter_pattern`, `save_dir`, `_start`, `_redraw` and
    `jump_to` from the screen."""

    model: TailViewModel
    log_widget: TailLog
    filter_pattern: str | None
    save_dir: Path
    prompt_kind: str | None

    def action_prompt(self, kind: str) -> None:
        field = self.query_one("#tail-prompt", Input)
        self.prompt_kind = kind
        field.placeholder = PROMPTS[kind]
        field.value = {"filter": self.model.filter.text, "context": str(self.model.context),
                       "pattern": self.filter_pattern or "", "time": "",
                       "save_view": self._default_path("view"),
                       "save_all": self._default_path("all")}[kind]
        field.border_title = f"{PROMPTS[kind]} · Enter: apply · Esc: cancel"  # the label
        self.add_class("-prompting")
        field.focus()
        self.refresh_bindings()  # the footer lists only what applies to the prompt

    def _close_prompt(self) -> None:
        self.prompt_kind = None
        self.remove_class("-prompting")
        self.log_widget.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a prompt is open only Esc (back) applies; nothing else in the footer."""
        return self.prompt_kind is None or action == "back"

    def _default_path(self, what: str) -> str:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        return str(self.save_dir / f"incident-console-logs-{what}-{stamp}.log")

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.prompt_kind == "filter":  # instant: every keystroke refilters the buffer
            self.model.set_filter(event.value)
            self._redraw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        kind, value = self.prompt_kind, event.value.strip()
        self._close_prompt()
        try:
            if kind == "context":
                self.model.context = max(0, min(50, int(value or 0)))
                self._redraw()
            elif kind == "pattern":
                self.filter_pattern = value or None
                self._restart()
            elif kind == "time" and value:
                self.jump_to(parse_since(value))
            elif kind in ("save_view", "save_all") and value:
                self._save(Path(value).expanduser(), kind == "save_view")
        except (ValueError, UsageError) as exc:
            self.notify(clean(str(exc), limit=200), severity="error", markup=False)

    def _restart(self) -> None:
        self.model.clear()
        self.model.paused = False
        self.log_widget.reset()
        self._start()

    def _save(self, path: Path, filtered: bool) -> None:
        entries = self.log_widget.entries  # a wrapped row is on several lines: once each
        rows = [row for i, row in enumerate(entries) if i == 0 or row is not entries[i - 1]] \
            if filtered else None
        lines = self.model.export(rows)
        try:
            path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
        except OSError as exc:
            self.notify(f"Cannot write {path}: {exc.strerror}", severity="error", markup=False)
            return
        self.notify(f"Saved {len(lines):,} lines to {path.resolve()}", markup=False)
