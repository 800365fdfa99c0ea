"""Recovery readiness: is there something to restore from, and would deleted data come back?

Before an incident turns into "Database corruption or data loss" or "Entire stack needs to be
rebuilt", the responder wants the restore point (newest backup, its age) and to know whether the
buckets keep old versions. Informational: the backups diagnostic raises the alarms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from botocore.exceptions import ClientError

from probes.diagnostics import guide
from probes.diagnostics.backups import BackupListing, backups_bucket, list_backups
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.diagnostics.resources import task_definition


@dataclass(frozen=True)
class BucketVersioning:
    bucket: str
    status: str  # Enabled, Suspended, "" (never enabled), or "unknown"


def _size(total: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if total < 1024:
            return f"{total:.0f} {unit}"
        total /= 1024
    return f"{total:.1f} TiB"


def evaluate_recovery(listing: BackupListing | None, versioning: list[BucketVersioning],
                      now: datetime, stack: str) -> list[Finding]:
    findings: list[Finding] = []
    if listing is not None and listing.exists and listing.newest_at is not None:
        hours = (now - listing.newest_at).total_seconds() / 3600
        findings.append(Finding(
            id="recovery.restore-point", severity=Severity.INFO,
            title=f"Newest restore point: {listing.newest_key} ({hours:.0f} h old)",
            evidence=evidence(("bucket", listing.bucket), ("newest", listing.newest_key),
                              ("written", listing.newest_at.isoformat(timespec="minutes")),
                              ("backups", f"{listing.count}{'+' if listing.truncated else ''}"),
                              ("total size", _size(listing.total_bytes))),
            fix="To restore: scale the service to 0, put the backup in place, scale back "
                "(the database-recovery runbook walks through it).",
            guide=guide.DATABASE_RECOVERY, actions=(guide.RESTORE_DATABASE,
                                                    guide.BACKUP_BUCKETS),
            runbooks=(guide.DATABASE_RECOVERY_RUNBOOK,),
            action_args=args(bucket=listing.bucket, key=listing.newest_key)))
    unversioned = [v for v in versioning if v.status not in ("Enabled", "unknown")]
    if unversioned:
        findings.append(Finding(
            id="recovery.versioning-off", severity=Severity.INFO,
            title=f"{len(unversioned)} bucket(s) keep no old versions",
            evidence=tuple((v.bucket, v.status or "never enabled") for v in unversioned),
            cause="An overwritten or deleted object in these buckets cannot be recovered "
                  "from S3 itself.",
            fix="aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration "
                "Status=Enabled; before a rebuild, copy the buckets out.",
            guide=guide.STACK_REBUILD, actions=(guide.BACKUP_BUCKETS,),
            action_args=args(stack=stack)))  # a fact, not a failure: no rebuild runbook
    return findings


async def check_recovery(inputs: DiagnosticInputs) -> list[Finding]:
    spec = await task_definition(inputs)
    bucket = backups_bucket(inputs, spec)
    listing = await list_backups(inputs, bucket) if bucket else None
    s3 = await inputs.ctx.client("s3")
    versioning = []
    for name in inputs.deployment.buckets:
        try:
            status = (await s3.get_bucket_versioning(Bucket=name)).get("Status", "")
        except ClientError as exc:
            inputs.note(inputs.classify(exc, "s3:GetBucketVersioning"))
            status = "unknown"
        versioning.append(BucketVersioning(name, status))
    return evaluate_recovery(listing, versioning, inputs.now, inputs.deployment.stack)


DIAGNOSTICS = (
    Diagnostic("recovery", "Recovery readiness", (guide.DATABASE_RECOVERY, guide.STACK_REBUILD),
               check_recovery, probes=("ecs",)),
)
