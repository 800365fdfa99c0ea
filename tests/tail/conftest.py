"""Fixtures of the tail tests: log groups on the session's emulator, and a bare app for the
log view. Each test writes its own uniquely named group, so no reset is needed."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable

import boto3
import pytest
from textual.app import App
from textual.screen import Screen

from probes.context import AwsContext, AwsSettings

HOSTILE = {
    "rich markup": "[bold red]not bold[/] [link=https://evil.example]click[/link]",
    "csi clear": "before\x1b[2Jafter\x1b[31mred",
    "osc 52": "copy \x1b]52;c;ZXZpbA==\x1b\\ done",
    "osc 8 link": "\x1b]8;;https://evil.example\x07text\x1b]8;;\x07",
    "c1 csi": "eight-bit \x9b2J csi and \x9d52;c;eA==\x9c osc",
    "carriage return": "visible\rhidden overwrite",
    "nul and controls": "nul\x00bell\x07bs\x08del\x7fvt\x0bff\x0c",
    "line separators": "one\u2028two\u2029three\x85four",
    "invalid utf-8": "bad \udcff\udc80 bytes",
    "bidi override": "abc\u202edcba",
}
FORBIDDEN = set(map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0x202E]))


def forbidden_in(text: str) -> set[str]:
    return {c for c in text if c in FORBIDDEN or 0xD800 <= ord(c) <= 0xDFFF}


_counter = itertools.count()


class LogGroups:
    """Creates groups and writes events through boto3 (the producer side)."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        self.client = boto3.client("logs", endpoint_url=endpoint_url, region_name="eu-west-1",
                                   aws_access_key_id="testing", aws_secret_access_key="testing")

    def create(self, streams: list[str], prefix: str = "/ecs/tail-test") -> str:
        name = f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:6]}"
        self.client.create_log_group(logGroupName=name)
        for stream in streams:
            self.client.create_log_stream(logGroupName=name, logStreamName=stream)
        return name

    def put(self, group: str, stream: str, events: list[tuple[int, str]]) -> None:
        ordered = sorted(events)
        for i in range(0, len(ordered), 10_000):
            self.client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
                {"timestamp": ts, "message": m} for ts, m in ordered[i:i + 10_000]])

    def settings(self) -> AwsSettings:
        return AwsSettings(region="eu-west-1", endpoint_url=self.endpoint_url,
                           static_credentials=("testing", "testing"), max_attempts=1)


@pytest.fixture
def log_groups(emulator) -> LogGroups:
    return LogGroups(emulator.endpoint_url)


@pytest.fixture
async def aws(log_groups):
    ctx = AwsContext(log_groups.settings())
    yield ctx
    await ctx.close()


def now_ms() -> int:
    return int(time.time() * 1000)


class ScreenApp(App):
    """A bare app that shows one screen: the log view without the dashboard around it."""

    def __init__(self, make: Callable[[], Screen]) -> None:
        super().__init__()
        self._make = make

    def on_mount(self) -> None:
        self.push_screen(self._make())
