"""Load runbooks: those shipped with the package, then the user's own.

User runbooks live in `<config dir>/runbooks/*.toml`; one with the id of a shipped runbook
replaces it. A file with an error is reported (naming the file and the step) and skipped; the
other runbooks still load.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from console.runbooks.model import SEVERITIES, STEP_KINDS, Runbook, Step
from console.sanitize import clean
from console.toml_file import TomlFileError, read_toml, shown

log = logging.getLogger(__name__)
_RUNBOOK_KEYS = {"id", "title", "severity", "description", "steps"}
_STEP_KEYS = {"id", "title", "kind", "text", "check", "action", "optional", "when_failed"}


class RunbookError(ValueError):
    pass


@dataclass(frozen=True)
class LoadProblem:
    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def shipped_dir() -> Path:
    return Path(str(resources.files("console.runbooks") / "library"))


def user_dir() -> Path:
    from console.config import config_path

    return config_path().parent / "runbooks"


def _text(table: dict[str, Any], key: str, where: str, required: bool = True,
          expected: str = "a string") -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise RunbookError(f"{where}: missing {key!r} ({expected})")
        return ""
    if not isinstance(value, str):
        raise RunbookError(f"{where}: {key!r} should be {expected}, not {shown(value)}")
    return value


def _where(number: int, raw: Any) -> str:
    step_id = raw.get("id") if isinstance(raw, dict) else None
    return f"step {number}" + (f" ({clean(step_id, limit=60)})" if isinstance(step_id, str)
                               and step_id else "")


def parse_runbook(data: dict[str, Any], path: Path) -> Runbook:
    """Check the whole file against the schema; the first mistake is a `RunbookError`
    naming the step and the key and saying what is expected."""
    from console.actions import ACTIONS
    from probes.checks import CHECKS

    unknown = set(data) - _RUNBOOK_KEYS
    if unknown:
        raise RunbookError(f"unknown key(s) {', '.join(sorted(map(str, unknown)))} (known: "
                           f"{', '.join(sorted(_RUNBOOK_KEYS))})")
    runbook_id = _text(data, "id", "runbook")
    severity = data.get("severity")
    if severity is not None and (not isinstance(severity, str) or severity not in SEVERITIES):
        raise RunbookError(f"'severity' should be one of {', '.join(SEVERITIES)}, "
                           f"not {shown(severity)}")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise RunbookError("needs at least one [[steps]] table")
    steps: list[Step] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_steps, start=1):
        where = _where(number, raw)
        if not isinstance(raw, dict):
            raise RunbookError(f"{where}: should be a table ([[steps]]), not {shown(raw)}")
        unknown = set(raw) - _STEP_KEYS
        if unknown:
            raise RunbookError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: "
                               f"{', '.join(sorted(_STEP_KEYS))})")
        step_id = _text(raw, "id", where)
        if step_id in seen:
            raise RunbookError(f"{where}: duplicate step id {step_id!r}")
        kind = _text(raw, "kind", where, expected=f"one of {', '.join(STEP_KINDS)}")
        if kind not in STEP_KINDS:
            raise RunbookError(f"{where}: 'kind' should be one of {', '.join(STEP_KINDS)}, "
                               f"not {kind!r}")
        check = _text(raw, "check", where, required=kind == "check",
                      expected="a string: the name of a check") or None
        action = _text(raw, "action", where, required=kind == "action",
                       expected="a string: the id of an action") or None
        if kind == "check" and check not in CHECKS:
            raise RunbookError(f"{where}: unknown check {check!r} (checks: "
                               f"{', '.join(sorted(CHECKS))})")
        if kind == "action" and action not in ACTIONS:
            raise RunbookError(f"{where}: unknown action {action!r} (actions: "
                               f"{', '.join(sorted(ACTIONS))})")
        when_failed = _text(raw, "when_failed", where, required=False,
                            expected="a string: the id of an earlier step") or None
        if when_failed is not None and when_failed not in seen:
            raise RunbookError(f"{where}: when_failed names {when_failed!r}, which is not an "
                               "earlier step")
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            raise RunbookError(f"{where}: 'optional' should be true or false, "
                               f"not {shown(optional)}")
        seen.add(step_id)
        steps.append(Step(id=step_id, title=_text(raw, "title", where), kind=kind,
                          text=_text(raw, "text", where, required=False), check=check,
                          action=action, optional=optional, when_failed=when_failed))
    return Runbook(id=runbook_id, title=_text(data, "title", "runbook"), severity=severity,
                   description=_text(data, "description", "runbook", required=False),
                   steps=tuple(steps), source=path)


def load_file(path: Path) -> Runbook:
    """One runbook file, read within the limits of `console.toml_file` and checked whole."""
    try:
        data = read_toml(path, "runbook file")
    except TomlFileError as exc:
        raise RunbookError(str(exc)) from None
    return parse_runbook(data, path)


def load_runbooks(directories: list[Path] | None = None) -> tuple[dict[str, Runbook],
                                                                   list[LoadProblem]]:
    """Every runbook by id (later directories override earlier ones), and the problems."""
    directories = directories if directories is not None else [shipped_dir(), user_dir()]
    runbooks: dict[str, Runbook] = {}
    problems: list[LoadProblem] = []
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                runbook = load_file(path)
            except RunbookError as exc:
                problems.append(LoadProblem(path, str(exc)))
                continue
            except Exception as exc:  # a file must never stop the console from starting
                log.exception("runbook %s could not be loaded", path)
                problems.append(LoadProblem(path, f"could not be loaded ({type(exc).__name__}"
                                                  f": {exc}); details are in the log"))
                continue
            runbooks[runbook.id] = runbook
    return runbooks, problems
