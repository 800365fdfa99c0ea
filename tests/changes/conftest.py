"""The `changes` command as a user runs it, against an emulated scenario behind the fault
proxy (so a test can deny one action and count the requests AWS received)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "faults"))

from proxy import FaultProxy

from console.cli import main


@pytest.fixture
def aws():
    """`aws(demo, service)`: a boto3 client of the emulator behind `demo`, for reading what
    AWS holds directly (not through the fault proxy)."""
    from console.demo.deployment import client

    return lambda demo, service: client(demo.endpoint_url, service)


@pytest.fixture
def changes_cli(scenario, tmp_path, monkeypatch, capsys):
    """`start(name) -> (demo, proxy, run)`; `run(*args) -> (code, stdout, stderr)` runs
    `incident-console changes ...` in this process through the proxy."""
    proxies: list[FaultProxy] = []

    def start(name: str):
        demo = scenario(name)
        proxy = FaultProxy(demo.endpoint_url, stall_s=4.0).__enter__()
        proxies.append(proxy)
        for key, value in demo.env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        config = tmp_path / "config.toml"
        config.write_text("[env.default]\nread_timeout = 2.0\nconnect_timeout = 1.0\n")

        def run(*args: str) -> tuple[int, str, str]:
            capsys.readouterr()
            code = main(["changes", *args, "--endpoint-url", proxy.url, "--config", str(config)])
            out, err = capsys.readouterr()
            assert "Traceback" not in out + err and "unexpected error" not in out + err
            return code, out, err

        return demo, proxy, run

    yield start
    for proxy in proxies:
        proxy.__exit__(None, None, None)
