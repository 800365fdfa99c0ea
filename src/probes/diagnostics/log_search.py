"""Count recent log events matching a pattern, as the guide's `filter-log-events` steps do.

One bounded search: a time window and a small page limit, at most a few pages. FilterLogEvents
is limited to ~10 calls/s per account and region (shared with everyone during an outage), so
diagnostics ask "is there any, and what does the newest say", never "fetch them all".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from probes.diagnostics.inputs import DiagnosticInputs

PAGE_LIMIT = 50
MAX_PAGES = 4


@dataclass(frozen=True)
class LogMatches:
    group: str
    pattern: str
    since: datetime
    count: int
    capped: bool  # more matched than were counted
    newest: str = ""
    newest_at: datetime | None = None

    window: timedelta = timedelta(hours=1)

    def describe(self) -> str:
        """``12 in the last 60 min`` / ``50+ in ...``."""
        minutes = int(self.window.total_seconds() // 60)
        return f"{self.count}{'+' if self.capped else ''} in the last {minutes} min"


async def search(inputs: DiagnosticInputs, group: str, pattern: str,
                 window: timedelta) -> LogMatches:
    """Events of `group` matching `pattern` within `window` before now (newest kept)."""
    logs = await inputs.ctx.client("logs")
    since = inputs.now - window
    request = {"logGroupName": group, "startTime": int(since.timestamp() * 1000),
               "endTime": int(inputs.now.timestamp() * 1000), "limit": PAGE_LIMIT}
    if pattern:  # no pattern: every event counts
        request["filterPattern"] = pattern
    count = 0
    newest: tuple[int, str] = (0, "")
    for _ in range(MAX_PAGES):
        page = await logs.filter_log_events(**request)
        for event in page.get("events", []):
            count += 1
            if event.get("timestamp", 0) >= newest[0]:
                newest = (event.get("timestamp", 0), event.get("message", ""))
        token = page.get("nextToken")
        if not token or count >= PAGE_LIMIT:
            return LogMatches(group, pattern, since, count, bool(token), newest[1],
                              _when(newest[0]), window)
        request["nextToken"] = token
    return LogMatches(group, pattern, since, count, True, newest[1], _when(newest[0]), window)


def _when(ms: int) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, UTC) if ms else None
