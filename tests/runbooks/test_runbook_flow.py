"""P0 Service Down on the p0-outage scenario, end to end through the keyboard: it finds the
unhealthy targets and the OOM stops, forces a new deployment (which AWS then shows), and the
incident timeline holds every step."""

import boto3

from console.runbooks.session import StepStatus
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen
from console.screens.prompt import PromptScreen
from console.screens.runbook import RunbookScreen
from console.screens.runbook_picker import RunbookPreviewScreen


def deployments(demo):
    ecs = boto3.client("ecs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    service = ecs.describe_services(cluster="children-drawing-prod-cluster",
                                    services=["children-drawing-prod-service"])["services"][0]
    return {d["id"] for d in service["deployments"]}


async def test_p0_service_down_runbook(scenario, open_app, until, complete, read_screen):
    demo = scenario("p0-outage")
    before = deployments(demo)
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        assert app.start_runbook("p0-service-down")
        await until(pilot, lambda: isinstance(app.screen, RunbookPreviewScreen))
        assert app.screen.severity == "P0"  # the evidence: DOWN
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, RunbookScreen))
        session = app.screen.session
        incident = app.incidents.current()
        assert incident is not None and incident.severity == "P0"

        async def run_current_step():
            runs = session.state.runs
            await pilot.press("enter")
            await until(pilot, lambda: session.state.runs > runs)

        await pilot.press("enter")  # manual step: what did you see?
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"no AWS event in eu-west-1", "enter")
        await until(pilot, lambda: session.states["aws-health"].status is StepStatus.DONE)

        assert session.step.id == "alarms"  # a recorded manual step moves on
        for step in ("alarms", "logs", "service", "tasks", "targets"):
            if step != "alarms":
                await pilot.press("n")
            assert session.step.id == step
            await run_current_step()
        states = session.states
        assert states["targets"].status is StepStatus.FAILED
        assert any("Target.ResponseCodeMismatch" in value for _, value in
                   states["targets"].evidence)
        assert states["tasks"].status is StepStatus.FAILED
        assert "stopped out of memory (exit 137)" in dict(states["tasks"].evidence)["diagnosis"]
        assert "Target.ResponseCodeMismatch" in read_screen(app)

        await pilot.press("n")  # scale-up: skipped, with a reason
        assert session.step.id == "scale-up"
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"redeploy first", "enter")
        await until(pilot, lambda: session.states["scale-up"].status is StepStatus.SKIPPED)
        assert session.step.id == "redeploy"

        await pilot.press("enter")  # the action, with its confirmation
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        await pilot.press("escape")
        await until(pilot, lambda: session.states["redeploy"].status is StepStatus.DONE)

        timeline = app.incidents.load(incident.id)
    assert len(deployments(demo) - before) == 1
    kinds = [e.kind for e in timeline.entries]
    assert kinds[0] == "opened"
    runbook_events = [(e.get("step_id"), e.get("event")) for e in timeline.of_kind("runbook")]
    assert ("aws-health", "note") in runbook_events
    assert ("targets", "check failed") in runbook_events
    assert ("scale-up", "skipped") in runbook_events
    assert ("redeploy", "action done") in runbook_events
    checks = {e.get("name"): e.get("passed") for e in timeline.of_kind("check")}
    assert checks["targets-healthy"] is False and checks["tasks-not-stopping"] is False
    action = timeline.of_kind("action")[0]
    assert action.get("action_id") == "force-new-deployment"
    assert action.get("request_ids") and action.get("who")
    assert action.get("calls")[0]["operation"] == "UpdateService"
