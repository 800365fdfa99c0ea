"""An in-memory FilterLogEvents with the documented semantics, for property tests of the engine.

Only the merge/dedupe/seal logic is tested against this store (over thousands of generated
histories, which the emulator could not run in time); everything else uses the moto server.

Semantics kept: startTime/endTime are inclusive; results are interleaved across streams in
timestamp order (optionally only roughly: "does not always return events in time order");
`limit` + `nextToken` pages (a token is a position in the window as it is *now*, so events that
become visible between pages shift it, as on AWS); a page can be empty while a token remains;
an event is visible only from its `visible_at` on (late ingestion); each answer carries the
store's time in an HTTP Date header (whole seconds), as AWS's do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any


@dataclass(frozen=True)
class FakeEvent:
    group: str
    stream: str
    timestamp: int
    event_id: str
    message: str
    visible_at: int  # the store's clock, ms

    @property
    def delay(self) -> int:
        return self.visible_at - self.timestamp


@dataclass
class FakeLogs:
    """The store and its clock. `call_cost_ms` advances the clock on every call."""

    now: int = 0
    call_cost_ms: int = 0
    disorder_ms: int = 0  # > 0: order inside each bucket of this many ms is random
    empty_page_rate: float = 0.0
    seed: int = 0
    send_date: bool = True  # answer with an HTTP Date header (whole seconds of `now`)
    events: list[FakeEvent] = field(default_factory=list)
    calls: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def clock(self) -> int:
        return self.now

    def add(self, event: FakeEvent) -> None:
        self.events.append(event)

    async def filter_log_events(self, **kw: Any) -> dict[str, Any]:
        self.calls += 1
        self.now += self.call_cost_ms
        start, end = kw.get("startTime", 0), kw.get("endTime", 1 << 62)
        limit = kw.get("limit", 10_000)
        names = set(kw.get("logStreamNames") or ())
        pattern = kw.get("filterPattern")
        window = [e for e in self.events
                  if e.group == kw["logGroupName"] and e.visible_at <= self.now
                  and start <= e.timestamp <= end and (not names or e.stream in names)
                  and (not pattern or pattern in e.message)]
        if self.disorder_ms:
            window.sort(key=lambda e: (e.timestamp // self.disorder_ms,
                                       hash((e.event_id, self.seed)) & 0xFFFF))
        else:
            window.sort(key=lambda e: e.timestamp)
        token = kw.get("nextToken")
        offset = int(token.split(":")[0]) if token else 0
        meta = {"HTTPHeaders": {"date": formatdate(self.now // 1000, usegmt=True)}} if (
            self.send_date) else {}
        if token is not None and self._rng.random() < self.empty_page_rate:
            return {"events": [], "nextToken": f"{offset}:{self.calls}",
                    "ResponseMetadata": meta}
        page = window[offset:offset + limit]
        out: dict[str, Any] = {"ResponseMetadata": meta, "events": [
            {"logStreamName": e.stream, "timestamp": e.timestamp, "message": e.message,
             "ingestionTime": e.visible_at, "eventId": e.event_id} for e in page]}
        if offset + limit < len(window):
            out["nextToken"] = f"{offset + limit}:{self.calls}"
        return out


class FakeContext:
    """Stands in for `AwsContext`: `client("logs")` is the fake store."""

    def __init__(self, store: FakeLogs) -> None:
        self.store = store

    async def client(self, service: str, region: str | None = None) -> FakeLogs:
        assert service == "logs"
        return self.store
