"""Discovery kept on disk, and checked against AWS in the first round of requests.

Discovery costs two dependent round trips (the stack's resources, then the service and its task
definition) before any probe can start. What it finds changes only when the stack or the
service's task definition does, so the result is kept in the cache directory with what it was
found under: the stack's id (a deleted and rebuilt stack has a new one), its LastUpdatedTime
(or CreationTime) and the service's task definition ARN, and the account. On the next start,
DescribeStacks and DescribeServices (on the cached names) go out with GetCallerIdentity; when
all three still agree, the cached names are used as they are; otherwise discovery runs again
at once. Only a discovery without problems is kept. A file that cannot be read or written is
ignored (the console discovers as if there were none) and logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from probes.deployment import Deployment, NameOverrides, StackResource

log = logging.getLogger(__name__)
VERSION = 1


@dataclass(frozen=True)
class StackMark:
    """What says the stack is the one discovery looked at."""

    stack_id: str
    updated: str  # LastUpdatedTime, else CreationTime, ISO 8601

    @classmethod
    def of(cls, described: dict[str, Any]) -> StackMark:
        stack = (described.get("Stacks") or [{}])[0]
        moment = stack.get("LastUpdatedTime") or stack.get("CreationTime")
        return cls(stack.get("StackId", ""), moment.isoformat() if moment else "")


@dataclass(frozen=True)
class CachedDiscovery:
    deployment: Deployment
    mark: StackMark
    account: str

    def still_valid(self, mark: StackMark, task_definition: str | None, account: str) -> bool:
        return (bool(mark.stack_id) and mark == self.mark and account == self.account
                and task_definition == self.deployment.task_definition)


def _encode(deployment: Deployment) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(Deployment):
        value = getattr(deployment, f.name)
        if f.name == "resources":
            value = [[r.logical_id, r.resource_type, r.physical_id, r.status] for r in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    out.pop("problems")
    return out


def _decode(raw: dict[str, Any]) -> Deployment:
    values: dict[str, Any] = {}
    for f in fields(Deployment):
        if f.name == "problems" or f.name not in raw:
            continue
        value = raw[f.name]
        if f.name == "resources":
            value = tuple(StackResource(*r) for r in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return Deployment(**values)


class DiscoveryCache:
    """One file per endpoint, region, profile, stack and name overrides."""

    def __init__(self, directory: Path, *, endpoint: str | None, region: str,
                 profile: str | None, stack: str, overrides: NameOverrides | None):
        key = json.dumps([endpoint, region, profile, stack, repr(overrides or NameOverrides())])
        digest = hashlib.sha256(key.encode()).hexdigest()[:20]
        self.path = Path(directory) / f"discovery-{digest}.json"

    def load(self) -> CachedDiscovery | None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if raw.get("version") != VERSION:
                return None
            return CachedDiscovery(_decode(raw["deployment"]), StackMark(*raw["mark"]),
                                   raw["account"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("discovery cache %s unreadable, discovering again: %s", self.path, exc)
            return None

    def save(self, found: CachedDiscovery) -> None:
        if found.deployment.problems or not found.mark.stack_id or not found.account:
            return
        payload = {"version": VERSION, "deployment": _encode(found.deployment),
                   "mark": [found.mark.stack_id, found.mark.updated], "account": found.account}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".discovery-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("discovery cache %s not written: %s", self.path, exc)
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)

    def forget(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
