"""Read-only mode: every action that changes AWS refuses, by key and by `start_action`, and
AWS is unchanged; the backup of the buckets (it only reads AWS) runs end to end through the
keyboard and leaves the objects' bytes on disk."""

import boto3
from textual.widgets import Input

from console.actions import ACTION_CLASSES
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen, plan_text

NEW_ACTIONS = ("invalidate-cloudfront", "rotate-admin-secret", "publish-test-notification",
               "publish-test-metric", "set-alarm-state", "apply-s3-lifecycle",
               "restore-database", "delete-nat-gateway", "rebuild-stack",
               "prepare-support-case")
READ_ONLY_SAFE = ("backup-buckets", "draft-support-case")
BACKUPS = "children-drawing-production-backups-123456789012"
DRAWINGS = "children-drawing-production-drawings-123456789012"


def aws(demo, service, region="eu-west-1"):
    return boto3.client(service, endpoint_url=demo.endpoint_url, region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def objects(demo, bucket):
    s3 = aws(demo, "s3")
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
            for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def state(demo):
    """What the refused actions would have changed."""
    cloudwatch = aws(demo, "cloudwatch")
    return (
        [(a["AlarmName"], a["StateValue"]) for a in cloudwatch.describe_alarms()["MetricAlarms"]],
        aws(demo, "secretsmanager").describe_secret(
            SecretId="children-drawing-prod-admin-password")["VersionIdsToStages"],
        aws(demo, "ecs").describe_services(cluster="children-drawing-prod-cluster", services=[
            "children-drawing-prod-service"])["services"][0]["desiredCount"],
        cloudwatch.list_metrics(Namespace="ChildrenDrawing/Application")["Metrics"],
        aws(demo, "cloudformation").describe_stacks(StackName="children-drawing-prod")[
            "Stacks"][0]["StackStatus"],
        aws(demo, "cloudfront", "us-east-1").list_invalidations(
            DistributionId=demo.built.base.distribution_id)["InvalidationList"]["Quantity"],
        {b: sorted(objects(demo, b)) for b in (BACKUPS, DRAWINGS)},
    )


def test_every_new_action_is_registered_and_flagged():
    by_id = {cls.id: cls for cls in ACTION_CLASSES}
    for action_id in NEW_ACTIONS:
        assert by_id[action_id].changes_aws, action_id
    for action_id in READ_ONLY_SAFE:
        assert not by_id[action_id].changes_aws, action_id


async def test_read_only_refuses_every_change_and_still_backs_up(scenario, open_app, until,
                                                                 read_screen, tmp_path):
    demo = scenario("healthy")
    before = state(demo)
    folder = tmp_path / "backup"
    async with open_app(demo, write=False) as (app, pilot):
        await until(pilot, lambda: app.dashboard.panes["costs"].data is not None)
        await pilot.press("5", "N", "M", "s", "6", "L", "D")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, (ActionFormScreen, ConfirmScreen))
        for action_id in NEW_ACTIONS:
            assert app.start_action(action_id) is False, action_id
            assert app.actions.availability(action_id) == "read-only"
        assert app.start_action("draft-support-case") is True
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ActionFormScreen))

        assert app.start_action("backup-buckets") is True
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        field = app.screen.query_one("#field-destination", Input)
        assert field.value.startswith("./backup-children-drawing-prod-")
        field.value = str(folder)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        whole = plan_text(app.screen.plan).plain
        assert f"{BACKUPS}: 0 of 8 object(s) in the folder → 8 object(s) copied (32.0 KiB)" \
            in whole
        assert f"As: aws s3 sync s3://{DRAWINGS} {folder / DRAWINGS}" in whole
        assert "s3.GetObject" in whole
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        result = read_screen(app)
        assert "✓ Back up the buckets: done" in result
        assert f"{BACKUPS}: 8 object(s) copied, 0 already there" in result
    assert state(demo) == before
    for bucket in (BACKUPS, DRAWINGS):
        expected = objects(demo, bucket)
        assert expected
        for key, body in expected.items():
            assert (folder / bucket / key).read_bytes() == body
    assert (folder / "incident-console-backup.json").is_file()
    assert not list(folder.rglob("*.part"))


def test_the_inputs_findings_pass_prefill_the_actions_forms():
    """probes.diagnostics findings name inputs (action_args); the form takes those by name."""
    passed = {"delete-nat-gateway": {"nat_gateway_id"}, "publish-test-metric": {"namespace"},
              "set-alarm-state": {"alarm_name"}, "publish-test-notification": {"topic_arn"},
              "restore-database": {"bucket", "key"}, "rotate-admin-secret": {"secret_id"}}
    by_id = {cls.id: cls for cls in ACTION_CLASSES}
    for action_id, names in passed.items():
        assert names <= {f.name for f in by_id[action_id].fields}, action_id
