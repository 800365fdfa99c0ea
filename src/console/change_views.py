""""What changed before this broke" as the screens show it: in the verdict's detail (`w` on
the dashboard) and at the top of the P0/P1 runbooks. Text from AWS is sanitised by
`changes_text`; nothing here reads AWS (the caller refreshes the flow first).
"""

from __future__ import annotations

from rich.text import Text

from console.change_flow import ChangeFlow
from console.changes_text import before_break_heading, before_break_lines
from console.panes.base import Detail
from console.sanitize import clean
from probes.verdict import Verdict

RUNBOOK_SUSPECTS = 3  # the runbook's top shows the most suspicious few; `w` shows all


def before_break_text(flow: ChangeFlow, *, limit: int | None = None,
                      width: int = 80) -> Text:
    broke_at, basis, suspects = flow.before_break()
    shown = suspects if limit is None else suspects[:limit]
    lines = before_break_lines(broke_at, basis, shown, width)
    if limit is not None and len(suspects) > limit:
        lines.append(f"    … {len(suspects) - limit} more: w on the dashboard")
    heading = len(before_break_heading(broke_at, basis, width))
    text = Text("\n".join(lines[heading:]))
    head = Text("\n".join(lines[:heading]) + "\n", style="bold")
    missing = flow.failure_lines()
    if missing:
        text.append("\nincomplete: " + clean("; ".join(missing), limit=300), style="yellow")
    return head + text


def verdict_detail(verdict: Verdict | None, flow: ChangeFlow, width: int = 80) -> Detail:
    """The verdict and what changed before it broke, its lines wrapped to `width` (the
    detail box's inside: wrapped again by the box, AWS's reasons broke mid-word)."""
    body = Text()
    if verdict is not None:
        body.append(f"{verdict.level.value} {verdict.level.priority}".rstrip() + "\n",
                    style="bold")
        for reason in verdict.reasons:
            body.append(f"  {clean(reason, limit=300)}\n")
        body.append("\n")
    body.append_text(before_break_text(flow, width=width))
    return Detail(title="Verdict: what changed before this broke", body=body, kind="verdict")
