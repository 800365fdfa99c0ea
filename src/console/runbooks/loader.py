"""Load runbooks: those shipped with the package, then the user's own.

User runbooks live in `<config dir>/runbooks/*.toml`; one with the id of a shipped runbook
replaces it. A file with an error is reported (naming the file and the step) and skipped; the
other runbooks still load.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from console.runbooks.model import SEVERITIES, STEP_KINDS, Runbook, Step

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


def _text(table: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = table.get(key)
    if value is None:
        if required:
            raise RunbookError(f"{where}: missing {key!r}")
        return ""
    if not isinstance(value, str):
        raise RunbookError(f"{where}: {key!r} should be a string, not {value!r}")
    return value


def parse_runbook(data: dict[str, Any], path: Path) -> Runbook:
    from console.actions import ACTIONS
    from probes.checks import CHECKS

    unknown = set(data) - _RUNBOOK_KEYS
    if unknown:
        raise RunbookError(f"unknown key(s) {', '.join(sorted(unknown))} (known: "
                           f"{', '.join(sorted(_RUNBOOK_KEYS))})")
    runbook_id = _text(data, "id", "runbook")
    severity = data.get("severity")
    if severity is not None and severity not in SEVERITIES:
        raise RunbookError(f"severity should be one of {', '.join(SEVERITIES)}, not {severity!r}")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise RunbookError("needs at least one [[steps]] table")
    steps: list[Step] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_steps, start=1):
        where = f"step {number}" + (f" ({raw.get('id')})" if isinstance(raw, dict) and
                                    raw.get("id") else "")
        if not isinstance(raw, dict):
            raise RunbookError(f"{where}: should be a table")
        unknown = set(raw) - _STEP_KEYS
        if unknown:
            raise RunbookError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        step_id = _text(raw, "id", where)
        if step_id in seen:
            raise RunbookError(f"{where}: duplicate step id {step_id!r}")
        seen.add(step_id)
        kind = _text(raw, "kind", where)
        if kind not in STEP_KINDS:
            raise RunbookError(f"{where}: kind should be one of {', '.join(STEP_KINDS)}, "
                               f"not {kind!r}")
        check = raw.get("check")
        action = raw.get("action")
        if kind == "check" and check not in CHECKS:
            raise RunbookError(f"{where}: unknown check {check!r} (checks: "
                               f"{', '.join(sorted(CHECKS))})")
        if kind == "action" and action not in ACTIONS:
            raise RunbookError(f"{where}: unknown action {action!r} (actions: "
                               f"{', '.join(sorted(ACTIONS))})")
        when_failed = raw.get("when_failed")
        if when_failed is not None and when_failed not in seen:
            raise RunbookError(f"{where}: when_failed names {when_failed!r}, which is not an "
                               "earlier step")
        steps.append(Step(id=step_id, title=_text(raw, "title", where), kind=kind,
                          text=_text(raw, "text", where, required=False), check=check,
                          action=action, optional=bool(raw.get("optional", False)),
                          when_failed=when_failed))
    return Runbook(id=runbook_id, title=_text(data, "title", "runbook"), severity=severity,
                   description=_text(data, "description", "runbook", required=False),
                   steps=tuple(steps), source=path)


def load_file(path: Path) -> Runbook:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RunbookError(f"cannot read it ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RunbookError(f"not valid TOML: {exc}") from exc
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
            runbooks[runbook.id] = runbook
    return runbooks, problems
