"""The contract every probe keeps: collect typed data, never raise, say when and how fast.

A `Probe` subclass implements `collect()`, which may raise anything botocore raises. `run()` wraps
it: it times the call, classifies a failure into a `ProbeError`, and always returns a frozen
`ProbeResult` holding either the snapshot or the error.
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from probes.context import AwsContext, current_action
from probes.errors import ErrorKind, ProbeError, classify

T = TypeVar("T")
log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ProbeResult(Generic[T]):
    """One collection by one probe: its snapshot or its classified error, and when."""

    probe: str
    fetched_at: datetime
    elapsed_s: float
    data: T | None = None
    error: ProbeError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def age_s(self, now: datetime | None = None) -> float:
        return ((now or utcnow()) - self.fetched_at).total_seconds()


class Probe(ABC, Generic[T]):
    """Collects one kind of snapshot from AWS.

    `name` identifies the probe (``stack``, ``ecs``...), `interval_s` is its default refresh
    interval. Subclasses may override `next_interval` to poll faster while something is
    changing (a stack update in progress, a deployment rolling out).
    """

    name: str = "probe"
    interval_s: float = 30.0

    def __init__(self, ctx: AwsContext, *, interval_s: float | None = None):
        self.ctx = ctx
        if interval_s is not None:
            self.interval_s = interval_s

    @abstractmethod
    async def collect(self) -> T:
        """Fetch and return a frozen snapshot. May raise; `run()` classifies."""

    def next_interval(self, result: ProbeResult[T]) -> float:
        return self.interval_s

    async def run(self) -> ProbeResult[T]:
        """Collect once. Never raises (except cancellation)."""
        started = time.perf_counter()
        fetched_at = utcnow()
        token = current_action.set(None)
        try:
            data = await self.collect()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure is classified; none escapes
            error = classify(
                exc,
                action=current_action.get(),
                profile=self.ctx.settings.profile,
                endpoint=self.ctx.settings.endpoint_url,
            )
            if error.kind is ErrorKind.OTHER:
                log.warning("probe %s failed", self.name, exc_info=exc)
            return ProbeResult(self.name, fetched_at, time.perf_counter() - started, error=error)
        finally:
            current_action.reset(token)
        return ProbeResult(self.name, fetched_at, time.perf_counter() - started, data=data)
