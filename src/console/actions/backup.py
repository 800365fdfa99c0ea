"""Back up the deployment's buckets to a local folder: the guide's first recovery step
(``aws s3 sync s3://...-drawings-... ./backup-drawings/`` and the same for the backups).

It only reads AWS, so it runs in read-only mode too (still confirmed: it writes to disk).
Each bucket lands in ``<folder>/<bucket>/``; a manifest says what was copied and when, which
is how the stack rebuild recognises a finished backup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console.actions import s3sync
from console.actions.base import (
    Action,
    ActionContext,
    ApiCall,
    Change,
    Field,
    Outcome,
    Plan,
    Progress,
)
from console.actions.common import local_path, shown, size_text, utc_stamp

CALLS_SHOWN = 3  # GetObject calls listed per bucket; the rest are counted


def default_folder(stack: str) -> str:
    return f"./backup-{stack}-{utc_stamp()}"


def sync_plan_parts(syncs: list[s3sync.BucketSync], destination: Path) -> tuple[
        tuple[ApiCall, ...], tuple[Change, ...], tuple[str, ...]]:
    """The calls, changes and notes of a bucket backup, shared with the stack rebuild."""
    calls: list[ApiCall] = []
    changes: list[Change] = []
    notes: list[str] = []
    for s in syncs:
        if s.missing:
            notes.append(f"Bucket {s.bucket} does not exist: nothing to copy from it.")
            continue
        calls += [ApiCall("s3", "GetObject", {"Bucket": s.bucket, "Key": i.key})
                  for i in s.to_fetch[:CALLS_SHOWN]]
        if len(s.to_fetch) > CALLS_SHOWN:
            notes.append(f"…and {len(s.to_fetch) - CALLS_SHOWN} more GetObject calls like these "
                         f"for {s.bucket}.")
        changes.append(Change(s.bucket, f"{s.present} of {s.objects} object(s) in the folder",
                              f"{len(s.to_fetch)} object(s) copied ({size_text(s.fetch_bytes)})"
                              + (f", {s.present} skipped (same size)" if s.present else "")))
        notes.append(f"As: aws s3 sync s3://{s.bucket} {s.folder}")
        if s.unsafe:
            notes.append(f"{len(s.unsafe)} key(s) of {s.bucket} would land outside the folder "
                         f"and are skipped, e.g. {shown(s.unsafe[0])!r}.")
    return tuple(calls), tuple(changes), tuple(notes)


async def run_backup(ctx: ActionContext, data: dict[str, Any], progress: Progress) -> tuple[
        str, ...]:
    """Download what the plan listed, then write the manifest; returns what was done."""
    written = await s3sync.run_sync(ctx, data["buckets"], progress)
    destination = Path(data["destination"])
    manifest = s3sync.write_manifest(destination, ctx.deployment.stack, data["buckets"])
    details = [f"{d['bucket']}: {len(d['fetch'])} object(s) copied, {d['present']} already "
               f"there, in {d['folder']}" for d in data["buckets"] if not d["missing"]]
    return (*details, f"{size_text(written)} written; manifest {manifest}")


class BackupBucketsAction(Action):
    id = "backup-buckets"
    title = "Back up the buckets"
    description = "Copy every object of the deployment's buckets to a local folder (aws s3 " \
                  "sync): reads AWS only, so it works in read-only mode."
    changes_aws = False
    fields = (Field("destination", "Local folder", "path",
                    help="each bucket lands in <folder>/<bucket>/"),)

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        return {"destination": default_folder(ctx.deployment.stack)}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        destination = local_path(str(inputs.get("destination")
                                     or default_folder(ctx.deployment.stack)))
        syncs = await s3sync.plan_sync(ctx, ctx.deployment.buckets, destination)
        calls, changes, notes = sync_plan_parts(syncs, destination)
        return Plan(
            title=self.title,
            calls=calls,
            changes=changes,
            watch_next=f"the files in {destination}; to put them back: aws s3 sync "
                       f"{destination}/<bucket> s3://<bucket>",
            notes=(*notes, "Reads AWS only; writes to the local disk."),
            data={"destination": str(destination), "buckets": s3sync.to_data(syncs)},
        )

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        details = await run_backup(ctx, plan.data, progress)
        return Outcome(True, f"{plan.title}: done", (), details, plan.watch_next)
