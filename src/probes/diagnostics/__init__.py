"""Diagnostics: the troubleshooting guide's "Issue:" entries, detected from live data.

Each diagnostic fetches what it needs (async: probe snapshots first, a few calls of its own)
and evaluates it with a pure function, so that every conclusion can be tested from recorded
responses in the shapes AWS documents. `run_diagnostics` runs them all, concurrently and each
guarded. UI-free: nothing here imports textual or rich.
"""

from typing import Any

__all__ = ["Diagnostic", "Finding", "Outcome", "Report", "Severity", "run_diagnostics"]


def __getattr__(name: str) -> Any:
    """Import the runner (and with it every diagnostic) only when asked: actions import small
    constants from this package's modules, and the dashboard's start-up should not pay for
    22 diagnostics it runs only when `d` is pressed."""
    if name in ("Diagnostic", "Finding", "Severity"):
        from probes.diagnostics import model

        return getattr(model, name)
    if name in ("Outcome", "Report", "run_diagnostics"):
        from probes.diagnostics import runner

        return getattr(runner, name)
    raise AttributeError(name)
