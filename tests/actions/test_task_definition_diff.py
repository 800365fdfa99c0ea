"""Issue 11 point 6: the confirmation of a rollback or a size change shows what differs between
the running task definition and the one it deploys (image, environment variable NAMES, never
values, CPU/memory, health check); `c` copies the confirmation's `aws` command and says so;
`y` sends exactly that call; read-only refuses before anything is planned."""

from tests.actions.moto_recording import ecs_client, recorder, update_service_bodies

from console.actions.task_definition_diff import diff_lines_text, diff_task_definitions
from console.screens.confirm import ConfirmScreen

CLUSTER = "children-drawing-prod-cluster"
SERVICE = "children-drawing-prod-service"
FAMILY = "children-drawing-prod-task"


FLAG_VALUE = "token-4f1b9c-never-shown"


def said(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


def _deploy_third_revision(demo) -> dict:
    """From backup-failure's revision 2 (image 1.8.3): revision 3 with image 1.9.1, a new
    FEATURE_TOKEN variable, BACKUP_INTERVAL_HOURS removed and a faster health check."""
    ecs = ecs_client(demo)
    current = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    spec = ecs.describe_task_definition(taskDefinition=current["taskDefinition"])[
        "taskDefinition"]
    container = dict(spec["containerDefinitions"][0])
    container["image"] = container["image"].rsplit(":", 1)[0] + ":1.9.1"
    container["environment"] = [e for e in container["environment"]
                                if e["name"] != "BACKUP_INTERVAL_HOURS"] + [
        {"name": "FEATURE_TOKEN", "value": FLAG_VALUE}]
    container["healthCheck"] = {**container["healthCheck"], "interval": 10}
    arn = ecs.register_task_definition(
        family=spec["family"], cpu=spec["cpu"], memory=spec["memory"],
        networkMode=spec["networkMode"], requiresCompatibilities=["FARGATE"],
        containerDefinitions=[container])["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=CLUSTER, service=SERVICE, taskDefinition=arn)
    return spec


async def test_rollback_confirmation_shows_the_diff_copies_and_sends_the_call(
        scenario, open_app, until, complete, read_screen):
    demo = scenario("backup-failure")
    previous = _deploy_third_revision(demo)
    database_url = next(e["value"] for e in previous["containerDefinitions"][0]["environment"]
                        if e["name"] == "DATABASE_URL")
    async with open_app(demo, size=(200, 50), write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await until(pilot, lambda: app.dashboard.panes["ecs"].data.task_definition.endswith(
            ":3"))
        await pilot.press("2", "B")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        text = read_screen(app)
        assert f"Task definition {FAMILY}:3 (running) → {FAMILY}:2" in text
        assert "app image: " in text and ":1.9.1 → " in text and ":1.8.3" in text
        assert "app environment names: -FEATURE_TOKEN → +BACKUP_INTERVAL_HOURS" in text
        assert "app health check: CMD-SHELL curl" in text and "every 10s" in text
        assert "every 30s" in text
        assert "unchanged: task CPU/memory" in text and "app secret names" in text
        # Names only: neither the new variable's value nor the database URL is on screen.
        assert FLAG_VALUE not in text and database_url not in text
        assert FLAG_VALUE not in app.screen.query_one("Static").render().plain

        recorder(demo.endpoint_url, "reset-recording")
        recorder(demo.endpoint_url, "start-recording")
        try:
            await pilot.press("c")
            await until(pilot, lambda: "Copied 1 aws command to the clipboard" in said(app))
            expected_arn = f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{FAMILY}:2"
            assert app.clipboard == (f"aws ecs update-service --cluster {CLUSTER} --service "
                                     f"{SERVICE} --task-definition {expected_arn}")
            assert update_service_bodies(demo.endpoint_url) == []  # copying sends nothing
            await pilot.press("y")
            await until(pilot, lambda: len(update_service_bodies(demo.endpoint_url)) == 1,
                        timeout=20)
            sent = update_service_bodies(demo.endpoint_url)
        finally:
            recorder(demo.endpoint_url, "stop-recording")
    assert [b["taskDefinition"] for b in sent] == [expected_arn]


async def test_size_change_confirmation_shows_the_cpu_memory_diff(
        scenario, open_app, until, complete, read_screen):
    demo = scenario("p0-outage")
    async with open_app(demo, size=(200, 50), write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("2", "S")
        await until(pilot, lambda: not isinstance(app.screen, type(app.dashboard)))
        await pilot.press("enter")  # the form's proposed size: the guide's step up
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        text = read_screen(app)
    assert f"Task definition {FAMILY}:1 (running) → {FAMILY}:2 (new revision)" in text
    assert "task CPU/memory: 256/512 → 512/1024" in text
    assert "app CPU/memory: -/512 → -/1024" in text
    assert "unchanged: app image, app environment names" in text


async def test_read_only_refuses_the_rollback_from_the_key_and_sends_nothing(
        scenario, open_app, until, complete):
    demo = scenario("backup-failure")
    recorder(demo.endpoint_url, "reset-recording")
    recorder(demo.endpoint_url, "start-recording")
    try:
        async with open_app(demo, write=False) as (app, pilot):
            await until(pilot, lambda: complete(app))
            await pilot.press("2", "B")
            await until(pilot, lambda: "refused, the console is read-only" in said(app))
            assert not isinstance(app.screen, ConfirmScreen)
        sent = update_service_bodies(demo.endpoint_url)
    finally:
        recorder(demo.endpoint_url, "stop-recording")
    assert sent == []


def test_diff_text_names_variables_and_never_their_values():
    before = {"family": "f", "revision": 4, "cpu": "256", "memory": "512",
              "containerDefinitions": [{"name": "web", "image": "r:1", "environment": [
                  {"name": "A", "value": "alpha-secret"}],
                  "secrets": [{"name": "PW", "valueFrom": "arn:aws:secretsmanager:x"}]}]}
    after = {"family": "f", "revision": 3, "cpu": "256", "memory": "512",
             "containerDefinitions": [{"name": "web", "image": "r:1", "environment": [
                 {"name": "A", "value": "beta-secret"}, {"name": "B", "value": "gamma"}],
                 "secrets": [{"name": "PW", "valueFrom": "arn:aws:secretsmanager:y"}]}]}
    lines = diff_lines_text(diff_task_definitions(before, after))
    joined = "\n".join(lines)
    assert lines[0] == "Task definition f:4 (running) -> f:3"
    assert "  web environment names: (no name removed) -> +B" in lines
    for value in ("alpha-secret", "beta-secret", "gamma", "secretsmanager"):
        assert value not in joined
