"""The console's key bindings by id, and the check of a user's `[keys]` remapping.

`[keys]` maps a binding id to the keys that replace its defaults (``zoom = "z,ctrl+z"``;
Textual's `App.set_keymap`). `check_keymap` refuses what would silently misbehave: an id no
binding has (a typo: remapping nothing), a key Textual does not know, and a key that another
binding already uses where the remapped one is active (``zoom = "q"`` would take over quit).

Where a binding is active: the app's own bindings everywhere; the dashboard's with each pane's
(a focused pane's bindings take precedence over the dashboard's); any other screen's or
widget's with the app's. Textual's built-in keys (Ctrl+Q, Ctrl+C, Ctrl+P, Tab) are reserved.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding

from console.toml_file import shown

APP_BINDINGS = [
    Binding("q", "quit", "Quit", id="quit"),
    Binding("question_mark", "help", "Keys", show=False, id="help"),
    Binding("r", "refresh", "Refresh", show=False, id="refresh"),
]
RESERVED_KEYS = {"ctrl+q": "Textual's quit", "ctrl+c": "copy / quit",
                 "ctrl+p": "the command palette", "tab": "focus next",
                 "shift+tab": "focus previous"}
_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


@dataclass(frozen=True)
class Owner:
    """A class that declares bindings, and how it is placed: app, dashboard, pane, other."""

    name: str
    kind: str
    bindings: tuple[Binding, ...]


def split_keys(keys: str) -> list[str]:
    """``"z, ?"`` -> ``["z", "question_mark"]`` (Textual's long names)."""
    from textual.keys import _normalize_key_list

    return [_normalize_key_list(part.strip()) for part in keys.split(",") if part.strip()]


_PRINTED = {"pageup": "PgUp", "pagedown": "PgDn", "escape": "Esc", "enter": "Enter",
            "home": "Home", "end": "End", "up": "↑", "down": "↓", "left": "←",
            "right": "→", "tab": "Tab", "space": "Space", "delete": "Del",
            "backspace": "Backspace", "insert": "Ins"}


def key_label(key: str) -> str:
    """A key as printed on the keyboard: ``exclamation_mark`` -> ``!``, ``pageup`` ->
    ``PgUp``, ``ctrl+p`` -> ``Ctrl+P``; several keys (``"escape,q"``) -> ``Esc, q``."""
    from textual.keys import format_key, key_to_character

    labels = []
    for one in (k.strip() for k in key.split(",") if k.strip()):
        *modifiers, base = one.split("+") if one != "+" else ["+"]
        if base in _PRINTED:
            shown = _PRINTED[base]
        elif len(base) == 1:
            shown = base.upper() if modifiers else base
        elif base.startswith("f") and base[1:].isdigit():
            shown = base.upper()
        else:
            shown = key_to_character(base) or format_key(base)
        labels.append("+".join([m.capitalize() for m in modifiers] + [shown]))
    return ", ".join(labels)


def _known_key_names() -> set[str]:
    from textual.keys import Keys, _character_to_key

    names = {k.value.rsplit("+", 1)[-1] for k in Keys}
    names |= {_character_to_key(chr(code)) for code in range(32, 127)}
    return names


def key_is_known(key: str, names: set[str]) -> bool:
    *modifiers, base = key.split("+") if key != "+" else ["+"]
    return all(m in _MODIFIERS for m in modifiers) and (len(base) == 1 or base in names)


def owners() -> list[Owner]:
    """Every class of the console that declares bindings."""
    import console.screens
    import console.widgets
    from console.panes import PANE_CLASSES
    from console.screens.dashboard import DashboardScreen

    found = [Owner("app", "app", tuple(APP_BINDINGS)),
             Owner("DashboardScreen", "dashboard", tuple(DashboardScreen.BINDINGS))]
    found += [Owner(cls.__name__, "pane", tuple(cls.BINDINGS)) for cls in PANE_CLASSES
              if "BINDINGS" in cls.__dict__]
    for package in (console.screens, console.widgets):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if (cls.__module__ == module.__name__ and "BINDINGS" in cls.__dict__
                        and cls is not DashboardScreen):
                    found.append(Owner(name, "other", tuple(
                        b for b in cls.BINDINGS if isinstance(b, Binding))))
    return found


def _context(owner: Owner, every: list[Owner]) -> Iterable[Owner]:
    """The owners whose bindings are active together with `owner`'s."""
    together = {("app", "dashboard"), ("app", "pane"), ("pane", "dashboard"),
                ("dashboard", "pane")}
    for other in every:
        if other is owner or other.kind == "app" or (owner.kind, other.kind) in together:
            yield other


def check_keymap(keymap: dict[str, object]) -> list[str]:
    """Every problem in a `[keys]` table, one line each (without the file's path)."""
    every = owners()
    ids = sorted({b.id for o in every for b in o.bindings if b.id})
    names = _known_key_names()
    problems: list[str] = []
    wanted: dict[str, list[str]] = {}
    for binding_id, value in keymap.items():
        if binding_id not in ids:
            close = difflib.get_close_matches(binding_id, ids, n=3, cutoff=0.6)
            hint = (f"did you mean {' or '.join(repr(c) for c in close)}?" if close
                    else f"binding ids: {', '.join(ids)}")
            problems.append(f"keys.{binding_id}: unknown binding id {binding_id!r} ({hint})")
            continue
        keys = split_keys(value) if isinstance(value, str) else []
        if not keys:
            problems.append(f"keys.{binding_id} should be a string of keys like \"z\" or "
                            f"\"z,ctrl+z\", not {shown(value)}")
            continue
        unknown = [k for k in keys if not key_is_known(k, names)]
        if unknown:
            problems.append(f"keys.{binding_id}: {unknown[0]!r} is not a key name (use a "
                            "character, or names like ctrl+z, f5, escape, question_mark)")
            continue
        wanted[binding_id] = keys
    problems += _clashes(wanted, every)
    return problems


def _final_keys(binding: Binding, wanted: dict[str, list[str]]) -> list[str]:
    if binding.id and binding.id in wanted:
        return wanted[binding.id]
    return split_keys(binding.key)


def _clashes(wanted: dict[str, list[str]], every: list[Owner]) -> list[str]:
    problems: list[str] = []
    for binding_id, keys in wanted.items():
        told = False
        for owner in (o for o in every if any(b.id == binding_id for b in o.bindings)):
            for key in keys:
                if key in RESERVED_KEYS and not told:
                    problems.append(f"keys.{binding_id} = {','.join(keys)!r}: {key} is "
                                    f"{RESERVED_KEYS[key]}; choose another key")
                    told = True
                for other in _context(owner, every):
                    for binding in other.bindings:
                        if told or binding.id == binding_id:
                            continue
                        if key in _final_keys(binding, wanted):
                            what = binding.id or binding.action
                            problems.append(
                                f"keys.{binding_id} = {','.join(keys)!r}: {key} is already "
                                f"{what!r} ({binding.description or binding.action}); "
                                "choose a free key or remap that one too")
                            told = True
    return problems
