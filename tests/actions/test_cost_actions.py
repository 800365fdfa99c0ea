"""The guide's cost controls from the costs pane (6), through the keyboard, on `cost-overrun`:
an S3 lifecycle policy (L) that keeps the bucket's other rules, and deleting the NAT gateway
(D) once its id is typed."""

from dataclasses import replace

import boto3
import pytest
from textual.widgets import Input

from console.actions.base import ActionContext, ActionError
from console.actions.network import DeleteNatGatewayAction
from console.actions.storage import ApplyS3LifecycleAction
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen, plan_text
from probes.suite import connect

BACKUPS = "children-drawing-production-backups-123456789012"
EXISTING_RULE = {"ID": "expire-tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
                 "Expiration": {"Days": 1}}


def aws(demo, service):
    return boto3.client(service, endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


async def test_lifecycle_then_nat_gateway_from_the_costs_pane(scenario, open_app, until,
                                                               read_screen):
    demo = scenario("cost-overrun")
    s3, ec2 = aws(demo, "s3"), aws(demo, "ec2")
    s3.put_bucket_lifecycle_configuration(Bucket=BACKUPS,
                                          LifecycleConfiguration={"Rules": [EXISTING_RULE]})
    nat_id = ec2.describe_nat_gateways()["NatGateways"][0]["NatGatewayId"]
    async with open_app(demo, write=True) as (app, pilot):
        costs = app.dashboard.panes["costs"]
        await until(pilot, lambda: costs.data is not None)
        await pilot.press("6", "L")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        assert app.screen.query_one("#field-bucket", Input).value == BACKUPS
        await pilot.press("enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        whole = plan_text(app.screen.plan).plain
        assert (f"lifecycle of {BACKUPS}: expire-tmp: expire after 1d → expire-tmp: expire "
                "after 1d; incident-console-backups: STANDARD_IA after 30d, expire after 90d, "
                "old versions after 30d, abort stale uploads after 7d") in whole
        assert "s3.PutBucketLifecycleConfiguration" in whole
        assert "the 1 other rule(s) are sent back unchanged" in whole
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        assert "✓ Apply an S3 lifecycle policy: done" in read_screen(app)
        await pilot.press("escape")

        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        assert app.screen.query_one("#field-nat_gateway_id", Input).value == nat_id
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        whole = plan_text(app.screen.plan).plain
        assert f"NAT gateway {nat_id}: available in " in whole and "→ deleted" in whole
        assert "Month to date: EC2 - Other" in whole
        assert "stays allocated (and billed)" in whole
        await until(pilot, lambda: f"Type {nat_id} and press Enter" in read_screen(app))
        await pilot.press("y")  # not enough for a destructive change
        assert isinstance(app.screen, ConfirmScreen)
        app.screen.query_one("#confirm-name", Input).value = nat_id
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        assert "✓ Delete a NAT gateway: done" in read_screen(app)

    rules = s3.get_bucket_lifecycle_configuration(Bucket=BACKUPS)["Rules"]
    by_id = {r["ID"]: r for r in rules}
    assert set(by_id) == {"expire-tmp", "incident-console-backups"}
    assert by_id["expire-tmp"]["Expiration"] == {"Days": 1}
    ours = by_id["incident-console-backups"]
    assert ours["Transitions"] == [{"Days": 30, "StorageClass": "STANDARD_IA"}]
    assert ours["Expiration"] == {"Days": 90}
    assert ours["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["State"] == \
        "deleted"


async def test_a_bucket_outside_the_deployment_or_an_unknown_nat_is_refused(scenario):
    demo = scenario("cost-overrun")
    connection = await connect(demo.settings(), "children-drawing-prod")
    try:
        ctx = ActionContext(aws=connection.ctx, deployment=connection.deployment,
                            identity=connection.identity, write=True)
        with pytest.raises(ActionError, match="unknown bucket 'someone-elses-bucket'"):
            await ApplyS3LifecycleAction().plan(ctx, {"bucket": "someone-elses-bucket"})
        with pytest.raises(ActionError, match="no NAT gateway 'nat-0000'"):
            await DeleteNatGatewayAction().plan(ctx, {"nat_gateway_id": "nat-0000"})
        # Not listed by the stack: found in the deployment's VPC.
        plan = await DeleteNatGatewayAction().plan(
            replace(ctx, deployment=replace(ctx.deployment, nat_gateway_ids=())),
            {"nat_gateway_id": ""})
        assert plan.confirm_name == connection.deployment.nat_gateway_ids[0]
    finally:
        await connection.close()
