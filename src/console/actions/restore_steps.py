"""The four steps of a database restore, run in order, and what to say when one fails.

A restore that stops half way leaves the service stopped, so a failure names the steps that
ran and gives the exact commands to finish the restore by hand, or to undo it (e.g. "the
service is at 0: set the desired count back to 2").
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from console.actions.base import ActionContext, ActionError, Plan, Progress, request_id
from console.actions.common import send, shown, size_text
from console.actions.s3sync import fetch_object
from console.actions.step_run import StepRun

SQLITE_HEADER = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"
STEPS = ("download the backup", "stop the service", "put the restored file in place",
         "start the service")


def check_database(path: Path, key: str) -> None:
    """Refuse to go on (before the service is touched) unless the file is what a backup is:
    a SQLite database, or gzip for a compressed one."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    expected = GZIP_MAGIC if key.endswith(".gz") else SQLITE_HEADER
    if not head.startswith(expected):
        kind = "gzip file" if expected == GZIP_MAGIC else "SQLite database"
        raise ActionError(f"{shown(path, 300)} is not a {kind} (it starts with {head[:8]!r})")


class RestoreRun(StepRun):
    """One run of a confirmed restore plan (`RestoreDatabaseAction.execute`)."""

    STEPS = STEPS
    watch = "the ECS pane (2): the service's desired and running counts"

    def __init__(self, ctx: ActionContext, plan: Plan, progress: Progress, *,
                 poll_s: float, stop_timeout_s: float) -> None:
        super().__init__(ctx, plan, progress)
        self.poll_s, self.stop_timeout_s = poll_s, stop_timeout_s

    # ------------------------------------------------------------------ the steps
    def steps(self) -> tuple[Callable[[], Awaitable[str]], ...]:
        return (self.download, self.stop, self.upload, self.start)

    async def download(self) -> str:
        local, size = Path(self.d["local"]), int(self.d["size"])
        if not self.d["reuse"]:
            s3 = await self.ctx.aws.client("s3")
            got = 0

            def report(count: int) -> None:
                nonlocal got
                got += count
                self.progress(f"1/4 downloading {shown(self.d['key'])}: {size_text(got)} of "
                              f"{size_text(size)}", 0.5 * got / size if size else None)

            await fetch_object(s3, self.d["bucket"], self.d["key"], size, local, report)
        await asyncio.to_thread(check_database, local, self.d["key"])
        return f"{'reused' if self.d['reuse'] else 'downloaded'} " \
               f"s3://{self.d['bucket']}/{self.d['key']} to {local} ({size_text(size)})"

    async def stop(self) -> str:
        self.progress("2/4 stopping the service (desired count 0)", 0.5)
        self.ids.append(request_id(await send(self.ctx, self.plan.calls[1])))
        ecs = await self.ctx.aws.client("ecs")
        started = time.monotonic()
        while True:
            described = await ecs.describe_services(cluster=self.ctx.deployment.cluster,
                                                    services=[self.ctx.deployment.service])
            service = (described.get("services") or [{}])[0]
            running = int(service.get("runningCount", 0)) + int(service.get("pendingCount", 0))
            waited = time.monotonic() - started
            if running == 0:
                return f"stopped the service (desired {self.d['desired']} → 0, no task runs)"
            if waited >= self.stop_timeout_s:
                raise ActionError(f"the service is at 0 but {running} task(s) still run after "
                                  f"{int(waited)} s")
            self.progress(f"2/4 waiting for {running} task(s) to stop ({int(waited)} s)", 0.6)
            await asyncio.sleep(self.poll_s)

    async def upload(self) -> str:
        self.progress(f"3/4 uploading to s3://{self.d['target_bucket']}/{self.d['target_key']}",
                      0.75)
        body = await asyncio.to_thread(Path(self.d["local"]).read_bytes)
        s3 = await self.ctx.aws.client("s3")
        self.ids.append(request_id(await s3.put_object(**{**self.plan.calls[2].params,
                                                          "Body": body})))
        return f"put the restored file at s3://{self.d['target_bucket']}/{self.d['target_key']}"

    async def start(self) -> str:
        self.progress(f"4/4 starting the service (desired count {self.d['restart']})", 0.9)
        self.ids.append(request_id(await send(self.ctx, self.plan.calls[3])))
        return f"started the service (desired 0 → {self.d['restart']})"

    # ------------------------------------------------------------------ failure
    def _set_count(self, count: int) -> str:
        return (f"aws ecs update-service --cluster {self.ctx.deployment.cluster} --service "
                f"{self.ctx.deployment.service} --desired-count {count} "
                f"--region {self.ctx.deployment.region}")

    def advice(self, number: int) -> list[str]:
        restart, target = self.d["restart"], f"s3://{self.d['target_bucket']}/" \
                                             f"{self.d['target_key']}"
        copy = f"aws s3 cp {self.d['local']} {target}"
        start = self._set_count(restart)
        if number == 1:
            advice = [f"nothing changed on AWS: the service still runs with desired count "
                      f"{self.d['desired']}"]
        elif number == 2:
            advice = ["the service may be at desired count 0: check the ECS pane (2)",
                      f"to finish by hand once no task runs: {copy}, then {start}",
                      f"to undo instead: {start}"]
        elif number == 3:
            advice = [f"the service is at 0: set desired count back to {restart}",
                      f"to finish by hand: {copy}, then {start}",
                      f"to undo instead (the database was not replaced): {start}"]
        else:
            advice = [f"the restored file is at {target}; the service is at 0: set desired "
                      f"count back to {restart}: {start}"]
        return advice
