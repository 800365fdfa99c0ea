"""The task role's access to the S3 buckets and to the admin secret, and the secret itself.

"Access Denied when uploading to S3" and "Unable to access admin features" come down to the
task role's policies, a bucket policy's Deny, or a secret that is gone. Decisions come from
IAM's simulator where the endpoint has it, else from the role's policies (role_access.py).
The secret is described (DescribeSecret: metadata only); its value is NEVER fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from botocore.exceptions import ClientError

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.diagnostics.policy import resource_policy_denials
from probes.diagnostics.resources import TaskDefinitionSpec, task_definition
from probes.diagnostics.role_access import RoleAccess, role_access

GET_SECRET = "secretsmanager:GetSecretValue"


def bucket_checks(buckets: tuple[str, ...]) -> list[tuple[str, str]]:
    """What the app does with its buckets: read, write and list."""
    checks = []
    for bucket in buckets:
        checks += [("s3:PutObject", f"arn:aws:s3:::{bucket}/*"),
                   ("s3:GetObject", f"arn:aws:s3:::{bucket}/*"),
                   ("s3:ListBucket", f"arn:aws:s3:::{bucket}")]
    return checks


def _decision_lines(access: RoleAccess, only_missing: bool = False) -> tuple[tuple[str, str]]:
    shown = access.missing if only_missing else access.decisions
    return tuple((f"{d.action} on {d.resource.removeprefix('arn:aws:s3:::')}", d.describe())
                 for d in shown)


def evaluate_s3_access(role_arn: str, access: RoleAccess | None,
                       denials: list[tuple[str, str, str, str]]) -> list[Finding]:
    """`denials`: (bucket, action, resource, statement id) a bucket policy denies the role."""
    if not role_arn:
        return [Finding(
            id="security.no-task-role", severity=Severity.WARNING,
            title="The task definition has no task role",
            cause="Without a task role the app has no AWS credentials: every S3 call and the "
                  "secret lookup are denied.",
            fix="Set taskRoleArn to the stack's ecs-task-role in the task definition.",
            guide=guide.S3_ACCESS)]
    findings = []
    if access is not None and access.missing:
        findings.append(Finding(
            id="security.task-role-s3", severity=Severity.WARNING,
            title=f"The task role may not use the buckets ({len(access.missing)} denied)",
            evidence=evidence(("task role", access.role), ("decided by", access.method))
            + _decision_lines(access, only_missing=True),
            cause="The role's S3Access policy is missing or does not cover these buckets: the "
                  "app gets Access Denied on uploads and backups.",
            fix=f"aws iam get-role-policy --role-name {access.role} --policy-name S3Access; "
                "grant s3:GetObject/PutObject on BUCKET/* and s3:ListBucket on each bucket.",
            guide=guide.S3_ACCESS, subject=access.role))
    if denials:
        findings.append(Finding(
            id="security.bucket-policy-denies", severity=Severity.WARNING,
            title="A bucket policy denies the task role",
            evidence=tuple((f"{bucket}: {action}", f"denied by statement {sid}")
                           for bucket, action, _, sid in denials[:8]),
            cause="An explicit Deny in the bucket policy wins over any Allow in the role.",
            fix="aws s3api get-bucket-policy --bucket BUCKET; narrow the Deny (its Condition "
                "or Principal) so the task role is not caught.",
            guide=guide.S3_BUCKET_ACCESS))
    return findings


@dataclass(frozen=True)
class SecretState:
    secret_id: str
    exists: bool
    arn: str = ""
    deleted_at: datetime | None = None
    last_changed: datetime | None = None


def evaluate_admin_secret(secret: SecretState, task_access: RoleAccess | None,
                          execution_access: RoleAccess | None,
                          tasks_started: bool) -> list[Finding]:
    """`tasks_started`: some task of the service got as far as running its container, which
    proves ECS could inject the secret whatever the policies read here say."""
    facts = evidence(("secret", secret.arn or secret.secret_id),
                     ("last changed", secret.last_changed.isoformat(timespec="minutes")
                      if secret.last_changed else None))
    if not secret.exists or secret.deleted_at is not None:
        return [Finding(
            id="security.secret-missing", severity=Severity.CRITICAL,
            title=(f"The admin secret {secret.secret_id} is scheduled for deletion"
                   if secret.exists else f"The admin secret {secret.secret_id} does not exist"),
            evidence=facts + evidence(("deletion date", secret.deleted_at)),
            cause="The app cannot read the admin password: admin login fails, and new tasks "
                  "that inject it cannot start.",
            fix=(f"aws secretsmanager restore-secret --secret-id {secret.secret_id}"
                 if secret.exists else "Recreate the secret (redeploy the stack), then "
                 "rotate it."),
            guide=guide.ADMIN, actions=(guide.ROTATE_ADMIN_SECRET,),
            runbooks=(guide.P0_SECURITY,), action_args=args(secret_id=secret.secret_id))]
    findings = []
    decision = task_access.decisions[0] if task_access and task_access.decisions else None
    if decision is not None and not decision.allowed:
        findings.append(Finding(
            id="security.task-role-secret", severity=Severity.WARNING,
            title="The task role may not read the admin secret",
            evidence=facts + evidence(("task role", task_access.role),
                                      (GET_SECRET, decision.describe()),
                                      ("decided by", task_access.method)),
            cause="Admin authentication reads the password at runtime with the task role; "
                  "denied, it fails.",
            fix=f"Grant {GET_SECRET} on {secret.arn or secret.secret_id} to the task role "
                "(its SecretsAccess policy).", guide=guide.ADMIN,
            action_args=args(secret_id=secret.secret_id)))
    injected = execution_access.decisions[0] if execution_access and \
        execution_access.decisions else None
    if injected is not None and not injected.allowed:
        findings.append(Finding(
            id="security.execution-role-secret",
            severity=Severity.INFO if tasks_started else Severity.WARNING,
            title="The execution role's policies do not grant the secret the container "
                  "injects",
            evidence=facts + evidence(("execution role", execution_access.role),
                                      (GET_SECRET, injected.describe()),
                                      ("decided by", execution_access.method),
                                      ("tasks started", "yes" if tasks_started else "no")),
            cause="ECS reads `secrets` with the execution role when a task starts. Tasks did "
                  "start, so something these policies do not show grants it (a resource or "
                  "managed policy) — or new tasks will fail with ResourceInitializationError."
                  if tasks_started else "New tasks fail with ResourceInitializationError.",
            fix=f"Grant {GET_SECRET} on the secret to the execution role.",
            guide=guide.ADMIN))
    return findings


def references(value_from: str, secret: SecretState) -> bool:
    """Whether a container's `secrets[].valueFrom` names this secret: its full ARN (maybe with
    a JSON key suffix), its ARN without the random suffix, or its name."""
    if not value_from:
        return False
    if secret.arn and (value_from.startswith(secret.arn) or secret.arn.startswith(value_from)):
        return True
    return value_from == secret.secret_id or value_from.startswith(f"{secret.secret_id}:")


async def _secret(inputs: DiagnosticInputs) -> SecretState:
    secret_id = inputs.deployment.secret_id or ""
    client = await inputs.ctx.client("secretsmanager")
    try:
        described = await client.describe_secret(SecretId=secret_id)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return SecretState(secret_id, False)
        raise
    return SecretState(secret_id, True, described.get("ARN", ""), described.get("DeletedDate"),
                       described.get("LastChangedDate"))


def _buckets(inputs: DiagnosticInputs, spec: TaskDefinitionSpec) -> tuple[str, ...]:
    from_env = [v for c in spec.containers for k, v in c.environment
                if k.startswith("S3_BUCKET") and v]
    return tuple(dict.fromkeys([*inputs.deployment.buckets, *from_env]))


async def check_s3_access(inputs: DiagnosticInputs) -> list[Finding]:
    spec = await task_definition(inputs)
    if spec is None:
        return []
    buckets = _buckets(inputs, spec)
    if not spec.task_role_arn or not buckets:
        return evaluate_s3_access(spec.task_role_arn, None, [])
    access = await role_access(inputs, spec.task_role_arn, bucket_checks(buckets))
    s3 = await inputs.ctx.client("s3")
    account = inputs.account
    denials = []
    for bucket in buckets:
        try:
            policy = json.loads((await s3.get_bucket_policy(Bucket=bucket))["Policy"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("NoSuchBucketPolicy",
                                                                 "NoSuchBucket"):
                inputs.note(inputs.classify(exc, "s3:GetBucketPolicy"))
            continue
        denials += [(bucket, *d) for d in resource_policy_denials(
            policy, spec.task_role_arn, account, bucket_checks((bucket,)))]
    return evaluate_s3_access(spec.task_role_arn, access, denials)


async def check_admin_secret(inputs: DiagnosticInputs) -> list[Finding]:
    spec = await task_definition(inputs)
    secret = await _secret(inputs)
    if not secret.exists or spec is None:
        return evaluate_admin_secret(secret, None, None, True)
    resource = secret.arn or secret.secret_id
    task_access = (await role_access(inputs, spec.task_role_arn, [(GET_SECRET, resource)])
                   if spec.task_role_arn else None)
    injects = any(references(value, secret) for c in spec.containers for _, value in c.secrets)
    execution_access = None
    if injects and spec.execution_role_arn:
        execution_access = await role_access(inputs, spec.execution_role_arn,
                                             [(GET_SECRET, resource)])
    service = inputs.snapshot_or_none("ecs")
    started = service is None or service.running > 0 or any(
        t.started_at is not None for t in service.tasks)
    return evaluate_admin_secret(secret, task_access, execution_access, started)


DIAGNOSTICS = (
    Diagnostic("s3-access", "Task role and S3", (guide.S3_ACCESS, guide.S3_BUCKET_ACCESS),
               check_s3_access, probes=("ecs",)),
    Diagnostic("admin-secret", "Admin secret", (guide.ADMIN,), check_admin_secret,
               probes=("ecs",)),
)
