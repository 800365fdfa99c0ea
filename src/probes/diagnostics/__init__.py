"""Diagnostics: the troubleshooting guide's "Issue:" entries, detected from live data.

Each diagnostic fetches what it needs (async: probe snapshots first, a few calls of its own)
and evaluates it with a pure function, so that every conclusion can be tested from recorded
responses in the shapes AWS documents. `run_diagnostics` runs them all, concurrently and each
guarded. UI-free: nothing here imports textual or rich.
"""

from probes.diagnostics.model import Diagnostic, Finding, Severity
from probes.diagnostics.runner import Outcome, Report, run_diagnostics

__all__ = ["Diagnostic", "Finding", "Outcome", "Report", "Severity", "run_diagnostics"]
