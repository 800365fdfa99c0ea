"""One CloudWatch Logs Live Tail session (StartLiveTail), read in the background.

The response is an event stream (botocore's model of logs 2014-03-28, `StartLiveTailResponse
Stream`): one `sessionStart`, then a `sessionUpdate` about every second with up to 500
`sessionResults` (`sessionMetadata.sampled` when more matched: the rest are not sent), and at
the end either nothing (the stream closes) or one of the documented exception events,
`SessionTimeoutException` (the 3-hour limit) and `SessionStreamingException`, which aiobotocore
raises as `EventStreamError`. A session that cannot start fails as a normal call does
(`AccessDeniedException`, `LimitExceededException` for the 15 concurrent sessions,
`InvalidOperationException`, or a transport error where the endpoint has no live tail).

`LiveSession.run()` reads the stream into `updates` until it ends, then sets `ended` to a
`LiveEnd` saying why (AWS's own text) and when to try again. Live events carry no eventId:
`probes.live_tail` de-duplicates them by content.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from dataclasses import dataclass
from typing import Any

from probes.errors import ErrorKind, classify
from probes.log_clock import AwsClock
from probes.log_event import LogEvent

RETRY_ENDED_MS = 60_000  # a session that ended (3 h limit, stream error, closed): again after
RETRY_LIMIT_MS = 300_000  # LimitExceeded (15 concurrent sessions in the account)
RETRY_ENDPOINT_MS = 1_800_000  # an endpoint without live tail: rarely worth asking again
MAX_BUFFERED_UPDATES = 600  # ~10 min of updates if nobody drains them: the oldest go first
_session_numbers = itertools.count(1)


@dataclass(frozen=True)
class LiveEnd:
    """Why live tail is not (or no longer) in use. `reason` is AWS's text (or the transport
    error's); `retry_after_ms` None means not again in this process."""

    code: str
    reason: str
    retry_after_ms: int | None
    started: bool = False  # the session had started (events were live) before it ended


@dataclass(frozen=True)
class LiveUpdate:
    events: tuple[LogEvent, ...]
    sampled: bool  # more than 500 events matched in this second: some were not sent


def group_name(identifier: str) -> str:
    """The name in a log group ARN (`arn:aws:logs:r:a:log-group:NAME`, maybe with `:*`)."""
    if identifier.startswith("arn:") and ":log-group:" in identifier:
        name = identifier.split(":log-group:", 1)[1]
        return name[:-2] if name.endswith(":*") else name
    return identifier


def end_for(exc: BaseException, started: bool) -> LiveEnd:
    """What an exception from StartLiveTail or its stream means for the follower."""
    error = classify(exc, action="logs:StartLiveTail")
    code = error.code or type(exc).__name__
    text = error.message.removeprefix(f"{code}: ")  # botocore's event-stream errors repeat it
    if code in ("SessionTimeoutException", "SessionStreamingException"):
        return LiveEnd(code, text, RETRY_ENDED_MS, started)
    if error.kind in (ErrorKind.ACCESS_DENIED, ErrorKind.CREDENTIALS):
        return LiveEnd(code, text, None, started)
    if code == "LimitExceededException":
        return LiveEnd(code, text, RETRY_LIMIT_MS, started)
    if code in ("InvalidOperationException", "InvalidParameterException", "UnknownOperation",
                "UnknownOperationException", "ResponseParserError", "404", "501"):
        return LiveEnd(code, text, RETRY_ENDPOINT_MS, started)
    if error.kind is ErrorKind.UNREACHABLE and not started:
        return LiveEnd(code, text, RETRY_ENDPOINT_MS, started)
    return LiveEnd(code, text, RETRY_ENDED_MS, started)


class LiveSession:
    """StartLiveTail for `request`, its stream read into `updates` by `run()`."""

    def __init__(self, logs: Any, request: dict[str, Any], clock: AwsClock) -> None:
        self._logs = logs
        self.request = request
        self.clock = clock
        self.number = next(_session_numbers)
        self.session_id = ""
        self.start_ms: int | None = None  # AWS time the session started (None until then)
        self.last_update_ms: int | None = None  # AWS time of the newest update
        self.updates: deque[LiveUpdate] = deque(maxlen=MAX_BUFFERED_UPDATES)
        self.ended: LiveEnd | None = None
        self._seq = itertools.count()

    @property
    def started(self) -> bool:
        return self.start_ms is not None

    def drain(self) -> list[LiveUpdate]:
        out = list(self.updates)
        self.updates.clear()
        return out

    async def run(self) -> None:
        stream = None
        try:
            response = await self._logs.start_live_tail(**self.request)
            self.clock.observe(response)  # its Date header: AWS's time at the start
            stream = response["responseStream"]
            async for event in stream:
                self._take(event)
            # Said in the Logs pane's one line at 80 columns: short, and no more than is known
            # (the stream ended without an error from AWS).
            self.ended = LiveEnd("SessionClosed", "the service closed the stream",
                                 RETRY_ENDED_MS, self.started)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - every ending is classified: AWS's text
            self.ended = end_for(exc, self.started)
        finally:
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()

    def _take(self, event: dict[str, Any]) -> None:
        if "sessionStart" in event:
            self.session_id = str(event["sessionStart"].get("sessionId", ""))
            self.start_ms = self.last_update_ms = self.clock.now()
            return
        update = event.get("sessionUpdate")
        if update is None:
            return
        raw = update.get("sessionResults") or []
        self.clock.observe({}, raw)
        self.last_update_ms = self.clock.now()
        events = tuple(LogEvent(group_name(str(e.get("logGroupIdentifier", ""))),
                                str(e.get("logStreamName", "")), int(e.get("timestamp", 0)),
                                int(e.get("ingestionTime", e.get("timestamp", 0))),
                                f"live-{self.number}-{next(self._seq)}",
                                str(e.get("message", "")))
                       for e in raw)
        sampled = bool((update.get("sessionMetadata") or {}).get("sampled"))
        self.updates.append(LiveUpdate(events, sampled))
