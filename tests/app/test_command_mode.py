"""Issue 11 point 6: `:` command mode switches environment (from the config file), cluster and
service without restarting; a target that cannot be watched is refused in one line and the
console stays where it was."""

from contextlib import asynccontextmanager
from dataclasses import replace

import boto3

from console.app import ConsoleApp
from console.config import FileConfig, Flags, resolve
from console.screens.command_line import CommandLineScreen
from probes.suite import connect

CLUSTER = "children-drawing-prod-cluster"
SERVICE = "children-drawing-prod-service"
OTHER_CLUSTER = "other-cluster"
OTHER_SERVICE = "other-service"


def said(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


def second_service(demo) -> None:
    """Another cluster with a service of its own (desired 0: nothing to run)."""
    ecs = boto3.client("ecs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    ecs.create_cluster(clusterName=OTHER_CLUSTER)
    definition = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0][
        "taskDefinition"]
    ecs.create_service(cluster=OTHER_CLUSTER, serviceName=OTHER_SERVICE,
                       taskDefinition=definition, desiredCount=0, launchType="FARGATE")


@asynccontextmanager
async def app_with_envs(demo, tmp_path, size=(120, 40)):
    """The app on environment `prod` of a config file that also has `staging` (the other
    cluster and service, same account) and `broken` (a stack that does not exist)."""
    common = {"endpoint_url": demo.endpoint_url, "region": "eu-west-1"}
    file = FileConfig(path=tmp_path / "config.toml", default_env="prod", exists=True, envs={
        "prod": dict(common),
        "staging": {**common, "cluster": OTHER_CLUSTER, "service": OTHER_SERVICE},
        "broken": {**common, "stack": "no-such-stack"},
    })
    env = resolve(Flags(), env_vars={}, file=file)
    env = replace(env, aws=demo.settings())
    connection = await connect(env.aws, env.stack, env.overrides)
    app = ConsoleApp(env, connection, cost_cache_dir=tmp_path / "cache")
    try:
        async with app.run_test(size=size) as pilot:
            yield app, pilot
    finally:
        await connection.close()


async def command(pilot, app, until, text: str) -> None:
    await pilot.press("colon")
    await until(pilot, lambda: isinstance(app.screen, CommandLineScreen))
    await pilot.press(*text, "enter")


async def test_cluster_and_service_switch_in_place_and_a_missing_service_is_refused(
        scenario, tmp_path, until, complete, read_screen, monkeypatch):
    demo = scenario("p0-outage")
    second_service(demo)
    async with app_with_envs(demo, tmp_path) as (app, pilot):
        await until(pilot, lambda: complete(app))
        before = app.dashboard
        await command(pilot, app, until, "service nope")
        await until(pilot, lambda: "Switch to service nope:" in said(app))
        assert f"no service nope in cluster {CLUSTER}" in said(app)
        assert app.dashboard is before and app.connection.deployment.service == SERVICE

        await command(pilot, app, until, f"cluster {OTHER_CLUSTER} {OTHER_SERVICE}")
        await until(pilot, lambda: app.dashboard is not before, timeout=30)
        ecs = app.dashboard.panes["ecs"]
        await until(pilot, lambda: ecs.data is not None, timeout=30)
        assert ecs.data.cluster == OTHER_CLUSTER and ecs.data.service == OTHER_SERVICE
        await until(pilot, lambda: f"running 0/0  pending 0  {OTHER_SERVICE}" in
                    read_screen(app), timeout=30)
        assert f"Now watching {OTHER_SERVICE} in cluster {OTHER_CLUSTER}" in said(app)
        assert app.screen_stack == [app.dashboard]  # the old dashboard is gone
        assert not before.is_attached
        # and back, by service name alone in the cluster it is now on: refused (not there)
        await command(pilot, app, until, f"service {SERVICE}")
        await until(pilot, lambda: f"no service {SERVICE} in cluster {OTHER_CLUSTER}"
                    in said(app))


async def test_env_switch_uses_the_config_section_and_refuses_what_cannot_connect(
        scenario, tmp_path, until, complete, read_screen, monkeypatch):
    demo = scenario("p0-outage")
    second_service(demo)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    async with app_with_envs(demo, tmp_path) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await command(pilot, app, until, "env nowhere")
        await until(pilot, lambda: "Command: unknown environment 'nowhere'" in said(app))
        assert "broken, prod, staging" in said(app)
        before = app.dashboard
        await command(pilot, app, until, "env broken")
        await until(pilot, lambda: "Switch to environment broken:" in said(app), timeout=30)
        assert "no-such-stack" in said(app)
        assert app.dashboard is before and app.env.name == "prod"

        await command(pilot, app, until, "env staging")
        await until(pilot, lambda: app.env.name == "staging", timeout=30)
        ecs = app.dashboard.panes["ecs"]
        await until(pilot, lambda: ecs.data is not None, timeout=30)
        assert ecs.data.service == OTHER_SERVICE
        await until(pilot, lambda: read_screen(app).lstrip().startswith("staging"),
                    timeout=10)
        assert "READ-ONLY" in read_screen(app).splitlines()[0]


async def test_twenty_switches_leave_one_dashboard_one_set_of_probes(
        scenario, tmp_path, until, complete, read_screen):
    """Long run: back and forth between two services twenty times; each time the pane shows
    the service switched to, and nothing accumulates (screens, probe tasks)."""
    import asyncio

    demo = scenario("p0-outage")
    second_service(demo)
    async with app_with_envs(demo, tmp_path) as (app, pilot):
        await until(pilot, lambda: complete(app))
        schedulers = []
        for turn in range(20):
            cluster, service = ((OTHER_CLUSTER, OTHER_SERVICE) if turn % 2 == 0
                                else (CLUSTER, SERVICE))
            previous = app.dashboard
            schedulers.append(app.scheduler)
            await command(pilot, app, until, f"cluster {cluster} {service}")
            await until(pilot, lambda p=previous: app.dashboard is not p, timeout=30)
            ecs = app.dashboard.panes["ecs"]
            await until(pilot, lambda e=ecs: e.data is not None, timeout=30)
            assert (ecs.data.cluster, ecs.data.service) == (cluster, service)
            assert app.screen_stack == [app.dashboard]
        assert all(not s._tasks for s in schedulers)  # every earlier scheduler stopped
        probe_tasks = [t for t in asyncio.all_tasks() if t.get_name().startswith("probe:")
                       and not t.done()]
        assert len(probe_tasks) <= len(app.probes)
        assert SERVICE in read_screen(app)
