"""Runs each probe on its own interval and hands every result to a listener.

One asyncio task per probe: collect, publish, sleep. A probe is never collected twice at once
(the loop is sequential). After an error the sleep stretches with exponential backoff and full
jitter, from the probe's interval up to `max_backoff_s`. Expired or missing credentials are not
retried at all: the probe waits until someone asks for a refresh (after ``aws sso login``).
`refresh(name)` / `refresh_all()` wake a probe now.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from probes.result import Probe, ProbeResult

log = logging.getLogger(__name__)

Listener = Callable[[ProbeResult[Any]], Awaitable[None] | None]


@dataclass
class ProbeState:
    """What the scheduler knows of one probe; read by the UI for 'refreshing' and 'next in'."""

    probe: Probe[Any]
    failures: int = 0
    collecting: bool = False
    waiting_for_credentials: bool = False
    next_delay_s: float = 0.0
    runs: int = 0


def backoff_delay(interval_s: float, failures: int, max_backoff_s: float,
                  rng: random.Random | None = None) -> float:
    """Full-jitter exponential backoff, never shorter than the probe's own interval."""
    if failures <= 0:
        return interval_s
    ceiling = min(max_backoff_s, interval_s * (2 ** failures))
    return max(interval_s, (rng or random).uniform(0, ceiling))


class Scheduler:
    """Owns the probe loops. Start with `start()`, stop with `stop()`."""

    def __init__(self, probes: Iterable[Probe[Any]], listener: Listener, *,
                 max_backoff_s: float = 60.0, on_collect_start: Callable[[str], None] | None = None,
                 renew_session: Callable[[], Awaitable[None]] | None = None):
        self.states: dict[str, ProbeState] = {p.name: ProbeState(p) for p in probes}
        self._listener = listener
        self._max_backoff_s = max_backoff_s
        self._on_collect_start = on_collect_start
        self._renew_session = renew_session
        self._wake: dict[str, asyncio.Event] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # Callers waiting for a collection that starts after they asked (runbook checks).
        self._waiters: dict[str, list[tuple[float, asyncio.Future[ProbeResult[Any]]]]] = {}

    def start(self) -> None:
        for name in self.states:
            if name not in self._tasks:
                self._wake[name] = asyncio.Event()
                self._tasks[name] = asyncio.create_task(self._loop(name), name=f"probe:{name}")

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    def refresh(self, name: str) -> None:
        """Collect `name` now (or as soon as its current collection ends)."""
        event = self._wake.get(name)
        if event is not None:
            event.set()

    def refresh_all(self) -> None:
        for name in self.states:
            self.refresh(name)

    async def fresh(self, name: str) -> ProbeResult[Any]:
        """A result collected after this call, without ever running the probe twice at once:
        wakes the probe's loop and waits for its next collection. Without a running loop
        (a one-shot command) the probe runs directly."""
        if name not in self._tasks:
            return await self.states[name].probe.run()
        future: asyncio.Future[ProbeResult[Any]] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(name, []).append((time.monotonic(), future))
        self.refresh(name)
        return await future

    def _resolve_waiters(self, name: str, started: float, result: ProbeResult[Any]) -> None:
        pending = []
        for asked, future in self._waiters.get(name, []):
            if asked <= started:
                if not future.done():
                    future.set_result(result)
            else:
                pending.append((asked, future))
        self._waiters[name] = pending

    async def _publish(self, result: ProbeResult[Any]) -> None:
        try:
            outcome = self._listener(result)
            if asyncio.iscoroutine(outcome):
                await outcome
        except Exception:  # a listener bug must not kill the probe loop
            log.exception("listener failed for probe %s", result.probe)

    async def _loop(self, name: str) -> None:
        state = self.states[name]
        wake = self._wake[name]
        while True:
            wake.clear()
            started = time.monotonic()
            state.collecting = True
            if self._on_collect_start:
                self._on_collect_start(name)
            try:
                result = await state.probe.run()
            finally:
                state.collecting = False
            state.runs += 1
            await self._publish(result)
            self._resolve_waiters(name, started, result)
            if result.ok:
                state.failures = 0
                state.waiting_for_credentials = False
                delay: float | None = state.probe.next_interval(result)
            elif result.error is not None and not result.error.retryable:
                state.failures += 1
                state.waiting_for_credentials = True
                delay = None  # wait for an explicit refresh
            else:
                state.failures += 1
                delay = backoff_delay(state.probe.interval_s, state.failures,
                                      self._max_backoff_s)
            state.next_delay_s = delay if delay is not None else float("inf")
            try:
                if delay is None:
                    await wake.wait()
                else:
                    await asyncio.wait_for(wake.wait(), timeout=delay)
            except TimeoutError:
                pass
            if state.waiting_for_credentials and self._renew_session is not None:
                # The operator refreshed after logging in again: pick up the new token.
                await self._renew_session()
