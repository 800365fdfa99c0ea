"""Apply an S3 lifecycle policy: the guide's third cost control.

Two policies, chosen by what the bucket holds. Backups move to STANDARD_IA after 30 days and
are deleted after 90 (older versions 30 days after they are replaced). Data (the drawings)
is never expired: it moves to STANDARD_IA after 30 days and only replaced versions are
deleted, after 90 days. PutBucketLifecycleConfiguration replaces the whole configuration, so
the bucket's other rules are sent back unchanged and only the console's own rule is replaced.
"""

from __future__ import annotations

from typing import Any

from console.actions.base import Action, ActionContext, ActionError, ApiCall, Change, Field, Plan
from console.actions.common import error_code, set_choices, shown

POLICIES = ("auto", "backups", "data")


def policy_rule(policy: str) -> dict[str, Any]:
    """The console's rule for `policy` ("backups" or "data"), as S3 takes it."""
    rule: dict[str, Any] = {
        "ID": f"incident-console-{policy}", "Filter": {"Prefix": ""}, "Status": "Enabled",
        "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}],
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }
    if policy == "backups":
        rule["Expiration"] = {"Days": 90}
        rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": 30}
    else:
        rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": 90}
    return rule


def rule_text(rule: dict[str, Any]) -> str:
    """``incident-console-backups: STANDARD_IA after 30d, expire after 90d, …``."""
    parts = [f"{t.get('StorageClass')} after {t.get('Days')}d"
             for t in rule.get("Transitions", []) if t.get("Days") is not None]
    if (rule.get("Expiration") or {}).get("Days"):
        parts.append(f"expire after {rule['Expiration']['Days']}d")
    if (rule.get("NoncurrentVersionExpiration") or {}).get("NoncurrentDays"):
        parts.append(f"old versions after {rule['NoncurrentVersionExpiration']['NoncurrentDays']}d")
    if (rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation"):
        parts.append("abort stale uploads after "
                     f"{rule['AbortIncompleteMultipartUpload']['DaysAfterInitiation']}d")
    status = "" if rule.get("Status", "Enabled") == "Enabled" else f" ({rule.get('Status')})"
    return f"{rule.get('ID') or '(no id)'}{status}: {', '.join(parts) or 'other settings'}"


def rules_text(rules: list[dict[str, Any]]) -> str:
    return "; ".join(rule_text(r) for r in rules) if rules else "none"


class ApplyS3LifecycleAction(Action):
    id = "apply-s3-lifecycle"
    title = "Apply an S3 lifecycle policy"
    description = "Move old objects to cheaper storage and delete what is no longer needed " \
                  "(backups after 90 days; data is never expired)."
    pane = "costs"
    key = "L"
    fields = (Field("bucket", "Bucket"),
              Field("policy", "Policy", "choice", default="auto", choices=POLICIES,
                    help="auto: backups for the backups bucket, data for the others"))

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        default = ctx.deployment.backup_bucket or next(iter(ctx.deployment.buckets), None)
        if ctx.deployment.buckets:
            set_choices(self, "bucket", ctx.deployment.buckets, default)
        return {"bucket": default, "policy": "auto"}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        bucket = str(inputs.get("bucket") or "")
        if bucket not in ctx.deployment.buckets:
            known = ", ".join(ctx.deployment.buckets) or "none"
            raise ActionError(f"unknown bucket {shown(bucket)!r}: this deployment's buckets are "
                              f"{known}")
        policy = str(inputs.get("policy") or "auto")
        if policy == "auto":
            policy = "backups" if bucket == ctx.deployment.backup_bucket else "data"
        s3 = await ctx.aws.client("s3")
        try:
            current = (await s3.get_bucket_lifecycle_configuration(Bucket=bucket)).get("Rules", [])
        except Exception as exc:
            if error_code(exc) == "NoSuchBucket":
                raise ActionError(f"bucket {shown(bucket)} does not exist") from None
            if error_code(exc) != "NoSuchLifecycleConfiguration":
                raise
            current = []
        versioning = (await s3.get_bucket_versioning(Bucket=bucket)).get("Status", "")
        ours = policy_rule(policy)
        kept = [r for r in current if r.get("ID") != ours["ID"]]
        notes = []
        if kept:
            notes.append(f"The whole configuration is replaced: the {len(kept)} other rule(s) "
                         "are sent back unchanged.")
        if policy == "backups":
            notes.append("S3 deletes backups older than 90 days, including any that are "
                         "already that old: copy those you must keep elsewhere first.")
        if versioning != "Enabled":
            notes.append("Versioning is not enabled: the old-versions part has nothing to do.")
        notes.append("S3 does not move objects under 128 KiB to STANDARD_IA by default (they "
                     "would cost more there).")
        return Plan(
            title=self.title,
            calls=(ApiCall("s3", "PutBucketLifecycleConfiguration", {
                "Bucket": bucket, "LifecycleConfiguration": {"Rules": [*kept, ours]}}),),
            changes=(Change(f"lifecycle of {bucket}", rules_text(current),
                            rules_text([*kept, ours])),),
            watch_next="S3 applies lifecycle rules once a day: the storage and request lines "
                       "of the costs pane (6) fall over the following days",
            notes=tuple(notes),
        )
