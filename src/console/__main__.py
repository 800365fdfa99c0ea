"""`python -m console` is `incident-console`."""

from console.cli import entry

entry()
