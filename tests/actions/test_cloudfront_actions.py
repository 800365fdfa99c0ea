"""Invalidate CloudFront paths, from the command palette's path (`start_action`), against the
emulator: the confirmation shows the exact CreateInvalidation, and the invalidation exists."""

from dataclasses import replace

import boto3
import pytest
from textual.widgets import Input

from console.actions.base import ActionContext, ActionError
from console.actions.cloudfront import InvalidateCloudFrontAction, parse_paths
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen
from probes.deployment import Deployment
from probes.identity import CallerIdentity


def cloudfront(demo):
    return boto3.client("cloudfront", endpoint_url=demo.endpoint_url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


async def test_invalidation_is_confirmed_then_exists(scenario, open_app, until, read_screen):
    demo = scenario("healthy")
    distribution = demo.built.base.distribution_id
    async with open_app(demo, write=True) as (app, pilot):
        assert app.start_action("invalidate-cloudfront")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        assert app.screen.query_one("#field-paths", Input).value == "/*"
        app.screen.query_one("#field-paths", Input).value = "/* /index.html"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = read_screen(app)
        assert "cloudfront.CreateInvalidation" in text and f'"DistributionId": "{distribution}"' \
            in text
        assert "Deployed, 0 invalidation(s) in progress" in text
        params = app.screen.plan.calls[0].params["InvalidationBatch"]
        assert params["Paths"] == {"Quantity": 2, "Items": ["/*", "/index.html"]}
        assert params["CallerReference"].startswith("incident-console-")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        assert "✓ Invalidate CloudFront paths: invalidation" in read_screen(app)
    listed = cloudfront(demo).list_invalidations(DistributionId=distribution)["InvalidationList"]
    assert listed["Quantity"] == 1
    made = cloudfront(demo).get_invalidation(DistributionId=distribution,
                                             Id=listed["Items"][0]["Id"])["Invalidation"]
    assert made["InvalidationBatch"]["Paths"]["Items"] == ["/*", "/index.html"]


@pytest.mark.parametrize("text, message", [
    ("index.html", "must start with /"),
    ("/a*/b", "only allowed at the end"),
    ("   ", "at least one path"),
])
def test_bad_paths_are_refused_with_a_reason(text, message):
    with pytest.raises(ActionError, match=message):
        parse_paths(text)


async def test_a_deployment_without_a_distribution_is_refused():
    deployment = replace(Deployment.by_convention("children-drawing-prod", "eu-west-1"),
                         distribution_id=None)
    ctx = ActionContext(aws=None, deployment=deployment,  # type: ignore[arg-type]
                        identity=CallerIdentity("1", "arn", "u"), write=True)
    with pytest.raises(ActionError, match="no CloudFront distribution"):
        await InvalidateCloudFrontAction().plan(ctx, {"paths": "/*"})
