"""Fixtures for app tests: open the real app on an emulated scenario and read its screen."""

from __future__ import annotations

import io
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest
from rich.console import Console

from console.app import ConsoleApp
from console.config import FileConfig, Flags, resolve
from probes.suite import connect


def screen_text(app) -> str:
    """The screen as the user sees it, as plain text (what a terminal would show)."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(),
                      force_terminal=True, color_system="truecolor", record=True,
                      legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


async def wait_until(pilot, predicate, timeout: float = 10.0, step: float = 0.05) -> None:
    """Let the app run until `predicate()` holds; fail with a clear message otherwise."""
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
