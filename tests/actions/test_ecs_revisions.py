"""Scale task size and rollback name the revision they deploy, and moto's request recorder
shows UpdateService received that exact task-definition ARN (never the family name)."""

from tests.actions.moto_recording import ecs_client, recorder, update_service_bodies

from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen

CLUSTER = "children-drawing-prod-cluster"
SERVICE = "children-drawing-prod-service"
FAMILY = "children-drawing-prod-task"


async def run_from_pane(app, pilot, until, key):
    await pilot.press("2", key)
    await until(pilot, lambda: isinstance(app.screen, (ActionFormScreen, ConfirmScreen)))
    if isinstance(app.screen, ActionFormScreen):
        await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await until(pilot, lambda: isinstance(app.screen, ActionResultScreen), timeout=20)


async def test_scale_task_size_deploys_the_registered_arn_and_names_it(
        scenario, open_app, until, complete, read_screen):
    demo = scenario("p0-outage")
    recorder(demo.endpoint_url, "reset-recording")
    recorder(demo.endpoint_url, "start-recording")
    try:
        async with open_app(demo, write=True) as (app, pilot):
            await until(pilot, lambda: complete(app))
            await run_from_pane(app, pilot, until, "S")
            result = read_screen(app)
            assert f"Scale the task size: deployed {FAMILY}:2 (512/1024)" in result
            sent = update_service_bodies(demo.endpoint_url)
    finally:
        recorder(demo.endpoint_url, "stop-recording")
    assert [b["taskDefinition"] for b in sent] == [
        f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{FAMILY}:2"]
    service = ecs_client(demo).describe_services(cluster=CLUSTER, services=[SERVICE])
    assert service["services"][0]["taskDefinition"].endswith(f"/{FAMILY}:2")


async def test_rollback_after_a_scale_goes_back_to_the_previous_active_revision(
        scenario, open_app, until, complete, read_screen):
    demo = scenario("p0-outage")
    ecs = ecs_client(demo)
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await run_from_pane(app, pilot, until, "S")
        await pilot.press("escape")
        recorder(demo.endpoint_url, "reset-recording")
        recorder(demo.endpoint_url, "start-recording")
        try:
            await run_from_pane(app, pilot, until, "B")
            assert f"Roll back to the previous task definition: deployed {FAMILY}:1" in \
                read_screen(app)
            sent = update_service_bodies(demo.endpoint_url)
        finally:
            recorder(demo.endpoint_url, "stop-recording")
    assert [b["taskDefinition"] for b in sent] == [
        f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{FAMILY}:1"]
    service = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    assert service["taskDefinition"].endswith(f"/{FAMILY}:1")


async def test_rollback_with_no_earlier_revision_reads_cleanly(scenario, open_app, until,
                                                               complete, read_screen):
    demo = scenario("healthy")
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("2", "B")


        def said() -> str:
            return " ".join(str(n.message) for n in app._notifications)

        await until(pilot, lambda: "oldest ACTIVE revision" in said())
        assert (f"Roll back to the previous task definition: {FAMILY}:1 is the oldest ACTIVE "
                f"revision of task definition family {FAMILY}: there is none to roll back to"
                ) in said()
        assert f" :{FAMILY}" not in said() and f": :{FAMILY}" not in said()
