"""A discovery cache check that AWS refuses (issue 12 point 4): denied, expired or throttled
DescribeStacks falls back to discovering as if nothing were cached; expired credentials end in
the one credentials error, as without a cache. Through the fault proxy, against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.demo import names as n
from probes.errors import EnvironmentUnusable, ErrorKind
from probes.suite import connect


async def opened(settings, cache_dir: Path):
    connection = await connect(settings, n.STACK, cache_dir=cache_dir)
    await connection.close()
    return connection.deployment


@pytest.mark.parametrize("fault", ["denied", "expired", "throttled"])
async def test_a_refused_check_falls_back_to_discovery(faulty, tmp_path, fault):
    demo, proxy, settings = faulty
    fresh = await opened(demo.settings(), tmp_path)
    proxy.fail("cloudformation:DescribeStacks", fault)
    again = await opened(settings, tmp_path)
    assert "cloudformation:DescribeStacks" in proxy.injected
    assert "cloudformation:ListStackResources" in proxy.seen
    assert again.to_dict() == fresh.to_dict()


async def test_expired_credentials_during_the_check_end_in_one_clear_error(faulty, tmp_path):
    demo, proxy, settings = faulty
    await opened(demo.settings(), tmp_path)
    proxy.faults = {a: "expired" for a in ("sts:GetCallerIdentity",
                                           "cloudformation:DescribeStacks",
                                           "ecs:DescribeServices")}
    with pytest.raises(EnvironmentUnusable) as raised:
        await opened(settings, tmp_path)
    assert raised.value.error.kind is ErrorKind.CREDENTIALS
    assert "expired" in raised.value.error.message.lower()
