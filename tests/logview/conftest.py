"""Fixtures of the log view tests: the tail tests' log groups on the shared emulator, and a
fault proxy in front of it (tests/faults/proxy.py) for reads that fail as AWS fails them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.faults.proxy import FaultProxy
from tests.tail.conftest import aws, log_groups

from probes.context import AwsContext

__all__ = ["aws", "log_groups"]


@pytest.fixture
def logs_proxy(emulator):
    with FaultProxy(emulator.endpoint_url, stall_s=4.0) as proxy:
        yield proxy


@pytest.fixture
async def aws_via_proxy(log_groups, logs_proxy):
    settings = replace(log_groups.settings(), endpoint_url=logs_proxy.url, read_timeout=0.5,
                       connect_timeout=1.0)
    ctx = AwsContext(settings)
    yield ctx
    await ctx.close()
