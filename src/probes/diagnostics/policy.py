"""Whether a role may perform an action on a resource, read from its policy documents.

This is the fallback for endpoints without IAM's policy simulator (moto answers it with an HTML
500). It follows IAM's evaluation order for identity policies: an explicit Deny wins, then an
Allow, else the implicit deny. Action, NotAction, Resource and NotResource with IAM's ``*`` and
``?`` wildcards are understood; a statement with a Condition counts as allowing, flagged
"conditional". Permission boundaries, SCPs, session policies and resource policies are not
considered; the evidence says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

ALLOWED = "allowed"
DENIED = "explicitly denied"
NOT_ALLOWED = "not allowed"


@dataclass(frozen=True)
class Decision:
    """The outcome for one action on one resource, and the policy that decided it."""

    action: str
    resource: str
    verdict: str  # ALLOWED, DENIED or NOT_ALLOWED
    by: str = ""  # the policy (or "simulator")
    conditional: bool = False

    @property
    def allowed(self) -> bool:
        return self.verdict == ALLOWED

    def describe(self) -> str:
        """``allowed (S3Access)``, ``not allowed (no statement grants it)``."""
        if self.verdict == NOT_ALLOWED and not self.by:
            return "not allowed (no statement grants it)"
        extra = ", with a condition" if self.conditional else ""
        return f"{self.verdict} ({self.by}{extra})" if self.by else self.verdict


@lru_cache(maxsize=512)
def _pattern(glob: str, case_insensitive: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)
    return re.compile(f"^{body}$", re.IGNORECASE if case_insensitive else 0)


def matches(glob: str, value: str, *, case_insensitive: bool = False) -> bool:
    """IAM wildcard match: ``*`` any run of characters, ``?`` one character."""
    return bool(_pattern(glob, case_insensitive).match(value))


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        return [statements]
    return [s for s in statements if isinstance(s, dict)]


def _covers(statement: dict[str, Any], action: str, resource: str) -> bool:
    if "NotAction" in statement:
        action_ok = not any(matches(a, action, case_insensitive=True)
                            for a in _as_list(statement["NotAction"]))
    else:
        action_ok = any(matches(a, action, case_insensitive=True)
                        for a in _as_list(statement.get("Action")))
    if not action_ok:
        return False
    if "NotResource" in statement:
        return not any(matches(r, resource) for r in _as_list(statement["NotResource"]))
    resources = _as_list(statement.get("Resource", "*"))
    return any(matches(r, resource) for r in resources)


def decide(documents: Iterable[tuple[str, dict[str, Any]]], action: str,
           resource: str) -> Decision:
    """IAM's identity-policy evaluation for one action on one resource."""
    allow: tuple[str, bool] | None = None
    for name, document in documents:
        for statement in _statements(document):
            if not _covers(statement, action, resource):
                continue
            effect = str(statement.get("Effect", "")).lower()
            conditional = bool(statement.get("Condition"))
            if effect == "deny" and not conditional:
                return Decision(action, resource, DENIED, name)
            if effect == "allow" and (allow is None or (allow[1] and not conditional)):
                allow = (name, conditional)
    if allow is not None:
        return Decision(action, resource, ALLOWED, allow[0], conditional=allow[1])
    return Decision(action, resource, NOT_ALLOWED)


def principal_matches(statement: dict[str, Any], role_arn: str, account: str) -> bool:
    """Whether a resource policy statement's Principal names this role (or everyone)."""
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for value in _as_list(principal.get("AWS")):
        if value in ("*", role_arn, account, f"arn:aws:iam::{account}:root"):
            return True
        if matches(value, role_arn):
            return True
    return False


def resource_policy_denials(policy: dict[str, Any], role_arn: str, account: str,
                            checks: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(action, resource, statement id) for each check a bucket policy explicitly denies to
    the role. Conditional denials count: they are the usual cause of surprise 403s."""
    found = []
    for statement in _statements(policy):
        if str(statement.get("Effect", "")).lower() != "deny":
            continue
        if not principal_matches(statement, role_arn, account):
            continue
        for action, resource in checks:
            if _covers(statement, action, resource):
                found.append((action, resource, str(statement.get("Sid", "") or "unnamed")))
    return found
