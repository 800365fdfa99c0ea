"""Restore a database backup: the guide's Database Recovery, step by step.

1. download the chosen backup (newest by default) to a local file, with progress, and check
   that it is a SQLite database (or gzip) before anything else changes;
2. stop the service (desired count 0) and wait until no task runs;
3. put the restored file where the deployment reads it: by default
   ``s3://<backups bucket>/restore/app.db`` (the guide calls this step implementation
   specific: the application must restore from there when it starts);
4. start the service again with the desired count it had before.

Stopping the service is destructive: the operator types the service's name. If a step fails
the run stops and says which steps ran and the exact commands to finish or undo by hand
(see `restore_steps`).
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime
from pathlib import Path, PurePosixPath
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
from console.actions.common import age_text, error_code, local_path, shown, size_text
from console.actions.ecs import describe_service
from console.actions.restore_steps import RestoreRun
from probes.diagnostics.backups import is_backup_key

BACKUPS_LISTED = 10
RESTORE_KEY = "restore/app.db"


def parse_s3_url(text: str) -> tuple[str, str]:
    """``s3://bucket/a/key`` -> ("bucket", "a/key")."""
    if not text.startswith("s3://") or "/" not in text[5:] or text.endswith("/"):
        raise ActionError(f"{shown(text)!r} should be s3://BUCKET/KEY")
    bucket, key = text[5:].split("/", 1)
    return bucket, key


async def list_backups(ctx: ActionContext, bucket: str, skip_prefix: str) -> list[dict[str, Any]]:
    """The bucket's backups, newest first (the restore target itself is not one)."""
    s3 = await ctx.aws.client("s3")
    found: list[dict[str, Any]] = []
    try:
        async for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            found += [o for o in page.get("Contents", [])
                      if is_backup_key(o["Key"]) and not o["Key"].startswith(skip_prefix)]
    except Exception as exc:
        if error_code(exc) == "NoSuchBucket":
            raise ActionError(f"the backups bucket {shown(bucket)} does not exist") from None
        raise
    return sorted(found, key=lambda o: o.get("LastModified") or datetime.min, reverse=True)


def choose(backups: list[dict[str, Any]], choice: str) -> dict[str, Any]:
    """``newest``, a position in the plan's list (1 = newest) or a key."""
    choice = choice.strip() or "newest"
    if choice == "newest":
        return backups[0]
    if choice.isdigit() and 1 <= int(choice) <= len(backups):
        return backups[int(choice) - 1]
    chosen = next((b for b in backups if b["Key"] == choice), None)
    if chosen is None:
        listed = ", ".join(shown(b["Key"]) for b in backups[:5])
        raise ActionError(f"no backup {shown(choice)!r}: use newest, a number (1 = newest) or "
                          f"one of {listed}")
    return chosen


def listing_note(backups: list[dict[str, Any]]) -> str:
    lines = [f"{n}. {b['Key']}  {size_text(b.get('Size', 0))}  "
             f"{age_text(b.get('LastModified'))}" for n, b in
             enumerate(backups[:BACKUPS_LISTED], start=1)]
    more = f" (+{len(backups) - BACKUPS_LISTED} older)" if len(backups) > BACKUPS_LISTED else ""
    return "Backups, newest first: " + " | ".join(lines) + more


class RestoreDatabaseAction(Action):
    id = "restore-database"
    title = "Restore the database from a backup"
    description = "Download a backup, stop the service, put the file where the deployment " \
                  "reads it, start the service again (the guide's Database Recovery)."
    fields = (Field("bucket", "Backups bucket"),
              Field("key", "Backup", default="newest",
                    help="newest, a number from the plan's list (1 = newest), or a key"),
              Field("local_file", "Download to", "path", default="", required=False,
                    help="empty: ./restore-<backup file name>"),
              Field("target", "Put the restored file at", help="s3://BUCKET/KEY"))
    poll_s = 5.0  # how often the stop is checked
    stop_timeout_s = 300.0  # how long tasks may take to stop

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        bucket = ctx.deployment.backup_bucket
        return {"bucket": bucket, "key": "newest", "local_file": "",
                "target": f"s3://{bucket}/{RESTORE_KEY}" if bucket else None}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        bucket = str(inputs.get("bucket") or ctx.deployment.backup_bucket or "")
        if not bucket:
            raise ActionError("this deployment has no backups bucket (no bucket name contains "
                              "'backup'; set buckets in the config or type it)")
        target_bucket, target_key = parse_s3_url(str(inputs.get("target")
                                                     or f"s3://{bucket}/{RESTORE_KEY}"))
        backups = await list_backups(ctx, bucket, target_key if target_bucket == bucket else "\0")
        if not backups:
            raise ActionError(f"s3://{shown(bucket)} holds no backup to restore")
        chosen = choose(backups, str(inputs.get("key") or "newest"))
        local = local_path(str(inputs.get("local_file")
                               or f"./restore-{PurePosixPath(chosen['Key']).name}"))
        reuse = await asyncio.to_thread(self._check_local, local, chosen)
        previous = await self._target_state(ctx, target_bucket, target_key)
        service = await describe_service(ctx)
        desired = int(service.get("desiredCount", 0))
        restart = desired or 1
        ref = {"cluster": ctx.deployment.cluster, "service": ctx.deployment.service}
        source = f"s3://{bucket}/{chosen['Key']}"
        return Plan(
            title=self.title,
            calls=(ApiCall("s3", "GetObject", {"Bucket": bucket, "Key": chosen["Key"]}),
                   ApiCall("ecs", "UpdateService", {**ref, "desiredCount": 0}),
                   ApiCall("s3", "PutObject", {"Bucket": target_bucket, "Key": target_key,
                                               "Body": f"<{local}>",
                                               "Metadata": {"restored-from": source}}),
                   ApiCall("ecs", "UpdateService", {**ref, "desiredCount": restart})),
            changes=(Change("backup", f"{chosen['Key']} ({size_text(chosen.get('Size', 0))}, "
                            f"{age_text(chosen.get('LastModified'))})",
                            f"{'already in' if reuse else 'downloaded to'} {local}"),
                     Change("desired count", str(desired),
                            f"0 (until no task runs), then {restart}"),
                     Change(f"s3://{target_bucket}/{target_key}", previous, source)),
            destructive=True,
            confirm_name=ctx.deployment.service,
            watch_next=f"the ECS pane (2): running back to {restart}, targets (3) healthy; "
                       f"the logs (4): the app restoring from s3://{target_bucket}/{target_key}",
            notes=(listing_note(backups),
                   f"The application must restore its database from s3://{target_bucket}/"
                   f"{target_key} when it starts: the guide calls this step implementation "
                   "specific. Make sure it does before relying on it.",
                   "The service serves nothing between steps 2 and 4."
                   + (" Its desired count is 0 now: it restarts with 1." if not desired else "")),
            data={"bucket": bucket, "key": chosen["Key"], "size": int(chosen.get("Size", 0)),
                  "local": str(local), "reuse": reuse, "target_bucket": target_bucket,
                  "target_key": target_key, "desired": desired, "restart": restart},
        )

    @staticmethod
    def _check_local(local: Path, backup: dict[str, Any]) -> bool:
        """True when the file is already this backup (its MD5 is the object's ETag): a second
        attempt reuses it. Any other existing file is never overwritten."""
        if local.is_dir():
            raise ActionError(f"{shown(local, 300)} is a folder: give a file name")
        if not local.exists():
            return False
        etag = str(backup.get("ETag", "")).strip('"')
        if (local.stat().st_size == int(backup.get("Size", -1)) and "-" not in etag
                and hashlib.md5(local.read_bytes(), usedforsecurity=False).hexdigest() == etag):
            return True
        raise ActionError(f"{shown(local, 300)} exists and is not this backup: choose another "
                          "file name (nothing is overwritten)")

    @staticmethod
    async def _target_state(ctx: ActionContext, bucket: str, key: str) -> str:
        s3 = await ctx.aws.client("s3")
        try:
            head = await s3.head_object(Bucket=bucket, Key=key)
        except Exception as exc:
            if error_code(exc) in ("404", "NoSuchKey", "NotFound"):
                try:
                    await s3.head_bucket(Bucket=bucket)
                except Exception as missing:
                    if error_code(missing) in ("404", "NoSuchBucket", "NotFound"):
                        raise ActionError(f"bucket {shown(bucket)} does not exist") from None
                    raise
                return "absent"
            raise
        return f"{size_text(head.get('ContentLength', 0))}, " \
               f"{age_text(head.get('LastModified'))} (replaced)"

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        return await RestoreRun(ctx, plan, progress, poll_s=self.poll_s,
                                stop_timeout_s=self.stop_timeout_s).run()
