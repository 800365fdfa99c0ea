"""What each key of the config file may hold: its type and its range, checked whole.

`check_file(path, data)` returns every mistake as one line naming the file, the key and what is
expected (``…/config.toml: env.prod.intervals.logs should be a number of seconds from 1 to
86400, not 0.0001``); an empty list means the file can be used. Numbers must be finite (TOML
accepts ``nan`` and ``inf``); a poll interval under a second would spend the account's shared
API quotas (FilterLogEvents: 5 requests/s per account and region).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.toml_file import shown

PROBE_NAMES = ("stack", "ecs", "targets", "logs", "alarms", "costs", "identity", "metrics")
MIN_INTERVAL_S, MAX_INTERVAL_S = 1, 86_400
MAX_TIMEOUT_S = 600
MAX_CACHE_HOURS = 744  # a month: Cost Explorer data of a month does not outlive it
MIN_LOG_LINES, MAX_LOG_LINES = 100, 1_000_000


@dataclass(frozen=True)
class Spec:
    """A key's expectation in words, and the test a value must pass."""

    expected: str
    accepts: Callable[[Any], bool]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and \
        math.isfinite(value)


def _theme(value: Any) -> bool:
    from textual.theme import BUILTIN_THEMES

    return isinstance(value, str) and value in BUILTIN_THEMES


def theme_names() -> str:
    from textual.theme import BUILTIN_THEMES

    return ", ".join(sorted(BUILTIN_THEMES))


STR = Spec("a string", lambda v: isinstance(v, str))
BOOL = Spec("true or false", lambda v: isinstance(v, bool))
STR_LIST = Spec("a list of strings",
                lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v))
TABLE = Spec("a table", lambda v: isinstance(v, dict))
INTERVAL = Spec(f"a number of seconds from {MIN_INTERVAL_S} to {MAX_INTERVAL_S}",
                lambda v: _number(v) and MIN_INTERVAL_S <= v <= MAX_INTERVAL_S)
TIMEOUT = Spec(f"a number of seconds above 0, at most {MAX_TIMEOUT_S}",
               lambda v: _number(v) and 0 < v <= MAX_TIMEOUT_S)
CACHE_HOURS = Spec(f"a number of hours above 0, at most {MAX_CACHE_HOURS}",
                   lambda v: _number(v) and 0 < v <= MAX_CACHE_HOURS)
OVERLAP = Spec("a number of seconds from 2 to 3600",
               lambda v: _number(v) and 2 <= v <= 3600)
LOG_LINES = Spec(f"a whole number from {MIN_LOG_LINES} to {MAX_LOG_LINES}",
                 lambda v: isinstance(v, int) and not isinstance(v, bool)
                 and MIN_LOG_LINES <= v <= MAX_LOG_LINES)

ENV_KEYS: dict[str, Spec] = {
    "profile": STR, "region": STR, "endpoint_url": STR, "stack": STR, "write": BOOL,
    "cluster": STR, "service": STR, "log_groups": STR_LIST, "target_groups": STR_LIST,
    "alarm_prefix": STR, "secret": STR, "distribution_id": STR, "buckets": STR_LIST,
    "topics": STR_LIST, "cost_cache_hours": CACHE_HOURS, "connect_timeout": TIMEOUT,
    "read_timeout": TIMEOUT, "intervals": Spec("a table of probe = seconds", TABLE.accepts),
    # how late a log event may arrive and still show promptly, once
    "logs_overlap_s": OVERLAP,
    # the metrics probe's signals: id = false | { namespace, metric, stat, dimensions }
    "metrics": Spec("a table of signal id = false or { metric = ..., stat = ... }",
                    TABLE.accepts),
}
TOP_KEYS: dict[str, Spec] = {
    "default_env": STR, "env": Spec("a table of environments", TABLE.accepts),
    "keys": Spec("a table of binding id = \"keys\"", TABLE.accepts), "ui": TABLE,
}
UI_KEYS: dict[str, Spec] = {"theme": Spec("one of Textual's themes", _theme),
                            "log_lines": LOG_LINES}


def check_file(path: Path, data: dict[str, Any]) -> list[str]:
    """Every mistake in the parsed file, one line each (empty: the file is good)."""
    problems: list[str] = []
    _check_table(path, "", data, TOP_KEYS, problems)
    envs = data.get("env")
    for name, env in (envs.items() if isinstance(envs, dict) else ()):
        if not isinstance(env, dict):
            problems.append(f"{path}: env.{name} should be a table ([env.{name}])")
            continue
        _check_table(path, f"env.{name}.", env, ENV_KEYS, problems)
        intervals = env.get("intervals")
        for probe, seconds in (intervals.items() if isinstance(intervals, dict) else ()):
            where = f"env.{name}.intervals.{probe}"
            if probe not in PROBE_NAMES:
                problems.append(f"{path}: unknown probe {where!r} (probes: "
                                f"{', '.join(PROBE_NAMES)})")
            elif not INTERVAL.accepts(seconds):
                problems.append(f"{path}: {where} should be {INTERVAL.expected}, "
                                f"not {shown(seconds)}")
        metrics = env.get("metrics")
        if isinstance(metrics, dict):
            from probes.metric_signals import check_overrides

            problems.extend(f"{path}: env.{name}.{line}" for line in check_overrides(metrics))
    ui = data.get("ui")
    if isinstance(ui, dict):
        _check_table(path, "ui.", ui, UI_KEYS, problems)
    keys = data.get("keys")
    if isinstance(keys, dict) and keys:
        from console.keymap import check_keymap

        problems.extend(f"{path}: {line}" for line in check_keymap(keys))
    default_env = data.get("default_env")
    if isinstance(default_env, str) and default_env not in (envs or {}):
        problems.append(f"{path}: default_env = {default_env!r} but there is no "
                        f"[env.{default_env}] table")
    return problems


def _check_table(path: Path, prefix: str, table: dict[str, Any], schema: dict[str, Spec],
                 problems: list[str]) -> None:
    for key, value in table.items():
        where = f"{prefix}{key}"
        spec = schema.get(key)
        if spec is None:
            problems.append(f"{path}: unknown key {where!r} (known keys: "
                            f"{', '.join(sorted(schema))})")
        elif not spec.accepts(value):
            expected = spec.expected
            if spec.accepts is _theme:
                expected = f"one of Textual's themes ({theme_names()})"
            problems.append(f"{path}: {where} should be {expected}, not {shown(value)}")
