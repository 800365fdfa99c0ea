"""One row of the table of AWS reason strings (`probes.reasons`): a pattern of AWS's wording
and what it means. The rows themselves are in `reason_rules_stack`, `reason_rules_tasks` and
`reason_rules_elb`, one module per source of reasons."""

from __future__ import annotations

from dataclasses import dataclass

REDEPLOY = "redeploy the corrected template (aws cloudformation deploy --stack-name STACK " \
           "--template-file TEMPLATE)"


@dataclass(frozen=True)
class ReasonRule:
    """One known reason: `pattern` (case-insensitive) -> cause, fix and next step.
    `cause`, `fix` and `next_step` may name the pattern's groups: ``{container}``."""

    id: str
    source: str  # "cloudformation", "ecs", "fargate", "elb"
    pattern: str
    cause: str
    fix: str
    next_step: str
    actions: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()  # only for these CloudFormation resource types
    example: str = ""  # a reason as AWS returns it (the tests match every row's example)
