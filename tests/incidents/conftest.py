"""Fixtures for incident tests: a private data directory and a recorder with a test clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.incidents.helpers import StepClock

from console.incidents import IncidentRecorder


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every incident test writes under its own tmp dir, never the user's data dir."""
    directory = tmp_path / "data"
    monkeypatch.setenv("INCIDENT_CONSOLE_DATA_DIR", str(directory))
    monkeypatch.setenv("INCIDENT_CONSOLE_LOG_DIR", str(tmp_path / "log"))
    return directory


@pytest.fixture
def make_recorder(data_dir: Path) -> Callable[..., IncidentRecorder]:
    def make(environment: str = "prod", **kwargs) -> IncidentRecorder:
        kwargs.setdefault("now", StepClock())
        kwargs.setdefault("context", {"region": "eu-west-1", "account": "123456789012"})
        return IncidentRecorder(environment=environment, **kwargs)

    return make


@pytest.fixture
def recorder(make_recorder) -> IncidentRecorder:
    return make_recorder()
