"""Log line severity lives in the UI-free core (runbook checks use it too); re-exported here
for the panes and the tail."""

from probes.severity import Severity, is_error, severity_of

__all__ = ["Severity", "is_error", "severity_of"]
