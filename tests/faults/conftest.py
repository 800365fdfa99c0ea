"""A fault proxy in front of the shared emulator, and settings that give up fast."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from proxy import FaultProxy

# Long enough for the in-process emulator to answer on a busy CI machine (at 0.5 s, STS timed
# out beside a stalled discovery call in a full xdist run and the environment read as
# unreachable), short enough that each stalled call costs little.
READ_TIMEOUT_S = 1.5


@pytest.fixture
def faulty(scenario):
    """`(demo, proxy, settings)`: the healthy scenario behind a fault proxy; the settings
    point at the proxy with one attempt per call and a short read timeout."""
    demo = scenario("healthy")
    with FaultProxy(demo.endpoint_url, stall_s=READ_TIMEOUT_S * 8) as proxy:
        settings = demo.settings(endpoint_url=proxy.url, read_timeout=READ_TIMEOUT_S,
                                 connect_timeout=1.0, max_attempts=1)
        yield demo, proxy, settings
