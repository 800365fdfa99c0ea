"""`aws s3 sync s3://bucket ./folder`, as the backup and the stack rebuild need it.

Planning lists every object and compares it with the local folder: an object whose file is
already there with the same size is skipped (as `aws s3 sync` does), a file there with another
size is a conflict (the plan refuses rather than overwrite it). Object keys are untrusted: a
key that would land outside the folder (``../x``, an absolute path) is never written.
Downloading writes each object to ``NAME.part`` and renames it when complete, so an
interrupted run never leaves a file that looks whole; a few objects download at once.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.actions.base import ActionContext, ActionError, Progress
from console.actions.common import error_code, shown, size_text, utc_stamp

MANIFEST = "incident-console-backup.json"
CHUNK = 1024 * 1024
PARALLEL = 4


class NothingToBackUp(ActionError):
    """The deployment lists no bucket, or none of its buckets exists any more."""


@dataclass(frozen=True)
class SyncItem:
    bucket: str
    key: str
    size: int
    path: str  # the local file


@dataclass(frozen=True)
class BucketSync:
    bucket: str
    folder: str
    objects: int = 0
    total_bytes: int = 0
    to_fetch: tuple[SyncItem, ...] = ()
    present: int = 0  # already there with the same size: skipped
    unsafe: tuple[str, ...] = ()  # keys that would land outside the folder: never written
    conflicts: tuple[str, ...] = ()  # local files of another size: the plan refuses
    missing: bool = False  # the bucket does not exist

    @property
    def fetch_bytes(self) -> int:
        return sum(i.size for i in self.to_fetch)


def local_file(folder: Path, key: str) -> Path | None:
    """Where `key` lands under `folder`, or None when it would land outside it, names a
    folder (the ``photos/`` placeholders the S3 console creates) or holds control
    characters."""
    parts = key.split("/")  # not PurePosixPath: it folds "a//b" and "./a" into other keys
    if any(ord(c) < 0x20 or c == "\x7f" for c in key) or any(p in ("..", ".", "") for p in parts):
        return None  # control characters would make file names that rewrite the terminal
    target = folder.joinpath(*parts)
    return target if target.resolve().is_relative_to(folder.resolve()) else None


async def plan_bucket(ctx: ActionContext, bucket: str, folder: Path) -> BucketSync:
    """List `bucket` and compare it with `folder` (reads S3 and the disk, writes nothing)."""
    s3 = await ctx.aws.client("s3")
    fetch: list[SyncItem] = []
    unsafe: list[str] = []
    conflicts: list[str] = []
    present = objects = total = 0
    try:
        async for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for obj in page.get("Contents", []):
                key, size = obj["Key"], int(obj.get("Size", 0))
                objects += 1
                total += size
                target = local_file(folder, key)
                if target is None:
                    if not key.endswith("/"):
                        unsafe.append(key)
                    continue
                if target.is_file() and target.stat().st_size == size:
                    present += 1
                elif target.exists():
                    conflicts.append(f"{target} ({size_text(target.stat().st_size)} here, "
                                     f"{size_text(size)} in S3)")
                else:
                    fetch.append(SyncItem(bucket, key, size, str(target)))
    except Exception as exc:
        if error_code(exc) == "NoSuchBucket":
            return BucketSync(bucket, str(folder), missing=True)
        raise
    return BucketSync(bucket, str(folder), objects, total, tuple(fetch), present, tuple(unsafe),
                      tuple(conflicts))


async def plan_sync(ctx: ActionContext, buckets: tuple[str, ...],
                    destination: Path) -> list[BucketSync]:
    """Every bucket into ``destination/<bucket>``; refuses a destination that would overwrite
    files with different content."""
    if destination.exists() and not destination.is_dir():
        raise ActionError(f"{shown(destination, 300)} is a file, not a folder")
    if not buckets:
        raise NothingToBackUp("this deployment has no S3 bucket to back up")
    syncs = [await plan_bucket(ctx, b, destination / b) for b in buckets]
    conflicts = [c for s in syncs for c in s.conflicts]
    if conflicts:
        raise ActionError(f"{shown(destination, 300)} already holds {len(conflicts)} file(s) that "
                          f"differ from the objects, e.g. {shown(conflicts[0], 300)}: nothing "
                          "is overwritten. Choose a new or empty folder")
    if all(s.missing for s in syncs):
        raise NothingToBackUp(f"none of the buckets exists any more: {', '.join(buckets)}")
    return syncs


def to_data(syncs: list[BucketSync]) -> list[dict[str, Any]]:
    return [{"bucket": s.bucket, "folder": s.folder, "objects": s.objects,
             "bytes": s.total_bytes, "present": s.present, "missing": s.missing,
             "fetch": [(i.key, i.size, i.path) for i in s.to_fetch]} for s in syncs]


class _Counter:
    def __init__(self, objects: int, total: int, progress: Progress) -> None:
        self.objects, self.total, self.progress = objects, total, progress
        self.done_objects = self.done_bytes = 0

    def add(self, size: int = 0, finished: bool = False) -> None:
        self.done_bytes += size
        self.done_objects += 1 if finished else 0
        self.progress(f"{self.done_objects}/{self.objects} objects, "
                      f"{size_text(self.done_bytes)} of {size_text(self.total)}",
                      self.done_bytes / self.total if self.total else None)


async def fetch_object(s3: Any, bucket: str, key: str, size: int, path: Path,
                       report: Callable[[int], None]) -> None:
    """Download one object to `path` (through ``NAME.part``), calling `report(bytes)` as it
    goes; a short read raises `ActionError` and leaves nothing at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    response = await s3.get_object(Bucket=bucket, Key=key)
    written = 0
    async with response["Body"] as body:
        with open(partial, "wb") as out:
            while chunk := await body.read(CHUNK):
                out.write(chunk)
                written += len(chunk)
                report(len(chunk))
    if written != size:
        partial.unlink(missing_ok=True)
        raise ActionError(f"s3://{shown(bucket)}/{shown(key)}: got {written} bytes, expected "
                          f"{size}")
    os.replace(partial, path)


async def run_sync(ctx: ActionContext, data: list[dict[str, Any]], progress: Progress) -> int:
    """Download what the plan listed; returns the bytes written. Stops at the first failure
    (objects already downloaded stay: a second run skips them)."""
    items = [(d["bucket"], key, size, Path(path)) for d in data for key, size, path in d["fetch"]]
    counter = _Counter(len(items), sum(i[2] for i in items), progress)
    counter.add()
    s3 = await ctx.aws.client("s3")
    queue = list(reversed(items))

    async def worker() -> None:
        while queue:
            bucket, key, size, path = queue.pop()
            await fetch_object(s3, bucket, key, size, path, counter.add)
            counter.add(finished=True)

    workers = [asyncio.ensure_future(worker()) for _ in range(min(PARALLEL, len(items)))]
    try:
        await asyncio.gather(*workers)
    except BaseException:
        for w in workers:
            w.cancel()
        raise
    return counter.done_bytes


def write_manifest(destination: Path, stack: str, data: list[dict[str, Any]]) -> Path:
    """What was backed up and when, so a later rebuild can tell a backup folder from any."""
    destination.mkdir(parents=True, exist_ok=True)
    manifest = destination / MANIFEST
    manifest.write_text(json.dumps({
        "stack": stack, "finished": utc_stamp(),
        "buckets": {d["bucket"]: {"folder": d["folder"], "objects": d["objects"],
                                  "bytes": d["bytes"], "missing": d["missing"]} for d in data},
    }, indent=2), encoding="utf-8")
    return manifest


def read_manifest(destination: Path) -> dict[str, Any] | None:
    try:
        return json.loads((destination / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
