"""SQLite backups: the DATABASE_URL form, the newest backup's age, and logged backup failures.

The guide's backup service understands three SQLite URL forms; anything else (a one-slash
typo, another scheme) and it fails, and an in-memory database has nothing to back up. The
backups bucket is listed (one ListObjectsV2 page per 1,000 objects, at most ten pages; a
bucket that does not exist says NoSuchBucket there, so no HeadBucket first) for the newest
object while the logs are searched for "backup failed" over one backup interval.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from botocore.exceptions import ClientError

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs, FetchFailed
from probes.diagnostics.log_search import LogMatches, search
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.diagnostics.resources import TaskDefinitionSpec, task_definition

MAX_AGE = timedelta(hours=24)
MAX_PAGES = 10
FAILURE_PATTERN = "backup failed"
_BACKUP_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".db.gz", ".sql.gz", ".bak", ".gz")
_CREDENTIALS = re.compile(r"(//[^:/@]+:)[^@/]+@")
ABSOLUTE, RELATIVE, MEMORY = "sqlite:///absolute/path", "sqlite://relative/path", \
    "sqlite://:memory:"


@dataclass(frozen=True)
class DatabaseUrl:
    """The form of a DATABASE_URL: one of the guide's three, or why it is none of them."""

    shown: str  # the URL with any password masked
    form: str  # ABSOLUTE, RELATIVE, MEMORY, "invalid", "not SQLite", "missing", "secret"


def classify_database_url(url: str | None) -> DatabaseUrl:
    if url is None:
        return DatabaseUrl("", "missing")
    shown = _CREDENTIALS.sub(r"\1****@", url)
    if not url.startswith("sqlite"):
        return DatabaseUrl(shown, "not SQLite")
    if not url.startswith("sqlite://"):
        return DatabaseUrl(shown, "invalid")
    rest = url.removeprefix("sqlite://")
    if rest in ("", ":memory:", "/:memory:"):
        return DatabaseUrl(shown, MEMORY)
    if rest.startswith("/"):
        return DatabaseUrl(shown, ABSOLUTE)
    return DatabaseUrl(shown, RELATIVE)


def database_url_of(spec: TaskDefinitionSpec) -> DatabaseUrl:
    for container in spec.containers:
        if any(name == "DATABASE_URL" for name, _ in container.secrets):
            return DatabaseUrl("(from a secret)", "secret")
        value = container.env("DATABASE_URL")
        if value is not None:
            return classify_database_url(value)
    return classify_database_url(None)


@dataclass(frozen=True)
class BackupListing:
    bucket: str
    exists: bool
    count: int = 0
    newest_key: str = ""
    newest_at: datetime | None = None
    total_bytes: int = 0
    truncated: bool = False


def is_backup_key(key: str) -> bool:
    lowered = key.lower()
    return "backup" in lowered or lowered.endswith(_BACKUP_SUFFIXES)


async def list_backups(inputs: DiagnosticInputs, bucket: str) -> BackupListing:
    """Newest backup object of `bucket`, fetched once per run."""

    async def fetch() -> BackupListing:
        s3 = await inputs.ctx.client("s3")
        count, total, newest = 0, 0, ("", None)
        request = {"Bucket": bucket}
        for _ in range(MAX_PAGES):
            try:
                page = await s3.list_objects_v2(**request)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "NoSuchBucket":
                    return BackupListing(bucket, exists=False)
                raise
            for obj in page.get("Contents", []):
                if not is_backup_key(obj["Key"]):
                    continue
                count += 1
                total += int(obj.get("Size", 0))
                if newest[1] is None or obj["LastModified"] > newest[1]:
                    newest = (obj["Key"], obj["LastModified"])
            if not page.get("IsTruncated"):
                return BackupListing(bucket, True, count, newest[0], newest[1], total)
            request["ContinuationToken"] = page["NextContinuationToken"]
        return BackupListing(bucket, True, count, newest[0], newest[1], total, truncated=True)

    return await inputs.shared(f"backups:{bucket}", fetch)


def backups_bucket(inputs: DiagnosticInputs, spec: TaskDefinitionSpec | None) -> str | None:
    """The stack's backups bucket, else the one the app is configured with."""
    if inputs.deployment.backup_bucket:
        return inputs.deployment.backup_bucket
    if spec is not None:
        return next((c.env("S3_BUCKET_BACKUPS") for c in spec.containers
                     if c.env("S3_BUCKET_BACKUPS")), None)
    return None


def evaluate_database_url(url: DatabaseUrl, task_definition_arn: str) -> list[Finding]:
    refs = args(task_definition=task_definition_arn)
    facts = evidence(("DATABASE_URL", url.shown or None), ("form", url.form),
                     ("task definition", task_definition_arn.rsplit("/", 1)[-1]),
                     ("supported forms", f"{ABSOLUTE} (recommended), {RELATIVE}, {MEMORY}"))
    if url.form == "invalid":
        return [Finding(
            id="backups.database-url-invalid", severity=Severity.CRITICAL,
            title="DATABASE_URL is not a SQLite URL the backup service understands",
            evidence=facts, cause="The backup service cannot find the database file, so "
                                  "every backup fails.",
            fix="Set DATABASE_URL to sqlite:////data/app.db (absolute path) in a new task "
                "definition revision, or roll back to the revision that had it.",
            guide=guide.BACKUPS, actions=(guide.ROLLBACK_TASK_DEFINITION,), action_args=refs)]
    if url.form == MEMORY:
        return [Finding(
            id="backups.in-memory-database", severity=Severity.CRITICAL,
            title="The database is in memory: it cannot be backed up",
            evidence=facts, cause="sqlite://:memory: lives inside one process: nothing reaches "
                                  "S3 and every restart loses all data.",
            fix="Point DATABASE_URL at a file: sqlite:////data/app.db.",
            guide=guide.BACKUPS, actions=(guide.ROLLBACK_TASK_DEFINITION,), action_args=refs)]
    if url.form == "missing":
        return [Finding(
            id="backups.database-url-missing", severity=Severity.WARNING,
            title="No DATABASE_URL in the task definition",
            evidence=facts, cause="The app falls back to its default database, which the "
                                  "backup service may not find.",
            fix="Set DATABASE_URL=sqlite:////data/app.db in the task definition.",
            guide=guide.BACKUPS, action_args=refs)]
    return []


def evaluate_backups(listing: BackupListing | None, failures: LogMatches | None,
                     now: datetime) -> list[Finding]:
    findings: list[Finding] = []
    if listing is None:
        return [Finding(
            id="backups.no-bucket", severity=Severity.WARNING,
            title="No backups bucket found", guide=guide.BACKUPS,
            cause="Neither the stack nor the task definition (S3_BUCKET_BACKUPS) names one.",
            fix="Set the bucket in the config (buckets = [...]) or S3_BUCKET_BACKUPS.")]
    where = evidence(("bucket", listing.bucket))
    if not listing.exists:
        findings.append(Finding(
            id="backups.bucket-missing", severity=Severity.CRITICAL,
            title=f"The backups bucket {listing.bucket} does not exist", evidence=where,
            cause="It was deleted, or the name is wrong: no backup can be written.",
            fix="Recreate it (redeploy the stack) and check S3_BUCKET_BACKUPS.",
            guide=guide.BACKUPS, runbooks=(guide.STACK_RECOVERY,)))
    elif listing.count == 0:
        findings.append(Finding(
            id="backups.none", severity=Severity.CRITICAL,
            title="There is no database backup", evidence=where,
            cause="The backup service has never written one (or they were deleted).",
            fix="Fix what the backup failures say; then check s3://BUCKET/ again.",
            guide=guide.BACKUPS))
    elif listing.newest_at is not None and now - listing.newest_at > MAX_AGE:
        age = now - listing.newest_at
        findings.append(Finding(
            id="backups.stale", severity=Severity.WARNING,
            title=f"The newest database backup is {age.total_seconds() / 3600:.0f} h old",
            evidence=where + evidence(("newest", listing.newest_key),
                                      ("written", listing.newest_at.isoformat(
                                          timespec="minutes")),
                                      ("backups", listing.count)),
            cause="Backups stopped: the service fails (see its log lines) or is not running.",
            fix="aws logs filter-log-events --log-group-name /ecs/STACK --filter-pattern "
                "backup; fix the cause (often DATABASE_URL), then confirm a new object.",
            guide=guide.BACKUPS, subject=listing.bucket))
    if failures is not None and failures.count:
        findings.append(Finding(
            id="backups.failing", severity=Severity.WARNING,
            title=f"The backup service logged {failures.count}"
                  f"{'+' if failures.capped else ''} failure(s)",
            evidence=evidence(("log group", failures.group),
                              ("\"backup failed\" lines", failures.describe()),
                              ("newest", failures.newest[:400] or None)),
            cause="The backup to S3 raises an error; the newest line says which.",
            fix="Read the newest failure; the usual causes are DATABASE_URL and the task "
                "role's s3:PutObject on the backups bucket.", guide=guide.BACKUPS))
    return findings


async def check_backups(inputs: DiagnosticInputs) -> list[Finding]:
    # What needs nothing from the task definition goes out with it: the stack's bucket, and
    # the logs over the default interval (read again only if the task definition sets
    # another). The reads are shared: asked again below, the same answer is awaited.
    early = [asyncio.ensure_future(read) for read in (
        list_backups(inputs, inputs.deployment.backup_bucket)
        if inputs.deployment.backup_bucket else None,
        _failures(inputs, None, note=False)) if read is not None]
    try:
        spec = await task_definition(inputs)
        findings = evaluate_database_url(database_url_of(spec), spec.arn) if spec else []
        bucket = backups_bucket(inputs, spec)
        listing, failures = await asyncio.gather(
            list_backups(inputs, bucket) if bucket else _none(), _failures(inputs, spec))
    finally:
        for read in early:
            read.cancel()  # a read nobody awaited (the check failed first); shared ones go on
            read.add_done_callback(_retrieved)
    return findings + evaluate_backups(listing, failures, inputs.now)


async def _failures(inputs: DiagnosticInputs, spec: TaskDefinitionSpec | None, *,
                    note: bool = True) -> LogMatches | None:
    """The "backup failed" lines of one backup interval (BACKUP_INTERVAL_HOURS, default 6 h);
    None when the logs cannot say (no log group, or the search failed: noted, the bucket is
    the evidence)."""
    if not inputs.deployment.log_groups:
        return None
    interval = next((c.env("BACKUP_INTERVAL_HOURS") for c in spec.containers
                     if c.env("BACKUP_INTERVAL_HOURS")), None) if spec else None
    hours = float(interval) if interval and interval.replace(".", "", 1).isdigit() else 6
    window, group = timedelta(hours=max(1.0, hours)), inputs.deployment.log_groups[0]
    try:
        return await inputs.shared(f"log-search:{group}:{FAILURE_PATTERN}:{window}", lambda: (
            search(inputs, group, FAILURE_PATTERN, window)))
    except FetchFailed as exc:  # classified where the call was made
        if note:
            inputs.note(exc.error)
        return None


def _retrieved(read: asyncio.Future[object]) -> None:
    if not read.cancelled():
        read.exception()  # said by the check that awaited it, or by nobody


async def _none() -> None:
    return None


DIAGNOSTICS = (
    Diagnostic("backups", "Database backups", (guide.BACKUPS,), check_backups,
               probes=("ecs",)),
)
