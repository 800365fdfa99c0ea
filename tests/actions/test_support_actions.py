"""An AWS Support case for a P0, pre-filled with what the panes show, on `p0-outage`: the draft
is saved and shown, the case is opened (moto's Support API, us-east-1), and on a Basic plan
(SubscriptionRequiredException) the result says so and points to the saved text."""

import boto3
from botocore.exceptions import ClientError
from textual.widgets import Input

from console.actions.base import ActionContext
from console.actions.support import PrepareSupportCaseAction
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen, plan_text
from probes.suite import connect


async def fill(app, pilot, until, **values):
    await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
    for name, value in values.items():
        app.screen.query_one(f"#field-{name}", Input).value = value
    for _ in app.screen.query(Input):
        await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))


async def test_draft_then_open_a_p0_case_with_the_evidence(scenario, open_app, until, complete,
                                                           read_screen, tmp_path):
    demo = scenario("p0-outage")
    draft, sent = tmp_path / "case.txt", tmp_path / "sent.txt"
    sent_params: list[dict] = []
    async with open_app(demo, write=True) as (app, pilot):
        support = await app.connection.ctx.client("support", "us-east-1")
        support.meta.events.register("provide-client-params.support.CreateCase",
                                     lambda params, **_: sent_params.append(dict(params)))
        await until(pilot, lambda: complete(app))
        assert app.start_action("draft-support-case")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        assert app.screen.query_one("#field-severity", Input).value == "P0"
        assert "DOWN: fail-open: routing to unhealthy targets" in app.screen.query_one(
            "#field-subject", Input).value
        await fill(app, pilot, until, tried="forced a new deployment", file=str(draft))
        assert app.screen.plan.calls == ()
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        shown = app.screen.query_one("#outcome").render().plain  # the result box, unwrapped
        assert f"✓ Support case text saved to {draft}" in shown
        await pilot.press("escape")

        assert app.start_action("prepare-support-case")
        await fill(app, pilot, until, file=str(sent))
        whole = plan_text(app.screen.plan).plain
        assert "support.CreateCase" in whole and '"severityCode": "urgent"' in whole
        assert app.screen.plan.calls[0].region == "us-east-1"
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        assert "✓ Support case opened:" in read_screen(app)

    text = draft.read_text()
    assert "Severity: urgent (P0: production system down)" in text
    assert "Impact: DOWN: fail-open: routing to unhealthy targets (0/2 healthy" in text
    assert "unhealthy Target.ResponseCodeMismatch: Health checks failed" in text
    assert "Stopped tasks (newest first)" in text and "exit code(s) 137" in text
    assert "Alarms in ALARM" in text and "children-drawing-prod-ecs-memory-high since" in text
    assert "What we have tried: forced a new deployment" in text
    support = boto3.client("support", endpoint_url=demo.endpoint_url, region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
    cases = support.describe_cases()["cases"]  # (moto cycles severityCode on each describe)
    assert len(cases) == 1
    assert cases[0]["subject"].startswith("children-drawing-prod production on ECS Fargate: DOWN")
    assert [p["severityCode"] for p in sent_params] == ["urgent"]
    assert sent_params[0]["communicationBody"] == sent.read_text()
    assert sent.read_text().startswith("Subject: children-drawing-prod production")


async def test_a_basic_plan_leaves_the_saved_text_to_paste(scenario, tmp_path):
    demo = scenario("p0-outage")
    connection = await connect(demo.settings(), "children-drawing-prod")
    try:
        ctx = ActionContext(aws=connection.ctx, deployment=connection.deployment,
                            identity=connection.identity, write=True)
        support = await ctx.aws.client("support", "us-east-1")

        def basic_plan(**_):
            raise ClientError({"Error": {"Code": "SubscriptionRequiredException",
                                         "Message": "AWS Premium Support Subscription is "
                                                    "required to use this service."}},
                              "CreateCase")

        support.meta.events.register("provide-client-params.support.CreateCase", basic_plan)
        action = PrepareSupportCaseAction()
        plan = await action.plan(ctx, {"severity": "P1", "file": str(tmp_path / "case.txt")})
        outcome = await action.execute(ctx, plan, lambda message, fraction: None)
    finally:
        await connection.close()
    assert not outcome.ok
    assert "support plan (Basic or Developer) does not include the Support API" in \
        outcome.summary
    assert f"the case text is saved in {tmp_path / 'case.txt'}: paste it at" in \
        outcome.details[0]
    assert "Severity: high (P1: production system impaired)" in \
        (tmp_path / "case.txt").read_text()
