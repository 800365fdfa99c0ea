"""Runs each probe on its own interval and hands every result to a listener.

One asyncio task per probe: collect, publish, sleep. A probe is never collected twice at once
(the loop is sequential). After an error the sleep stretches with exponential backoff and full
jitter, from the probe's interval up to `max_backoff_s`. Expired or missing credentials are not
retried at all: the probe waits until someone asks for a refresh (after ``aws sso login``).
A probe the request budget held back (nothing was sent) asks again when the budget says its
next token is due (`ProbeError.retry_after_s`), not after its own interval: the costs probe's
is six hours, and its data would stay STALE that long.
`refresh(name)` / `refresh_all()` wake a probe now.

Adaptive polling (`IDLE_INTERVALS_S`): the logs probe waits longer after each poll that brought
nothing, up to its idle interval, and is back at its own interval as soon as events flow, or
while another probe polls faster than its own interval (a deployment rolling, a stack
operation in progress).
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
# Probes polled adaptively, and their longest interval while nothing changes: a quiet log
# group costs one FilterLogEvents every 8 s, not every 2 s (the account's 5-10/s is shared).
IDLE_INTERVALS_S = {"logs": 8.0}
# After a hold by the request budget: ask this long after its token is due (not a moment early).
HELD_BACK_MARGIN_S = 1.0


def result_changed(result: ProbeResult[Any]) -> bool:
    """Whether a collection brought something new: a batch of log events that is not empty
    (other snapshots count as changed: they are not paced by this)."""
    events = getattr(result.data, "events", None)
    return True if events is None else bool(events)


@dataclass
class ProbeState:
    """What the scheduler knows of one probe; read by the UI for 'refreshing' and 'next in'."""

    probe: Probe[Any]
    failures: int = 0
    collecting: bool = False
    waiting_for_credentials: bool = False
    next_delay_s: float = 0.0
    runs: int = 0
    busy: bool = False  # its last interval was shorter than its own: something is changing


class AdaptiveInterval:
    """Slower while nothing changes, fast while it does: `base_s` after a change (or while
    `busy`), then each quiet poll waits `growth` times longer, up to `idle_s`."""

    def __init__(self, base_s: float, idle_s: float, growth: float = 1.5) -> None:
        self.base_s = base_s
        self.idle_s = max(base_s, idle_s)
        self.growth = growth
        self.current_s = base_s

    def next(self, changed: bool, busy: bool = False) -> float:
        if changed or busy:
            self.current_s = self.base_s
        else:
            self.current_s = min(self.idle_s, self.current_s * self.growth)
        return self.current_s


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
                 renew_session: Callable[[], Awaitable[None]] | None = None,
                 idle_intervals_s: dict[str, float] | None = None):
        self.states: dict[str, ProbeState] = {p.name: ProbeState(p) for p in probes}
        idle = IDLE_INTERVALS_S if idle_intervals_s is None else idle_intervals_s
        self.paces = {name: AdaptiveInterval(state.probe.interval_s, idle[name])
                      for name, state in self.states.items() if name in idle}
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
                state.busy = delay < state.probe.interval_s
                pace = self.paces.get(name)
                if pace is not None and not state.busy:
                    others_busy = any(s.busy for n, s in self.states.items() if n != name)
                    delay = pace.next(result_changed(result), others_busy)
            elif result.error is not None and not result.error.retryable:
                state.failures += 1
                state.waiting_for_credentials = True
                delay = None  # wait for an explicit refresh
            elif result.error is not None and result.error.retry_after_s is not None:
                state.failures += 1  # held back, nothing sent: ask when the budget allows
                delay = result.error.retry_after_s + HELD_BACK_MARGIN_S
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
