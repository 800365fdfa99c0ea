"""The config file and the flags: which environment, where, as whom, and what may change.

The file is TOML at the platformdirs user config path (``incident-console config-path`` prints
it), or the file named by ``--config`` / ``INCIDENT_CONSOLE_CONFIG``::

    default_env = "prod"

    [env.prod]
    profile = "prod-oncall"
    region = "eu-west-1"
    stack = "children-drawing-prod"
    write = false                      # allow actions that change AWS state

    [env.prod.intervals]               # seconds, per probe
    ecs = 10

    [keys]                             # remap keys: binding id = "keys"
    zoom = "z"

Precedence: flags, then the chosen environment in the file, then the AWS environment variables
(AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL), then the guide's defaults.
Every problem in the file is one `ConfigError` naming the file, the key and what was expected.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_cache_path, user_config_path, user_data_path, user_log_path

from probes.context import AwsSettings
from probes.deployment import DEFAULT_STACK, NameOverrides

APP_NAME = "incident-console"
PROBE_NAMES = ("stack", "ecs", "targets", "logs", "alarms", "costs", "identity")


class ConfigError(Exception):
    """The config file or the flags cannot be used; the message says what and how to fix it."""


def config_path() -> Path:
    """Where the config file is read from (tests patch INCIDENT_CONSOLE_CONFIG)."""
    explicit = os.environ.get("INCIDENT_CONSOLE_CONFIG")
    return Path(explicit) if explicit else user_config_path(APP_NAME) / "config.toml"


def data_dir() -> Path:
    explicit = os.environ.get("INCIDENT_CONSOLE_DATA_DIR")
    return Path(explicit) if explicit else user_data_path(APP_NAME)


def cache_dir() -> Path:
    explicit = os.environ.get("INCIDENT_CONSOLE_CACHE_DIR")
    return Path(explicit) if explicit else user_cache_path(APP_NAME)


def log_dir() -> Path:
    explicit = os.environ.get("INCIDENT_CONSOLE_LOG_DIR")
    return Path(explicit) if explicit else user_log_path(APP_NAME)


# key -> (accepted types, what to say when wrong)
_STR = ((str,), "a string")
_BOOL = ((bool,), "true or false")
_NUM = ((int, float), "a number")
_STR_LIST = ((list,), "a list of strings")
_ENV_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "profile": _STR, "region": _STR, "endpoint_url": _STR, "stack": _STR, "write": _BOOL,
    "cluster": _STR, "service": _STR, "log_groups": _STR_LIST, "target_groups": _STR_LIST,
    "alarm_prefix": _STR, "secret": _STR, "distribution_id": _STR, "buckets": _STR_LIST,
    "topics": _STR_LIST, "cost_cache_hours": _NUM, "connect_timeout": _NUM,
    "read_timeout": _NUM, "intervals": ((dict,), "a table of probe = seconds"),
    "logs_overlap_s": _NUM,  # how late a log event may arrive and still show promptly, once
}
_TOP_KEYS = {"default_env": _STR, "env": ((dict,), "a table of environments"),
             "keys": ((dict,), "a table of binding = keys"),
             "ui": ((dict,), "a table")}
_UI_KEYS = {"theme": _STR, "log_lines": _NUM}


@dataclass(frozen=True)
class FileConfig:
    """The file as read and checked; empty when there is no file."""

    path: Path
    default_env: str | None = None
    envs: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    log_lines: int = 10_000
    exists: bool = False


def _check(path: Path, where: str, value: Any, spec: tuple[tuple[type, ...], str]) -> None:
    types, expected = spec
    ok = isinstance(value, types) and not (bool not in types and isinstance(value, bool))
    if ok and types == (list,):
        ok = all(isinstance(v, str) for v in value)
    if not ok:
        raise ConfigError(f"{path}: {where} should be {expected}, not {value!r}")


def _check_table(path: Path, prefix: str, table: dict[str, Any],
                 schema: dict[str, tuple[tuple[type, ...], str]]) -> None:
    for key, value in table.items():
        where = f"{prefix}{key}"
        if key not in schema:
            known = ", ".join(sorted(schema))
            raise ConfigError(f"{path}: unknown key {where!r} (known keys: {known})")
        _check(path, where, value, schema[key])


def load_file(path: Path | None = None) -> FileConfig:
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return FileConfig(path=path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc

    _check_table(path, "", data, _TOP_KEYS)
    envs: dict[str, dict[str, Any]] = data.get("env", {})
    for name, env in envs.items():
        if not isinstance(env, dict):
            raise ConfigError(f"{path}: env.{name} should be a table ([env.{name}])")
        _check_table(path, f"env.{name}.", env, _ENV_KEYS)
        for probe, seconds in env.get("intervals", {}).items():
            if probe not in PROBE_NAMES:
                raise ConfigError(f"{path}: unknown probe 'env.{name}.intervals.{probe}' "
                                  f"(probes: {', '.join(PROBE_NAMES)})")
            _check(path, f"env.{name}.intervals.{probe}", seconds, _NUM)
            if seconds <= 0:
                raise ConfigError(f"{path}: env.{name}.intervals.{probe} must be above 0")
    keys = data.get("keys", {})
    for binding, value in keys.items():
        _check(path, f"keys.{binding}", value, _STR)
    ui = data.get("ui", {})
    _check_table(path, "ui.", ui, _UI_KEYS)
    default_env = data.get("default_env")
    if default_env is not None and default_env not in envs:
        raise ConfigError(f"{path}: default_env = {default_env!r} but there is no "
                          f"[env.{default_env}] table")
    return FileConfig(path=path, default_env=default_env, envs=envs, keys=dict(keys),
                      theme=ui.get("theme"), log_lines=int(ui.get("log_lines", 10_000)),
                      exists=True)


@dataclass(frozen=True)
class Flags:
    """The common flags every command takes; None means "not given"."""

    env: str | None = None
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    stack: str | None = None
    cluster: str | None = None
    service: str | None = None
    log_groups: tuple[str, ...] = ()
    write: bool | None = None  # --write True, --read-only False
    config: Path | None = None


@dataclass(frozen=True)
class Environment:
    """Everything a command needs to reach and watch one deployment."""

    name: str
    aws: AwsSettings
    stack: str
    overrides: NameOverrides
    write: bool
    intervals: dict[str, float]
    cost_cache_ttl_s: float
    file: FileConfig
    logs_overlap_s: float = 60.0

    @property
    def read_only(self) -> bool:
        return not self.write


def resolve(flags: Flags, env_vars: dict[str, str] | None = None,
            file: FileConfig | None = None) -> Environment:
    """Combine flags, file and environment variables into one `Environment`."""
    file = file or load_file(flags.config)
    env_vars = dict(os.environ) if env_vars is None else env_vars
    name = flags.env or file.default_env or "default"
    if flags.env and flags.env not in file.envs:
        where = f"{file.path}" if file.exists else f"{file.path} (which does not exist)"
        known = ", ".join(sorted(file.envs)) or "none"
        raise ConfigError(f"unknown environment {flags.env!r}: no [env.{flags.env}] in {where}; "
                          f"known environments: {known}")
    section = file.envs.get(name, {})

    def pick(flag: Any, key: str) -> Any:
        return flag if flag not in (None, ()) else section.get(key)

    aws = AwsSettings.from_environment(
        env_vars,
        profile=pick(flags.profile, "profile"),
        region=pick(flags.region, "region"),
        endpoint_url=pick(flags.endpoint_url, "endpoint_url"),
        connect_timeout=section.get("connect_timeout"),
        read_timeout=section.get("read_timeout"),
    )
    if aws.endpoint_url and not aws.endpoint_url.startswith(("http://", "https://")):
        raise ConfigError(f"endpoint URL {aws.endpoint_url!r} should start with http:// or "
                          "https://")
    overrides = NameOverrides(
        cluster=pick(flags.cluster, "cluster"),
        service=pick(flags.service, "service"),
        log_groups=tuple(pick(flags.log_groups, "log_groups") or ()),
        target_groups=tuple(section.get("target_groups", ())),
        alarm_prefix=section.get("alarm_prefix"),
        secret=section.get("secret"),
        distribution_id=section.get("distribution_id"),
        buckets=tuple(section.get("buckets", ())),
        topics=tuple(section.get("topics", ())),
    )
    write = flags.write if flags.write is not None else bool(section.get("write", False))
    return Environment(
        name=name,
        aws=aws,
        stack=pick(flags.stack, "stack") or DEFAULT_STACK,
        overrides=overrides,
        write=write,
        intervals={k: float(v) for k, v in section.get("intervals", {}).items()},
        cost_cache_ttl_s=float(section.get("cost_cache_hours", 6)) * 3600,
        file=file,
        logs_overlap_s=float(section.get("logs_overlap_s", 60.0)),
    )
