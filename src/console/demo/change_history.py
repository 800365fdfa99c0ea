"""The demo's task-definition revisions, dated as the story has them.

moto stamps a revision's registeredAt with the real time of the build, so every revision would
look registered "just now", a change right before every scenario's incident. On AWS the base
revision was registered when the stack was created, and a revision a scenario deploys shortly
before its first deployment. Called once at the end of a build.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from console.demo import backend
from console.demo import names as n
from console.demo.stage import Stage

REGISTERED_BEFORE_DEPLOYMENT = timedelta(seconds=90)


def date_task_definitions(stage: Stage) -> None:
    """Base revision: the stack's creation; others: 90 s before the first deployment of it."""
    ecs = stage.base.api("ecs")
    service, = ecs.describe_services(cluster=n.CLUSTER, services=[n.SERVICE])["services"]
    first_use: dict[str, object] = {}
    for deployment in service.get("deployments", []):
        created = deployment.get("createdAt")
        arn = deployment.get("taskDefinition")
        if created is not None and arn and (arn not in first_use or created < first_use[arn]):
            first_use[arn] = created
    arns = ecs.list_task_definitions(familyPrefix=n.TASK_FAMILY)["taskDefinitionArns"]
    for arn in arns:
        if arn == stage.base.task_definition_arn:
            backend.set_task_definition_registered(arn, stage.base.created_at)
        elif arn in first_use:
            when = first_use[arn].astimezone(UTC)  # type: ignore[attr-defined]
            backend.set_task_definition_registered(arn, when - REGISTERED_BEFORE_DEPLOYMENT)
