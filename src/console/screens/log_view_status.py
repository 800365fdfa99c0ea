"""The log view's status line (following or paused, lines held, the filter and modes, how far
behind the engine is, a loss risk) and its error line, as text (`console.screens.log_view`)."""

from __future__ import annotations

from rich.text import Text

from console.log_rows import RowStyle
from console.sanitize import clean
from console.tail.format import clock_s
from console.tail.view_model import TailViewModel
from probes.errors import ProbeError
from probes.log_sources import TailTarget
from probes.logs import LogFollower


def status_text(model: TailViewModel, target: TailTarget, row_style: RowStyle,
                filter_pattern: str | None, jump_ms: int | None,
                follower: LogFollower | None) -> Text:
    """What the view is doing, on one or two lines."""
    m = model
    text = Text()
    state = "⏸ paused" if m.paused else "● following"
    text.append(state, style="bold yellow" if m.paused else "bold green")
    text.append(f"  {clean(target.title or ', '.join(target.groups), limit=60)}")
    text.append(f"  {len(m.buffer):,} lines", style="dim")
    if m.paused and m.waiting_count:
        text.append(f"  {m.waiting_count:,} new lines waiting", style="bold")
    if m.filter.active:
        kind = "not " if m.filter.invert else ""
        text.append(f"  filter: {kind}{clean(m.filter.text, limit=40)}", style="cyan")
        if m.context:
            text.append(f" ±{m.context}", style="cyan")
        if m.filter.error:
            text.append(f" ({clean(m.filter.error, limit=60)})", style="red")
    if filter_pattern:
        text.append(f"  aws: {clean(filter_pattern, limit=40)}", style="magenta")
    modes = [name for name, on in (("raw", row_style.raw), ("wrap", row_style.wrap),
                                    ("no time", not row_style.show_time)) if on]
    if modes:
        text.append(f"  {', '.join(modes)}", style="dim")
    if jump_ms is not None:
        text.append(f"  reading from {clock_s(jump_ms)}…", style="yellow")
    if follower is not None and follower.behind:
        text.append(f"  catching up ({follower.lag_ms() // 1000}s behind)",
                    style="yellow")
    if follower is not None and follower.loss_risk:
        text.append(f"  ⚠ loss possible: {follower.loss_risk}", style="yellow")
    return text


def error_text(error: ProbeError) -> Text:
    """A failed poll: AWS's words and the fix; the lines read stay shown."""
    text = Text(f"⚠ {clean(error.summary(), limit=200)}", style="bold")
    text.append(f" — showing what was read; retrying. fix: {clean(error.fix, limit=200)}")
    return text
