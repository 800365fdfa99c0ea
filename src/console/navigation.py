"""k9s-style navigation from the dashboard (issue 11 point 6): the raw JSON of the highlighted
row (`v`), `:` command mode, and the keys the command palette shows next to each command.

Refusals are said in one form wherever they come from (a key or the palette):
``<what>: <why>`` as a warning notification, see `refuse`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.keymap import key_label

if TYPE_CHECKING:
    from console.screens.dashboard import DashboardScreen


def refuse(target: Any, what: str, why: str) -> None:
    """The one way a refusal is said: ``Raw JSON: highlight a row first``."""
    target.notify(f"{what}: {why}", severity="warning", timeout=4)


def open_raw_json(dashboard: DashboardScreen) -> None:
    """`v`: the raw JSON of the focused pane's highlighted row (the service, the stack with no
    row), read from AWS now."""
    from console.raw_json import request_for
    from console.screens.raw_json import RawJsonScreen

    pane = dashboard.panes[dashboard.active]
    table = pane.query("KeyedTable")
    key = table.first().cursor_key if table and pane.data is not None else None
    request = request_for(pane.probe, key, pane.data, dashboard.connection.deployment)
    if isinstance(request, str):
        refuse(dashboard.app, "Raw JSON", request)
        return
    dashboard.app.push_screen(RawJsonScreen(request))


def open_command_line(app: Any) -> None:
    """`:`: a command line at the bottom (env, cluster, service)."""
    from console.screens.command_line import CommandLineScreen

    app.push_screen(CommandLineScreen(app.env.file), lambda text: _run_command(app, text))


def _run_command(app: Any, text: str | None) -> None:
    from console.context_switch import parse_command

    if not text:
        return
    command = parse_command(text, app.env.file)
    if isinstance(command, str):
        refuse(app, "Command", command)
        return
    app.run_worker(command.run(app), group="context-switch", exclusive=True,
                   exit_on_error=False)


def keyed(title: str, key: str | None) -> str:
    """A palette title with its key: ``Zoom the focused pane  (z)`` (the palette reads
    square brackets as markup)."""
    return f"{title}  ({key_label(key)})" if key else title


def binding_key(owner: Any, binding_id: str, app: Any = None) -> str | None:
    """The key bound to `binding_id` in `owner`'s BINDINGS, after a `[keys]` remapping."""
    keymap = getattr(app, "_keymap", None) or {}
    if binding_id in keymap:
        return keymap[binding_id]
    for binding in getattr(owner, "BINDINGS", ()):
        if getattr(binding, "id", None) == binding_id:
            return binding.key
    return None


def action_palette_title(app: Any, cls: Any) -> str:
    """``Action: Force a new deployment  (F in pane 2, refused: read-only)``: its key and
    pane, and why it would be refused now (choosing it says so, as the key does)."""
    from console.panes import PANE_CLASSES

    notes = []
    if cls.key:
        number = next((p.number for p in PANE_CLASSES if p.probe == cls.pane), None)
        key = key_label(binding_key(None, f"action.{cls.id}", app) or cls.key)
        notes.append(f"{key} in pane {number}" if number else key)
    reason = app.actions.availability(cls.id)
    if reason:
        notes.append(f"refused: {reason}")
    return f"Action: {cls.title}" + (f"  ({', '.join(notes)})" if notes else "")
