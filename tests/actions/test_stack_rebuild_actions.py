"""The guide's Complete Stack Recovery as one action, against the emulator: back up the
buckets, delete the stack, wait, create it from a template file, wait.

moto cannot delete the demo's own stack (its VPC still has the resources made outside the
template: DependencyViolation), so this runs on a small stack of its own: a topic and a data
bucket that is retained on delete (as a real stack must for a non-empty bucket), named after
a `Generation` parameter that the rebuild overrides, as the guide's "new bucket" implies.
"""

import json
from contextlib import asynccontextmanager
from dataclasses import replace

import boto3
import pytest
from textual.widgets import Input

from console.actions.base import ActionContext, ActionError
from console.actions.stack_rebuild import RebuildStackAction
from console.app import ConsoleApp
from console.config import FileConfig, Flags, resolve
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen, plan_text
from probes.suite import connect

STACK = "children-drawing-rebuild"
OLD_BUCKET = "rebuild-test-data-1-123456789012"
NEW_BUCKET = "rebuild-test-data-2-123456789012"
TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Description": "stack rebuild test",
    "Parameters": {"Generation": {"Type": "String", "Default": "1"}},
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic",
                  "Properties": {"TopicName": {"Fn::Sub": "rebuild-test-${Generation}"}}},
        "DataBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
                       "UpdateReplacePolicy": "Retain",
                       "Properties": {"BucketName": {
                           "Fn::Sub": "rebuild-test-data-${Generation}-123456789012"}}},
    },
}


def aws(demo, service):
    return boto3.client(service, endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def make_stack(demo, tmp_path):
    """The stack, one object in its bucket, and its template as a file."""
    cfn = aws(demo, "cloudformation")
    stack_id = cfn.create_stack(StackName=STACK, TemplateBody=json.dumps(TEMPLATE),
                                Tags=[{"Key": "Application", "Value": "children-drawing"}])[
        "StackId"]
    aws(demo, "s3").put_object(Bucket=OLD_BUCKET, Key="uploads/1.png", Body=b"\x89PNG drawing")
    template = tmp_path / "main-infrastructure.json"
    template.write_text(json.dumps(TEMPLATE, indent=2))
    return stack_id, template


@asynccontextmanager
async def open_stack_app(demo, tmp_path):
    """The real app watching the small stack (write enabled)."""
    env = replace(resolve(Flags(write=True, stack=STACK), env_vars={},
                          file=FileConfig(path=tmp_path / "config.toml")),
                  aws=demo.settings(), name="test")
    connection = await connect(env.aws, env.stack, env.overrides)
    app = ConsoleApp(env, connection, cost_cache_dir=tmp_path / "cache")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            yield app, pilot
    finally:
        await connection.close()


@pytest.fixture
def fast_polls(monkeypatch):
    monkeypatch.setattr(RebuildStackAction, "poll_s", 0.05)


async def test_rebuild_backs_up_deletes_and_creates_the_stack(scenario, until, read_screen,
                                                              tmp_path, fast_polls):
    demo = scenario("healthy")
    old_id, template = make_stack(demo, tmp_path)
    folder = tmp_path / "backup"
    async with open_stack_app(demo, tmp_path) as (app, pilot):
        assert app.start_action("rebuild-stack")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        form = app.screen
        assert form.query_one("#field-backup", Input).value.startswith(
            f"./backup-{STACK}-")
        form.query_one("#field-template", Input).value = str(template)
        form.query_one("#field-backup", Input).value = str(folder)
        form.query_one("#field-parameters", Input).value = "Generation=2"
        await pilot.press("enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        plan = app.screen.plan
        whole = plan_text(plan).plain
        assert [c.operation for c in plan.calls] == ["GetObject", "DeleteStack", "CreateStack"]
        assert f"{OLD_BUCKET}: 0 of 1 object(s) in the folder → 1 object(s) copied" in whole
        assert "Template parameters: Generation = 2 (given)" in whole
        assert f'"TemplateBody": "<{template}>"' in whole
        assert f"stack {STACK}: CREATE_COMPLETE" in whole and "deleted, then created from " \
            "main-infrastructure.json" in whole
        await until(pilot, lambda: f"Type {STACK}" in read_screen(app))
        app.screen.query_one("#confirm-name", Input).value = STACK
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        result = read_screen(app)
        assert "✓ Rebuild the stack (delete and create): done" in result
        assert "restore the data (aws s3 sync" in result
    cfn = aws(demo, "cloudformation")
    assert cfn.describe_stacks(StackName=old_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    new = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    assert new["StackStatus"] == "CREATE_COMPLETE" and new["StackId"] != old_id
    assert {p["ParameterKey"]: p["ParameterValue"] for p in new["Parameters"]} == {
        "Generation": "2"}
    assert new["Tags"] == [{"Key": "Application", "Value": "children-drawing"}]
    assert aws(demo, "s3").head_bucket(Bucket=NEW_BUCKET)
    assert (folder / OLD_BUCKET / "uploads" / "1.png").read_bytes() == b"\x89PNG drawing"


async def test_a_missing_or_invalid_template_is_refused_before_anything_changes(scenario,
                                                                                tmp_path):
    demo = scenario("healthy")
    make_stack(demo, tmp_path)
    connection = await connect(demo.settings(), STACK)
    try:
        ctx = ActionContext(aws=connection.ctx, deployment=connection.deployment,
                            identity=connection.identity, write=True)
        action = RebuildStackAction()
        with pytest.raises(ActionError, match="does not exist"):
            await action.plan(ctx, {"template": str(tmp_path / "nope.yaml"),
                                    "backup": str(tmp_path / "b")})
        broken = tmp_path / "broken.json"
        broken.write_text('{"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Nope": 1}}}')
        with pytest.raises(ActionError, match="does not validate"):
            await action.plan(ctx, {"template": str(broken), "backup": str(tmp_path / "b")})
        good = tmp_path / "main-infrastructure.json"
        with pytest.raises(ActionError, match="the template has no parameter Owner"):
            await action.plan(ctx, {"template": str(good), "backup": str(tmp_path / "b"),
                                    "parameters": "Owner=me"})
    finally:
        await connection.close()
    assert aws(demo, "cloudformation").describe_stacks(StackName=STACK)["Stacks"][0][
        "StackStatus"] == "CREATE_COMPLETE"


async def test_a_delete_that_fails_says_where_the_backup_is_and_what_to_run(scenario, tmp_path,
                                                                           fast_polls):
    """moto refuses to delete the demo's stack (DependencyViolation): the run stops at step 2
    and says so, with the backup already on disk."""
    demo = scenario("healthy")
    template = tmp_path / "main-infrastructure.json"
    template.write_text(json.dumps(TEMPLATE))
    connection = await connect(demo.settings(), "children-drawing-prod")
    try:
        ctx = ActionContext(aws=connection.ctx, deployment=connection.deployment,
                            identity=connection.identity, write=True)
        action = RebuildStackAction()
        plan = await action.plan(ctx, {"template": str(template),
                                       "backup": str(tmp_path / "backup")})
        outcome = await action.execute(ctx, plan, lambda message, fraction: None)
    finally:
        await connection.close()
    assert not outcome.ok
    assert "step 2 (delete the stack) failed" in outcome.summary
    details = "\n".join(outcome.details)
    assert "steps that ran: 1. backed up the buckets" in details
    assert f"the backup is in {tmp_path / 'backup'}" in details
    assert "aws cloudformation delete-stack --stack-name children-drawing-prod" in details
    assert f"--template-body file://{template}" in details
    assert (tmp_path / "backup" / "incident-console-backup.json").is_file()


def _fake_cfn(statuses, events=()):
    """An ActionContext whose CloudFormation answers `statuses` in turn (the last repeats)."""
    queue = list(statuses)

    class Cfn:
        async def describe_stacks(self, StackName):
            status = queue.pop(0) if len(queue) > 1 else queue[0]
            return {"Stacks": [{"StackStatus": status, "StackStatusReason": ""}]}

        async def describe_stack_events(self, StackName):
            return {"StackEvents": list(events)}

    class Aws:
        async def client(self, service, region=None):
            return Cfn()

    return ActionContext(aws=Aws(), deployment=None, identity=None,  # type: ignore[arg-type]
                         write=True)


async def test_waiting_names_the_failed_state_or_the_state_it_timed_out_in():
    from console.actions.stack_wait import wait_for

    seen: list[str] = []
    failed = _fake_cfn(["CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS"], [
        {"LogicalResourceId": "Service", "ResourceStatus": "CREATE_FAILED",
         "ResourceStatusReason": "Invalid request provided: subnet not found"}])
    with pytest.raises(ActionError, match="ROLLBACK_IN_PROGRESS; Service CREATE_FAILED: "
                                          "Invalid request provided"):
        await wait_for(failed, "id", "CREATE_COMPLETE", lambda m, f: seen.append(m),
                       label="3/3 creating", poll_s=0, timeout_s=60)
    assert seen == ["3/3 creating: CREATE_IN_PROGRESS (0 s)"]
    slow = _fake_cfn(["DELETE_IN_PROGRESS"])
    with pytest.raises(ActionError, match="still DELETE_IN_PROGRESS after"):
        await wait_for(slow, "id", "DELETE_COMPLETE", lambda m, f: None, label="2/3 deleting",
                       poll_s=0.01, timeout_s=0.05)
