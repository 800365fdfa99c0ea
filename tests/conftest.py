"""Session-wide fixtures: one emulated AWS (moto's server, in this process) for every test.

`scenario("p0-outage")` gives a freshly built scenario on the shared emulator;
`own_emulator("p0-outage")` gives one on a server of its own, for tests that stop it. moto keeps
its state per process: every server of the session serves the same (last built) resources.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from console.app import ConsoleApp
from console.config import FileConfig, Flags, resolve
from probes.suite import connect

# moto's request recorder (used to prove read-only mode sends no write) writes to this file;
# it reads the variable once, when moto's API module is imported, after this conftest.
os.environ.setdefault("MOTO_RECORDER_FILEPATH",
                      os.path.join(tempfile.mkdtemp(prefix="moto-recording-"), "requests.jsonl"))

if TYPE_CHECKING:
    from console.demo import DemoRun
    from console.demo.harness import ScenarioHandle
    from console.demo.server import Emulator


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's config, data, cache or log directories: an incident
    left open there, or a cached cost, would leak from one test (or one developer) into the
    next."""
    base = tmp_path_factory.mktemp("dirs")
    for name in ("DATA", "LOG", "CACHE"):
        monkeypatch.setenv(f"INCIDENT_CONSOLE_{name}_DIR", str(base / name.lower()))
    monkeypatch.setenv("INCIDENT_CONSOLE_CONFIG", str(base / "config.toml"))


@pytest.fixture(autouse=True)
def fresh_request_budgets() -> Iterator[None]:
    """Each test starts with full request budgets: one test's pacing or throttling must not
    slow the next (the budgets are per process, like the emulator)."""
    from probes.request_budget import reset_budgets

    reset_budgets()
    yield
    reset_budgets()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One moto server for the whole session, warmed up: a first scenario build loads every
    backend the demo uses (~2.5 s once; later builds take ~0.35 s)."""
    from console.demo.build import build
    from console.demo.server import Emulator

    with Emulator() as running:
        build(running.endpoint_url, "healthy")
        yield running


@pytest.fixture
def scenario(emulator: Emulator) -> Iterator[Callable[[str], ScenarioHandle]]:
    """Factory: `scenario("p0-outage")` resets the shared emulator (moto's state and the
    injected states), builds that scenario and returns a handle with `.endpoint_url`,
    `.settings(**overrides)` (static credentials, `max_attempts=1`), `.env()`, `.built` and
    `.traffic(...)` for a log producer. Producers are stopped after the test."""
    from console.demo.harness import open_scenario

    handles: list[ScenarioHandle] = []

    def build(name: str) -> ScenarioHandle:
        handle = open_scenario(emulator, name)
        handles.append(handle)
        return handle

    yield build
    for handle in handles:
        handle.close()


@pytest.fixture
def strict_emulator(scenario) -> Iterator[Callable[[str], ScenarioHandle]]:
    """`scenario`, with the emulator answering as AWS does where moto is lenient: stack events
    and ListTasks paged at 100, composite alarms served and AlarmTypes honoured, unknown log
    stream names refused, `late/` streams ingested late. Turned off after the test."""
    from console.demo import backend

    backend.enable_strict_paging_and_alarms()
    backend.strict_log_stream_names(True)
    # Every second batch of a `late/...` stream is ingested 8 s late (unsearchable till then).
    backend.delay_log_ingestion(8_000, stream_prefix="late/", every=2)
    try:
        yield scenario
    finally:
        backend.enable_strict_paging_and_alarms(False)
        backend.strict_log_stream_names(False)
        backend.delay_log_ingestion(0)


@pytest.fixture
def own_emulator() -> Iterator[Callable[[str], DemoRun]]:
    """Factory: `own_emulator("p0-outage")` starts a separate server with that scenario (no
    log traffic) and returns its `DemoRun` (`.endpoint_url`, `.settings()`, `.stop()`): for
    tests that stop the endpoint. Building it resets the state `scenario` built (moto's state
    is process-wide). Stopped after the test in any case."""
    from console.demo import DemoRun

    runs: list[DemoRun] = []

    def start(name: str) -> DemoRun:
        run = DemoRun(name, traffic=False)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.stop()


# --- App fixtures: the real app on an emulated scenario, and its screen as text. ---
def screen_text(app) -> str:
    """The screen as the user sees it, as plain text (what a terminal would show)."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(),
                      force_terminal=True, color_system="truecolor", record=True,
                      legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


async def wait_until(pilot, predicate, timeout: float = 60.0, step: float = 0.05) -> None:
    """Let the app run until `predicate()` holds; fail with a clear message otherwise. The
    timeout is generous: CI is a busy 2-core machine (a passing wait returns at once)."""
    waited = 0.0
    while not predicate():
        if waited >= timeout:
            raise AssertionError(f"condition not met within {timeout}s")
        await pilot.pause(step)
        waited += step


def env_for(demo, tmp_path, **flags):
    file = FileConfig(path=tmp_path / "config.toml")
    env = resolve(Flags(**flags), env_vars={}, file=file)
    return replace(env, aws=demo.settings(), name="test")


@pytest.fixture
def open_app(tmp_path):
    """`async with open_app(demo, size=(120, 40)) as (app, pilot):` the real app, connected to
    the emulated scenario, probes running."""

    @asynccontextmanager
    async def opener(demo, size=(120, 40), write=False, **app_kwargs):
        env = env_for(demo, tmp_path, write=write)
        connection = await connect(env.aws, env.stack, env.overrides)
        app = ConsoleApp(env, connection, cost_cache_dir=tmp_path / "cache", **app_kwargs)
        try:
            async with app.run_test(size=size) as pilot:
                yield app, pilot
        finally:
            await connection.close()

    return opener


def all_panes_have_data(app) -> bool:
    return all(p.data is not None for p in app.dashboard.panes.values())


@pytest.fixture
def read_screen():
    """The function that renders the app's screen to plain text."""
    return screen_text


@pytest.fixture
def until():
    """`await until(pilot, predicate)`: run the app until the predicate holds."""
    return wait_until


@pytest.fixture
def complete():
    """Predicate: every pane has data."""
    return all_panes_have_data
