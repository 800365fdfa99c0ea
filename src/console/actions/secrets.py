"""Rotate the admin secret (the guide's first step after a security breach) without ever
reading or showing its value.

The console never calls GetSecretValue. The plan shows DescribeSecret's metadata (when it was
last rotated and changed, whether rotation is set up, the versions and their stages). With a
rotation Lambda, RotateSecret does the work. Without one RotateSecret fails on AWS, so the
plan offers what the guide implies instead: Secrets Manager generates a value
(GetRandomPassword) and the console puts it as the new version (PutSecretValue). That value
lives in one local variable for one call: it is never displayed, logged or recorded.
"""

from __future__ import annotations

import uuid
from typing import Any

from console.actions.base import (
    Action,
    ActionContext,
    ActionError,
    ApiCall,
    Change,
    Field,
    Outcome,
    Plan,
    Progress,
)
from console.actions.common import NOT_SHOWN, error_code, ids_of, send, shown, when_text

PASSWORD = {"PasswordLength": 32, "ExcludePunctuation": True, "RequireEachIncludedType": True}
RESTART = "running tasks keep the old value until they restart: force a new deployment " \
          "(ECS pane 2, F), then check the admin login"


def json_keys_read_by_tasks(task_definition: dict[str, Any], secret_arn: str) -> set[str]:
    """JSON keys the containers read from this secret (``valueFrom`` = ``ARN:key::``).

    A generated plain value would break a task that reads a JSON key out of the secret."""
    keys: set[str] = set()
    for container in task_definition.get("containerDefinitions", []):
        for ref in container.get("secrets", []):
            value = str(ref.get("valueFrom", ""))
            if value.startswith(secret_arn + ":"):
                key = value[len(secret_arn) + 1:].split(":", 1)[0]
                if key:
                    keys.add(key)
    return keys


def metadata_notes(described: dict[str, Any]) -> tuple[str, ...]:
    rules = described.get("RotationRules") or {}
    every = (f"every {rules['AutomaticallyAfterDays']} day(s)"
             if rules.get("AutomaticallyAfterDays") else rules.get("ScheduleExpression")
             or "no schedule")
    versions = "; ".join(f"{vid[:8]}… {'/'.join(stages)}" for vid, stages in
                         (described.get("VersionIdsToStages") or {}).items()) or "none"
    return (
        f"Secret {described.get('Name', '')}: rotation "
        f"{'enabled' if described.get('RotationEnabled') else 'not enabled'}, Lambda "
        f"{described.get('RotationLambdaARN') or 'none'}, {every}",
        f"Last rotated {when_text(described.get('LastRotatedDate'))}; last changed "
        f"{when_text(described.get('LastChangedDate'))}; last accessed "
        f"{when_text(described.get('LastAccessedDate'))}",
        f"Versions: {versions}",
    )


def _current_version(described: dict[str, Any]) -> str:
    return next((vid for vid, stages in (described.get("VersionIdsToStages") or {}).items()
                 if "AWSCURRENT" in stages), "")


class RotateAdminSecretAction(Action):
    id = "rotate-admin-secret"
    title = "Rotate the admin secret"
    description = "A new value for the admin secret: RotateSecret with its rotation Lambda, or " \
                  "a value Secrets Manager generates. The console never reads or shows it."
    fields = (Field("secret_id", "Secret", help="the deployment's admin secret"),
              Field("method", "How", "choice", default="auto",
                    choices=("auto", "rotate", "generate"),
                    help="auto: rotate when a rotation Lambda is set up, else generate"),)

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        return {"secret_id": ctx.deployment.secret_id, "method": "auto"}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        secret_id = str(inputs.get("secret_id") or ctx.deployment.secret_id or "")
        if not secret_id:
            raise ActionError("this deployment names no admin secret (set secret in the config)")
        sm = await ctx.aws.client("secretsmanager")
        try:
            described = await sm.describe_secret(SecretId=secret_id)
        except Exception as exc:
            if error_code(exc) == "ResourceNotFoundException":
                raise ActionError(f"secret {shown(secret_id)} does not exist") from None
            raise
        if described.get("DeletedDate"):
            raise ActionError(f"secret {shown(secret_id)} is scheduled for deletion: restore it "
                              "first (aws secretsmanager restore-secret)")
        arn, lambda_arn = described.get("ARN", secret_id), described.get("RotationLambdaARN")
        method = str(inputs.get("method") or "auto")
        if method == "auto":
            method = "rotate" if lambda_arn else "generate"
        if method == "rotate" and not lambda_arn:
            raise ActionError(f"secret {shown(described.get('Name', secret_id))} has no rotation "
                              "Lambda configured, and RotateSecret needs one on AWS. Choose "
                              "'generate': Secrets Manager generates a new value "
                              "(GetRandomPassword) and the console puts it (PutSecretValue)")
        token = str(uuid.uuid4())
        current = _current_version(described)
        notes = list(metadata_notes(described))
        if method == "rotate":
            pending = [v for v, s in (described.get("VersionIdsToStages") or {}).items()
                       if "AWSPENDING" in s and "AWSCURRENT" not in s]
            if pending:
                raise ActionError(f"a rotation is already in progress (version {pending[0][:8]}… "
                                  "is AWSPENDING): let it finish or clear it first")
            calls = (ApiCall("secretsmanager", "RotateSecret", {
                "SecretId": arn, "ClientRequestToken": token, "RotateImmediately": True}),)
            notes.append(f"The rotation Lambda {lambda_arn} creates, sets, tests and finishes "
                         "the new version.")
        else:
            await self._check_tasks_read_plain_value(ctx, arn)
            calls = (ApiCall("secretsmanager", "GetRandomPassword", dict(PASSWORD)),
                     ApiCall("secretsmanager", "PutSecretValue", {
                         "SecretId": arn, "ClientRequestToken": token,
                         "SecretString": NOT_SHOWN}))
            notes.append("No rotation Lambda: Secrets Manager generates a 32-character value "
                         "that replaces the whole SecretString. It is never shown or logged.")
        return Plan(
            title=self.title,
            calls=calls,
            changes=(Change("AWSCURRENT version", f"{current[:8]}…" if current else "none",
                            f"{token[:8]}… (new" + (", via the Lambda)" if method == "rotate"
                                                     else ")")),
                     Change("last changed", when_text(described.get("LastChangedDate")), "now")),
            watch_next=RESTART + "; the old value stays as AWSPREVIOUS",
            notes=tuple(notes),
            data={"method": method, "token": token},
        )

    async def _check_tasks_read_plain_value(self, ctx: ActionContext, arn: str) -> None:
        if not ctx.deployment.task_definition:
            return
        ecs = await ctx.aws.client("ecs")
        described = await ecs.describe_task_definition(
            taskDefinition=ctx.deployment.task_definition)
        keys = json_keys_read_by_tasks(described.get("taskDefinition", {}), arn)
        if keys:
            raise ActionError(f"the tasks read JSON key(s) {', '.join(sorted(keys))} of this "
                              "secret: a generated plain value would break them. Set up a "
                              "rotation Lambda, or put a new JSON value by hand")

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        if plan.data.get("method") == "rotate":
            progress("secretsmanager.RotateSecret", None)
            response = await send(ctx, plan.calls[0])
            return Outcome(True, f"{plan.title}: rotation started, version "
                                 f"{str(response.get('VersionId', ''))[:8]}… pending",
                           ids_of([response]), ("the Lambda makes it AWSCURRENT when done",),
                           plan.watch_next)
        sm = await ctx.aws.client("secretsmanager")
        progress("secretsmanager.GetRandomPassword (1/2)", 0.0)
        generated = await sm.get_random_password(**plan.calls[0].params)
        progress("secretsmanager.PutSecretValue (2/2)", 0.5)
        put = await sm.put_secret_value(**{**plan.calls[1].params,
                                           "SecretString": generated.pop("RandomPassword")})
        del generated
        return Outcome(True, f"{plan.title}: version {str(put.get('VersionId', ''))[:8]}… is "
                             "now AWSCURRENT",
                       ids_of([put]),
                       ("the value was generated by Secrets Manager; the console never showed, "
                        "logged or recorded it", "the previous version is AWSPREVIOUS"),
                       plan.watch_next)
