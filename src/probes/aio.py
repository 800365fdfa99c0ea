"""Small asyncio helpers the probes share."""

from __future__ import annotations

import asyncio
import contextlib


async def cancel_and_wait(task: asyncio.Future | None) -> None:
    """Cancel `task` and wait for it to end, whatever it raised: a read started beside one that
    failed (or on speculation, and not needed) is not left running, and its error is not left
    unretrieved."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
