"""What differs between two task definitions: the running one and the one an action would
deploy (a rollback, a size change). Shown in that action's confirmation.

Only what an operator checks before deploying: each container's image, the NAMES of its
environment variables and secrets (never their values: a value may be a password, and a
secret's valueFrom names where it lives), the task's and each container's CPU/memory, and the
container health check. Works on DescribeTaskDefinition's `taskDefinition` dict or on
RegisterTaskDefinition's parameters (the revision a size change is about to register).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DiffLine:
    """One compared item: `before` is the running revision's, `after` the deployed one's."""

    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class TaskDefinitionDiff:
    before_name: str  # family:revision running now
    after_name: str  # family:revision the action deploys
    lines: tuple[DiffLine, ...]

    @property
    def changed(self) -> tuple[DiffLine, ...]:
        return tuple(line for line in self.lines if line.changed)

    @property
    def unchanged(self) -> tuple[DiffLine, ...]:
        return tuple(line for line in self.lines if not line.changed)


def _size(value: Any) -> str:
    return str(value) if value not in (None, "", 0) else "-"


def health_check_text(check: dict[str, Any] | None) -> str:
    """``CMD-SHELL curl -f http://localhost/health || exit 1 (every 30s, timeout 5s, 3
    retries, start 0s)``, or ``none``."""
    if not check:
        return "none"
    command = " ".join(str(part) for part in check.get("command", []))
    return (f"{command} (every {check.get('interval', 30)}s, timeout "
            f"{check.get('timeout', 5)}s, {check.get('retries', 3)} retries, start "
            f"{check.get('startPeriod', 0)}s)")


def _names(entries: list[dict[str, Any]] | None) -> list[str]:
    """The `name` of each environment variable or secret: the value is never read."""
    return sorted(str(e.get("name", "")) for e in entries or [])


def _names_change(before: list[str], after: list[str]) -> tuple[str, str]:
    """Unchanged: both sides list the names. Changed: what was removed and added."""
    if before == after:
        shown = ", ".join(before) or "none"
        return shown, shown
    removed = [n for n in before if n not in after]
    added = [n for n in after if n not in before]
    return (", ".join(f"-{n}" for n in removed) or "(no name removed)",
            ", ".join(f"+{n}" for n in added) or "(no name added)")


def _revision_name(definition: dict[str, Any], fallback: str) -> str:
    if definition.get("family") and definition.get("revision"):
        return f"{definition['family']}:{definition['revision']}"
    return fallback


def diff_task_definitions(before: dict[str, Any], after: dict[str, Any], *,
                          after_name: str = "") -> TaskDefinitionDiff:
    """Compare `before` (running) with `after` (to deploy), container by container name."""
    lines = [DiffLine("task CPU/memory", f"{_size(before.get('cpu'))}/"
                      f"{_size(before.get('memory'))}",
                      f"{_size(after.get('cpu'))}/{_size(after.get('memory'))}")]
    old = {c.get("name", ""): c for c in before.get("containerDefinitions", [])}
    new = {c.get("name", ""): c for c in after.get("containerDefinitions", [])}
    for name in list(old) + [n for n in new if n not in old]:
        a, b = old.get(name), new.get(name)
        if a is None or b is None:
            lines.append(DiffLine(f"container {name}", "absent" if a is None else "present",
                                  "absent" if b is None else "present"))
            continue
        lines += [
            DiffLine(f"{name} image", str(a.get("image", "-")), str(b.get("image", "-"))),
            DiffLine(f"{name} CPU/memory",
                     f"{_size(a.get('cpu'))}/{_size(a.get('memory'))}",
                     f"{_size(b.get('cpu'))}/{_size(b.get('memory'))}"),
            DiffLine(f"{name} environment names",
                     *_names_change(_names(a.get("environment")), _names(b.get("environment")))),
            DiffLine(f"{name} secret names",
                     *_names_change(_names(a.get("secrets")), _names(b.get("secrets")))),
            DiffLine(f"{name} health check", health_check_text(a.get("healthCheck")),
                     health_check_text(b.get("healthCheck"))),
        ]
    return TaskDefinitionDiff(_revision_name(before, "running"),
                              after_name or _revision_name(after, "new revision"),
                              tuple(lines))


def diff_lines_text(diff: TaskDefinitionDiff) -> list[str]:
    """Plain lines for a CLI or a record: changed items first, then what stays the same."""
    out = [f"Task definition {diff.before_name} (running) -> {diff.after_name}"]
    for line in diff.changed:
        out.append(f"  {line.label}: {line.before} -> {line.after}")
    if not diff.changed:
        out.append("  no difference in image, environment names, CPU/memory or health check")
    same = [line.label for line in diff.unchanged]
    if same:
        out.append(f"  unchanged: {', '.join(same)}")
    return out
