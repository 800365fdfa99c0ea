"""ECS actions end to end through the keyboard, against the emulator: what the confirmation
shows, and what AWS then holds."""

import boto3

from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen, plan_text

CLUSTER = "children-drawing-prod-cluster"
SERVICE = "children-drawing-prod-service"


def ecs_client(demo):
    return boto3.client("ecs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def service_of(demo):
    return ecs_client(demo).describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]


async def test_force_new_deployment_shows_the_call_then_aws_has_a_new_deployment(
        scenario, open_app, until, complete, read_screen):
    demo = scenario("p0-outage")
    before = {d["id"] for d in service_of(demo)["deployments"]}
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("2", "F")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = read_screen(app)
        assert "ecs.UpdateService" in text and '"forceNewDeployment": true' in text
        assert "aws ecs update-service --cluster children-drawing-prod-cluster" in text
        await pilot.press("y", "y")  # a double press runs it once
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        result = read_screen(app)
        assert "✓ Force a new deployment: done" in result
        assert "AWS request ids" in result
        assert "watch the rollout in the ECS pane" in result
    after = {d["id"] for d in service_of(demo)["deployments"]}
    assert len(after - before) == 1


async def test_set_desired_count_shows_before_and_after(scenario, open_app, until, complete,
                                                        read_screen):
    demo = scenario("healthy")
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("2", "c")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        field = app.screen.query_one("#field-count")
        assert field.value == "2"
        field.value = "4"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "desired count: 2 → 4" in read_screen(app)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
    assert service_of(demo)["desiredCount"] == 4


async def test_scale_to_zero_needs_the_service_name_typed(scenario, open_app, until, complete,
                                                          read_screen):
    demo = scenario("healthy")
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("2", "c")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        app.screen.query_one("#field-count").value = "0"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert f"Type {SERVICE}" in read_screen(app)
        await pilot.press("y")  # not enough for a destructive change
        await pilot.pause(0.1)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press(*"wrong-name", "enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ConfirmScreen)
        assert service_of(demo)["desiredCount"] == 2
        app.screen.query_one("#confirm-name").value = SERVICE
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
    assert service_of(demo)["desiredCount"] == 0


async def test_scale_task_size_registers_a_valid_fargate_revision_and_deploys_it(
        scenario, open_app, until, complete, read_screen):
    demo = scenario("p0-outage")
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("2", "S")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        assert app.screen.query_one("#field-size").value == "512/1024"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "task size (CPU/memory): 256/512 → 512/1024" in read_screen(app)
        whole = plan_text(app.screen.plan).plain  # the calls continue below the fold
        assert whole.index("ecs.RegisterTaskDefinition") < whole.index("ecs.UpdateService")
        assert '"memory": "1024"' in whole
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        assert "✓" in read_screen(app)
    service = service_of(demo)
    described = ecs_client(demo).describe_task_definition(
        taskDefinition=service["taskDefinition"])["taskDefinition"]
    assert (described["cpu"], described["memory"]) == ("512", "1024")
    assert described["containerDefinitions"][0]["memory"] == 1024


async def test_invalid_fargate_size_is_refused_in_the_form(scenario, open_app, until, complete,
                                                           read_screen):
    async with open_app(scenario("healthy"), write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("2", "S")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        app.screen.query_one("#field-size").value = "256/4096"
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ActionFormScreen)
        assert "Task size CPU/MEMORY should be one of" in read_screen(app)


async def test_read_only_refuses_and_changes_nothing(scenario, open_app, until, complete):
    demo = scenario("p0-outage")
    before = service_of(demo)
    async with open_app(demo, write=False) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("2", "F", "c", "S", "B", "x")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, (ConfirmScreen, ActionFormScreen))
        assert app.start_action("force-new-deployment") is False
    after = service_of(demo)
    assert after["desiredCount"] == before["desiredCount"]
    assert len(after["deployments"]) == len(before["deployments"])
