"""The full-screen log view: the service's log groups (or one task's streams) followed live by
the same engine as `incident-console tail`, on the app's event loop.

The engine runs in a worker (`LogFollower.poll` between sleeps, never two polls at once) and
reports only by `TailBatch` messages; the screen appends each batch with one `write_lines`.
Rows show what each line says (`console.log_rows`: time once, task, level, message, fields
after); `R` shows the lines as logged, `w` wraps long rows, `T` hides the time column. Every
row is sanitised and cut before the `Log` sees it; the detail (Enter) has the whole text.
`t` jumps to a time (``19:45``, ``20m``, ISO): the view pauses with that time's first line on
top, reading from that time first when it is older than what is loaded. A failed poll shows
its classified error above the log and keeps every line shown.

Here: the engine, the keys and the screen; the prompts are in `log_view_prompts`, the row
modes and time jumps in `log_view_modes`, the status and error lines in `log_view_status`.
"""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from console.log_rows import RowStyle
from console.sanitize import clean
from console.screens.log_line import LogLineScreen
from console.screens.log_view_modes import LogViewModes
from console.screens.log_view_prompts import LogViewPrompts
from console.screens.log_view_status import error_text, status_text
from console.tail.format import iso_ms, plain_line
from console.tail.view_model import TailViewModel
from console.widgets.tail_highlighter import TailHighlighter
from console.widgets.tail_log import TailLog
from probes.context import AwsContext
from probes.errors import ProbeError, classify
from probes.log_event import LogEvent
from probes.log_history import read_before
from probes.log_sources import TailTarget
from probes.logs import LogFollower, now_ms

DEFAULT_MAX_LINES = 10_000
OLDER_BATCH = 500
WRITE_CHUNK = 2_000  # rows formatted and written between two turns of the event loop
_frozen = False


class TailBatch(Message):
    """What one poll brought: new events, or the classified error of a failed poll."""

    def __init__(self, events: list[LogEvent], error: ProbeError | None = None) -> None:
        super().__init__()
        self.events = events
        self.error = error


class LogViewScreen(LogViewPrompts, LogViewModes, Screen):
    # The dashboard panes' action keys (c, S…) do nothing here: help lists this screen's own.
    HELP_LISTS_PANE_ACTIONS = False
    DEFAULT_CSS = """
    LogViewScreen #tail-status { height: auto; max-height: 2; padding: 0 1;
                                 background: $boost; }
    LogViewScreen #tail-error { height: auto; color: $error; padding: 0 1; display: none; }
    LogViewScreen.-failing #tail-error { display: block; }
    LogViewScreen #tail-log { height: 1fr; }
    LogViewScreen #tail-prompt { dock: bottom; display: none; }
    LogViewScreen.-prompting #tail-prompt { display: block; }
    """
    BINDINGS = [
        Binding("p,space", "toggle_pause", "Pause", id="logs.pause"),
        Binding("G,end", "latest", "Latest", id="logs.latest"),
        Binding("enter", "detail", "Detail", id="logs.detail"),
        Binding("slash", "prompt('filter')", "Filter", id="logs.filter"),
        Binding("exclamation_mark", "invert", "Invert", id="logs.invert"),
        Binding("c", "prompt('context')", "Context", id="logs.context"),
        Binding("f", "prompt('pattern')", "AWS filter", id="logs.pattern"),
        Binding("t", "prompt('time')", "Jump to time", id="logs.time"),
        Binding("o", "older", "Older", id="logs.older"),
        Binding("R", "toggle_raw", "Raw", id="logs.raw"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap"),
        Binding("T", "toggle_time", "Time column", show=False, id="logs.timestamps"),
        Binding("y", "copy", "Copy", id="logs.copy"),
        Binding("s", "prompt('save_view')", "Save view", id="logs.save_view"),
        Binding("S", "prompt('save_all')", "Save all", show=False, id="logs.save_all"),
        Binding("g", "pick_groups", "Groups", id="logs.groups"),
        Binding("escape", "back", "Back", id="logs.back"),
    ]

    def __init__(self, ctx: AwsContext, target: TailTarget, *, since_ms: int | None = None,
                 max_lines: int = DEFAULT_MAX_LINES, interval_s: float = 1.0,
                 filter_pattern: str | None = None, save_dir: Path | None = None,
                 follower_options: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.target = target
        self.since_ms = since_ms if since_ms is not None else now_ms() - 5 * 60_000
        self.interval_s = interval_s
        self.filter_pattern = filter_pattern or None
        self.save_dir = save_dir or Path.cwd()
        self.follower_options = follower_options or {}
        self.model = TailViewModel(target.groups, max_lines)
        self.highlighter = TailHighlighter()
        self.highlighter.set_groups(self.model.labels)
        self.follower: LogFollower | None = None
        self.older_boundary = self.since_ms
        self.error: ProbeError | None = None
        self.prompt_kind: str | None = None
        self.last_batch_s = 0.0
        self.style = RowStyle()
        self.jump_ms: int | None = None  # a time to show once its lines are read

    def compose(self) -> ComposeResult:
        yield Static("", id="tail-status")
        yield Static("", id="tail-error")
        log = TailLog(self.model.cap, id="tail-log")
        log.highlighter = self.highlighter
        yield log
        yield Input(id="tail-prompt")
        yield Footer()

    @property
    def log_widget(self) -> TailLog:
        return self.query_one(TailLog)

    def on_mount(self) -> None:
        global _frozen
        self.log_widget.focus()
        if not _frozen:
            # What lives now lives as long as the app: keep it out of the collector's full
            # passes, which otherwise stall the loop for ~100 ms under a fast tail.
            gc.collect()
            gc.freeze()
            _frozen = True
        self._start()

    # ---------------------------------------------------------------- the engine
    def _start(self) -> None:
        """(Re)start following from `since_ms` with the current server-side pattern."""
        self.follower = LogFollower(self.ctx, self.target.groups, start_ms=self.since_ms,
                                    filter_pattern=self.filter_pattern,
                                    stream_names=self.target.stream_names or None,
                                    **self.follower_options)
        self.older_boundary = self.since_ms
        self._follow(self.follower)
        self._refresh_status()

    @work(exclusive=True, group="tail-follow", exit_on_error=False)
    async def _follow(self, follower: LogFollower) -> None:
        while True:
            started = time.monotonic()
            try:
                events = await follower.poll()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - shown in the view with its fix
                self.post_message(TailBatch([], classify(
                    exc, action="logs:FilterLogEvents", profile=self.ctx.settings.profile,
                    endpoint=self.ctx.settings.endpoint_url)))
                await asyncio.sleep(max(5.0, self.interval_s))
                continue
            self.post_message(TailBatch(events))
            if not follower.behind:
                await asyncio.sleep(max(0.0, self.interval_s - (time.monotonic() - started)))
            else:
                await asyncio.sleep(0)

    async def on_tail_batch(self, message: TailBatch) -> None:
        self.error = message.error
        self.set_class(message.error is not None, "-failing")
        if message.error is not None:
            self.query_one("#tail-error", Static).update(error_text(message.error))
        rows = self.model.add(message.events)
        if rows:
            rows = rows[-self.model.cap:]  # more than the Log keeps: format only the rest
            log = self.log_widget
            for start in range(0, len(rows), WRITE_CHUNK):
                log.add_rows(*self._lines(rows[start:start + WRITE_CHUNK]))
                await asyncio.sleep(0)  # a big batch must not stall keys and rendering
        if self.jump_ms is not None and rows:
            self._show_time(self.jump_ms)
        self.last_batch_s = time.monotonic()
        self._refresh_status()

    # ---------------------------------------------------------------- showing
    def _refresh_status(self) -> None:
        self.query_one("#tail-status", Static).update(status_text(
            self.model, self.target, self.style, self.filter_pattern, self.jump_ms,
            self.follower))

    # ---------------------------------------------------------------- keys
    def action_toggle_pause(self) -> None:
        if self.model.paused:
            self.model.resume()
            self._redraw()
        else:
            self.model.pause()
            self._refresh_status()

    def action_latest(self) -> None:
        if self.model.paused:
            self.model.resume()
            self._redraw()
        self.log_widget.cursor = None
        self.log_widget.scroll_end(animate=False)

    def action_detail(self) -> None:
        event = self.log_widget.current()
        if event is not None:
            self.app.push_screen(LogLineScreen(event, self.model.labels.get(event.group)))

    def action_copy(self) -> None:
        event = self.log_widget.current()
        if event is not None:
            self.app.copy_to_clipboard(
                plain_line(event, self.model.labels.get(event.group), limit=100_000))
            self.notify("Copied the line (sanitised) to the clipboard", timeout=2,
                        markup=False)

    def action_invert(self) -> None:
        self.model.set_filter(self.model.filter.text, invert=not self.model.filter.invert)
        self._redraw()

    def action_older(self) -> None:
        self.load_older()

    def on_tail_log_top_reached(self, _: TailLog.TopReached) -> None:
        self.load_older()

    @work(exclusive=True, group="tail-older", exit_on_error=False)
    async def load_older(self) -> None:
        """Read the events just before the oldest loaded; pauses following so that they stay
        in the buffer while they are read."""
        before = min(self.older_boundary, self.model.oldest_ms() or self.older_boundary)
        self.notify(f"Loading events before {iso_ms(before)}", timeout=2, markup=False)
        try:
            events, self.older_boundary = await read_before(
                self.ctx, self.target.groups, before, want=OLDER_BATCH,
                stream_names=self.target.stream_names or None,
                filter_pattern=self.filter_pattern)
        except Exception as exc:  # noqa: BLE001 - shown, never raised into the UI
            self.notify(clean(classify(exc, action="logs:FilterLogEvents").summary(), limit=200),
                        severity="error", markup=False)
            return
        if not events:
            self.notify("No older events", timeout=2, markup=False)
            return
        self.model.pause()
        self.model.add_older(events)
        self._redraw()
        self.log_widget.move_cursor(0)

    def action_pick_groups(self) -> None:
        """Follow other log groups (several at once), picked under a prefix (/ecs/)."""
        from console.screens.log_groups import LogGroupPickerScreen
        from probes.log_sources import TailTarget

        def chosen(groups: tuple[str, ...] | None) -> None:
            if groups:
                self.app.switch_screen(LogViewScreen(
                    self.ctx, TailTarget(groups, title=", ".join(groups)),
                    since_ms=self.since_ms, max_lines=self.model.cap,
                    interval_s=self.interval_s, save_dir=self.save_dir,
                    follower_options=self.follower_options))

        self.app.push_screen(LogGroupPickerScreen(self.ctx, self.target.groups), chosen)

    def action_back(self) -> None:
        if self.prompt_kind is not None:
            self._close_prompt()
        elif self.model.filter.active:
            self.model.set_filter("", invert=False)
            self._redraw()
        else:
            self.dismiss() if self.is_modal else self.app.pop_screen()

