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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_cache_path, user_config_path, user_data_path, user_log_path

from console.config_schema import PROBE_NAMES  # noqa: F401  (re-exported: the probe names)
from probes.context import AwsSettings
from probes.deployment import DEFAULT_STACK, NameOverrides

APP_NAME = "incident-console"


class ConfigError(Exception):
    """The config file or the flags cannot be used; the message says what and how to fix it.
    Several mistakes in one file are several lines (`lines`), each complete on its own."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


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


def load_file(path: Path | None = None) -> FileConfig:
    """The file, read and checked whole (see `config_schema`); every mistake is one line of
    one `ConfigError`. No file at all is an empty config."""
    from console.config_schema import check_file
    from console.toml_file import MissingFile, TomlFileError, read_toml

    path = path or config_path()
    try:
        data = read_toml(path, "config file")
    except MissingFile:
        return FileConfig(path=path)
    except TomlFileError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    problems = check_file(path, data)
    if problems:
        raise ConfigError(*problems)
    ui = data.get("ui", {})
    return FileConfig(path=path, default_env=data.get("default_env"),
                      envs=data.get("env", {}), keys=dict(data.get("keys", {})),
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
    metric_overrides: dict[str, Any] = field(default_factory=dict)  # [env.NAME.metrics]

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
        metric_overrides=dict(section.get("metrics", {})),
    )
