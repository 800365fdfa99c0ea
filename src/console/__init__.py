"""incident-console: the Textual app, its CLI, config, panes, actions, runbooks and the demo."""

__version__ = "0.1.0"
