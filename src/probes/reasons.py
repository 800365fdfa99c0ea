"""What AWS's own reason strings mean: CloudFormation, ECS, Fargate and ELB, one table.

A diagnostic that explains a failure hands the reason text AWS gave (a stack event's
ResourceStatusReason, a task's stoppedReason, a service event, a target's reason code) to
`explain()`. A row whose pattern matches gives the cause, the fix and the next step, filled with
what the text names (a container, a VPC, an IAM action). When no row matches, the answer says
so and quotes the reason: a cause shown to the operator comes from the evidence, never a guess.

The patterns are the wording AWS documents and returns (the ECS "stopped task errors" and
"service event messages" pages, ELB's TargetHealth reason codes, the CloudFormation handler
messages). First match wins, so specific rows come before general ones. UI-free; the strings
are not sanitised here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from probes.reason_rule import ReasonRule
from probes.reason_rules_elb import ELB_RULES
from probes.reason_rules_stack import STACK_RULES
from probes.reason_rules_tasks import FARGATE_RULES, TASK_RULES

__all__ = ["RULES", "Explanation", "ReasonRule", "explain", "unknown"]


@dataclass(frozen=True)
class Explanation:
    """What a reason means, or (`rule` None) that it is unknown, quoting it."""

    reason: str
    cause: str
    fix: str
    next_step: str
    rule: str | None = None
    actions: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()
    values: tuple[tuple[str, str], ...] = ()  # what the pattern captured (container=app)

    @property
    def known(self) -> bool:
        return self.rule is not None

    def value(self, name: str) -> str:
        return dict(self.values).get(name, "")


# The rows by source, in the order they are tried (first match wins).
RULES: tuple[ReasonRule, ...] = (*STACK_RULES, *TASK_RULES, *FARGATE_RULES, *ELB_RULES)
_COMPILED = tuple((rule, re.compile(rule.pattern, re.IGNORECASE)) for rule in RULES)


def explain(reason: str, resource_type: str = "") -> Explanation:
    """The first rule whose pattern is found in `reason` (and fits the resource type), or an
    explanation that says the cause is unknown and quotes the reason."""
    text = (reason or "").strip()
    for rule, pattern in _COMPILED:
        if rule.resource_types and resource_type not in rule.resource_types:
            continue
        match = pattern.search(text)
        if match is None:
            continue
        values = {k: v for k, v in match.groupdict().items() if v}
        fill = _Filler(values)
        return Explanation(text, rule.cause.format_map(fill), rule.fix.format_map(fill),
                           rule.next_step.format_map(fill), rule.id, rule.actions,
                           rule.runbooks, tuple(values.items()))
    return unknown(text)


def unknown(reason: str) -> Explanation:
    quoted = reason or "AWS gave no reason"
    return Explanation(
        reason, f"Unknown cause: no known AWS reason matches. Here is the reason AWS gave: "
        f"{quoted}", "Act on what that reason names; no fix is known to the console for it.",
        "Read the reason and the failing resource's events.")


class _Filler(dict):
    """Placeholders a pattern did not capture read as a neutral word, never as a KeyError."""

    def __missing__(self, key: str) -> str:
        return {"action": "the action named in the reason", "subnet": "a subnet",
                "name": "this name"}.get(key, "the one named in the reason")
