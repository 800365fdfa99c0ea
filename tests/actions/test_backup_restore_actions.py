"""Restoring a database backup end to end against the emulator (the service goes 2 -> 0 -> 2
and the backup lands at the restore key), a restore that fails half way (it says which steps
ran and how to finish or undo by hand), and what a repeated backup does."""

from contextlib import asynccontextmanager

import boto3
import pytest
from botocore.exceptions import ClientError
from textual.widgets import Input

from console.actions.backup import BackupBucketsAction
from console.actions.base import ActionContext, ActionError
from console.actions.restore import RestoreDatabaseAction
from console.actions.s3sync import local_file
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen, plan_text
from probes.suite import connect

CLUSTER = "children-drawing-prod-cluster"
SERVICE = "children-drawing-prod-service"
BACKUPS = "children-drawing-production-backups-123456789012"
DRAWINGS = "children-drawing-production-drawings-123456789012"


def aws(demo, service):
    return boto3.client(service, endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def objects(demo, bucket):
    s3 = aws(demo, "s3")
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
            for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def desired(demo):
    return aws(demo, "ecs").describe_services(cluster=CLUSTER, services=[SERVICE])[
        "services"][0]["desiredCount"]


@asynccontextmanager
async def action_context(demo, write=True):
    """The context an action gets from the app, without the app (for failure paths)."""
    connection = await connect(demo.settings(), "children-drawing-prod")
    try:
        yield ActionContext(aws=connection.ctx, deployment=connection.deployment,
                            identity=connection.identity, write=write)
    finally:
        await connection.close()


async def test_a_second_backup_skips_what_is_there_and_never_overwrites(scenario, tmp_path):
    """The end-to-end backup through the keyboard is in test_read_only_actions.py."""
    demo = scenario("healthy")
    folder = tmp_path / "backup"
    async with action_context(demo, write=False) as ctx:
        first = await BackupBucketsAction().plan(ctx, {"destination": str(folder)})
        done = await BackupBucketsAction().execute(ctx, first, lambda message, fraction: None)
        assert done.ok
        again = await BackupBucketsAction().plan(ctx, {"destination": str(folder)})
        assert [c.after for c in again.changes] == [
            "0 object(s) copied (0 B), 2 skipped (same size)",
            "0 object(s) copied (0 B), 8 skipped (same size)"]
        aws(demo, "s3").put_object(Bucket=DRAWINGS, Key="a//b.png", Body=b"x")
        unsafe = await BackupBucketsAction().plan(ctx, {"destination": str(folder)})
        assert not unsafe.calls
        assert f"1 key(s) of {DRAWINGS} would land outside the folder and are skipped, " \
               "e.g. 'a//b.png'." in unsafe.notes
        changed = next((folder / BACKUPS).iterdir())
        changed.write_bytes(b"not the backup")
        with pytest.raises(ActionError, match=r"differ from the objects.*nothing is overwritten"):
            await BackupBucketsAction().plan(ctx, {"destination": str(folder)})


def test_object_keys_never_land_outside_the_folder(tmp_path):
    assert local_file(tmp_path, "uploads/1.png") == tmp_path / "uploads" / "1.png"
    for key in ("../escape.db", "a/../../x", "/etc/passwd", "photos/", "a//b", "./a",
                "evil\x1b]52;c;bad\x07.png", "nul\x00.db"):
        assert local_file(tmp_path, key) is None


async def test_restore_stops_puts_and_starts_the_service(scenario, open_app, until, read_screen,
                                                         tmp_path):
    demo = scenario("healthy")
    backups = objects(demo, BACKUPS)
    newest = max(backups)  # backup-YYYY-MM-DD-HH-MM.db: the name sorts by time
    counts: list[int] = []
    local = tmp_path / "restore.db"
    async with open_app(demo, write=True) as (app, pilot):
        ecs = await app.connection.ctx.client("ecs")
        ecs.meta.events.register("provide-client-params.ecs.UpdateService",
                                 lambda params, **_: counts.append(params["desiredCount"]))
        assert app.start_action("restore-database")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        assert app.screen.query_one("#field-bucket", Input).value == BACKUPS
        assert app.screen.query_one("#field-key", Input).value == "newest"
        assert app.screen.query_one("#field-target", Input).value == \
            f"s3://{BACKUPS}/restore/app.db"
        app.screen.query_one("#field-local_file", Input).value = str(local)
        await pilot.press("enter", "enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        whole = plan_text(app.screen.plan).plain
        assert f"Backups, newest first: 1. {newest}  4.0 KiB" in whole
        assert "desired count: 2 → 0 (until no task runs), then 2" in whole
        assert f"s3://{BACKUPS}/restore/app.db: absent → s3://{BACKUPS}/{newest}" in whole
        assert "the guide calls this step implementation specific" in whole
        operations = [c.operation for c in app.screen.plan.calls]
        assert operations == ["GetObject", "UpdateService", "PutObject", "UpdateService"]
        await until(pilot, lambda: f"Type {SERVICE}" in read_screen(app))
        app.screen.query_one("#confirm-name", Input).value = SERVICE
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        result = read_screen(app)
        assert "✓ Restore the database from a backup: done" in result
        assert "4. started the service (desired 0 → 2)" in result
    assert counts == [0, 2]
    assert desired(demo) == 2
    assert local.read_bytes() == backups[newest]
    restored = aws(demo, "s3").get_object(Bucket=BACKUPS, Key="restore/app.db")
    assert restored["Body"].read() == backups[newest]
    assert restored["Metadata"] == {"restored-from": f"s3://{BACKUPS}/{newest}"}


async def test_a_failed_upload_says_the_service_is_at_zero_and_how_to_finish(scenario,
                                                                            tmp_path):
    demo = scenario("healthy")
    async with action_context(demo) as ctx:
        action = RestoreDatabaseAction()
        plan = await action.plan(ctx, {"key": "2", "local_file": str(tmp_path / "r.db"),
                                       "target": f"s3://{BACKUPS}/restore/app.db"})
        s3 = await ctx.aws.client("s3")

        def deny(**_):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}},
                              "PutObject")

        s3.meta.events.register("provide-client-params.s3.PutObject", deny)
        outcome = await action.execute(ctx, plan, lambda message, fraction: None)
    assert not outcome.ok
    assert "step 3 (put the restored file in place) failed: access denied" in outcome.summary
    details = "\n".join(outcome.details)
    assert "steps that ran: 1. downloaded" in details and "2. stopped the service" in details
    assert "the service is at 0: set desired count back to 2" in details
    assert ("aws ecs update-service --cluster children-drawing-prod-cluster --service "
            "children-drawing-prod-service --desired-count 2") in details
    assert f"aws s3 cp {tmp_path / 'r.db'} s3://{BACKUPS}/restore/app.db" in details
    assert desired(demo) == 0  # what the message says is what AWS holds


async def test_a_restore_refuses_an_unknown_backup_and_a_file_it_would_overwrite(
        scenario, tmp_path):
    demo = scenario("healthy")
    async with action_context(demo) as ctx:
        with pytest.raises(ActionError, match=r"no backup 'backup-1999\.db': use newest"):
            await RestoreDatabaseAction().plan(ctx, {"key": "backup-1999.db"})
        other = tmp_path / "precious.db"
        other.write_bytes(b"someone's work")
        with pytest.raises(ActionError, match=r"is not this backup.*nothing is overwritten"):
            await RestoreDatabaseAction().plan(ctx, {"key": "newest",
                                                     "local_file": str(other)})
    assert desired(demo) == 2
