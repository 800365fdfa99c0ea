"""Fixtures for the diagnostics: run them on a demo scenario, or on a connection to tamper with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from probes.diagnostics import Report, run_diagnostics
from probes.suite import Connection, connect


@pytest.fixture
def connected():
    """`async with connected(handle) as connection:` the scenario, connected as `check` is."""

    @asynccontextmanager
    async def opener(handle, **settings):
        connection = await connect(handle.settings(**settings), "children-drawing-prod")
        try:
            yield connection
        finally:
            await connection.close()

    return opener


@pytest.fixture
def diagnose(connected) -> Callable[..., Awaitable[Report]]:
    """`await diagnose(handle, logs=True)`: every diagnostic once on the scenario; with
    `logs`, ten minutes of the scenario's application log lines are written first."""

    async def run(handle, *, logs: bool = False, tamper: Callable[[Connection], Awaitable[None]]
                  | None = None, **options) -> Report:
        if logs:
            handle.traffic().backfill()
        async with connected(handle) as connection:
            if tamper is not None:
                await tamper(connection)
            return await run_diagnostics(connection.ctx, connection.deployment,
                                         connection.identity, **options)

    return run
