"""Rotating the admin secret never fetches, shows, logs or records a value.

End to end: the demo's secret has no rotation Lambda, so the plan says so and puts a value
Secrets Manager generates. The test (not the console) then reads the old and new values with
boto3 and searches for them on every screen shown, in the log file and in the incident
timeline; and the console's own client never saw a GetSecretValue call.
"""

import logging
import re
from dataclasses import replace
from pathlib import Path

import boto3
import pytest

from console.actions.base import ActionContext, ActionError
from console.actions.secrets import RotateAdminSecretAction
from console.errors import setup_logging
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen, plan_text
from probes.deployment import Deployment
from probes.identity import CallerIdentity

SECRET = "children-drawing-prod-admin-password"
OLD_VALUE = "demo-only-not-a-secret"  # inside the demo secret's JSON


@pytest.fixture
def log_file(tmp_path, monkeypatch):
    """The console's real logging set-up, writing to a file of this test."""
    root = logging.getLogger()
    earlier = [h for h in root.handlers if getattr(h, "_incident_console", False)]
    for handler in earlier:
        root.removeHandler(handler)
    level = root.level
    monkeypatch.setenv("INCIDENT_CONSOLE_LOG_DIR", str(tmp_path / "logs"))
    path = Path(setup_logging())
    yield path
    for handler in [h for h in root.handlers if getattr(h, "_incident_console", False)]:
        root.removeHandler(handler)
        handler.close()
    for handler in earlier:
        root.addHandler(handler)
    root.setLevel(level)


def secrets(demo):
    return boto3.client("secretsmanager", endpoint_url=demo.endpoint_url,
                        region_name="eu-west-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


async def test_rotation_without_a_lambda_puts_a_generated_value_nobody_sees(
        scenario, open_app, until, read_screen, log_file, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_CONSOLE_DATA_DIR", str(tmp_path / "data"))
    demo = scenario("healthy")
    before = secrets(demo).describe_secret(SecretId=SECRET)["VersionIdsToStages"]
    seen: list[str] = []
    async with open_app(demo, write=True) as (app, pilot):
        ctx = app.connection.ctx
        client = await ctx.client("secretsmanager")
        client.meta.events.register("provide-client-params.secretsmanager.*",
                                    lambda model, **_: seen.append(model.name))
        recorder = app.incidents  # the app's own recorder, in this test's data directory
        recorder.open("P0", "security breach drill", app.connection.identity.arn)

        screens: list[str] = []
        assert app.start_action("rotate-admin-secret")
        await until(pilot, lambda: isinstance(app.screen, ActionFormScreen))
        await pilot.press("enter", "enter")  # the deployment's secret; method: auto
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        screens.append(read_screen(app))
        whole = plan_text(app.screen.plan).plain
        screens.append(whole)
        assert "No rotation Lambda" in whole
        assert "secretsmanager.GetRandomPassword" in whole
        assert '"SecretString": "<generated, not shown>"' in whole
        assert "rotation not enabled, Lambda none" in whole
        assert "Versions: " in whole and "AWSCURRENT" in whole
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ActionResultScreen))
        screens.append(read_screen(app))
        assert "is now AWSCURRENT" in screens[-1]
        assert "never showed, logged or recorded it" in screens[-1]
        recorder.close("drill over", app.connection.identity.arn)

    assert "GetSecretValue" not in seen
    assert seen.count("PutSecretValue") == 1 and "DescribeSecret" in seen
    after = secrets(demo).describe_secret(SecretId=SECRET)["VersionIdsToStages"]
    new_version = next(v for v, stages in after.items() if "AWSCURRENT" in stages)
    assert new_version not in before
    # The test reads the values; the console never did.
    new_value = secrets(demo).get_secret_value(SecretId=SECRET)["SecretString"]
    assert len(new_value) == 32
    timeline = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*.jsonl"))
    assert b"rotate-admin-secret" in timeline  # the action was recorded...
    logged = log_file.read_text(encoding="utf-8")
    assert "rotate-admin-secret" in logged  # ...and logged
    for value in (new_value, OLD_VALUE):
        assert not any(value in text for text in screens)
        assert value.encode() not in timeline
        assert value not in logged


def _ctx(describe: dict, task_definition: dict | None = None) -> ActionContext:
    """An ActionContext whose AWS answers `describe` (for the paths moto cannot run: a real
    rotation Lambda)."""

    class Client:
        async def describe_secret(self, SecretId):
            return describe

        async def describe_task_definition(self, taskDefinition):
            return {"taskDefinition": task_definition or {}}

    class Aws:
        async def client(self, service, region=None):
            return Client()

    deployment = Deployment.by_convention("children-drawing-prod", "eu-west-1")
    if task_definition is not None:
        deployment = replace(deployment, task_definition="arn:td")
    return ActionContext(aws=Aws(), deployment=deployment,  # type: ignore[arg-type]
                         identity=CallerIdentity("1", "arn", "u"), write=True)


ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:children-drawing-prod-admin-password-Ab"


async def test_with_a_rotation_lambda_the_plan_is_rotate_secret():
    ctx = _ctx({"ARN": ARN, "Name": SECRET, "RotationEnabled": True,
                "RotationLambdaARN": "arn:aws:lambda:eu-west-1:1:function:rotate",
                "VersionIdsToStages": {"v1": ["AWSCURRENT"]}})
    plan = await RotateAdminSecretAction().plan(ctx, {"method": "auto"})
    assert [c.operation for c in plan.calls] == ["RotateSecret"]
    assert plan.calls[0].params["RotateImmediately"] is True


async def test_rotate_without_a_lambda_is_refused_and_points_to_generate():
    ctx = _ctx({"ARN": ARN, "Name": SECRET, "VersionIdsToStages": {"v1": ["AWSCURRENT"]}})
    with pytest.raises(ActionError, match=r"no rotation Lambda configured.*'generate'"):
        await RotateAdminSecretAction().plan(ctx, {"method": "rotate"})


async def test_generate_is_refused_when_tasks_read_a_json_key_of_the_secret():
    task_definition = {"containerDefinitions": [{"secrets": [
        {"name": "ADMIN_PASSWORD", "valueFrom": f"{ARN}:password::"}]}]}
    ctx = _ctx({"ARN": ARN, "Name": SECRET, "VersionIdsToStages": {"v1": ["AWSCURRENT"]}},
               task_definition)
    with pytest.raises(ActionError, match="JSON key"):
        await RotateAdminSecretAction().plan(ctx, {"method": "generate"})


def test_no_module_of_the_console_reads_a_secret_value():
    src = Path(__file__).resolve().parents[2] / "src"
    readers = [str(p.relative_to(src)) for p in src.rglob("*.py")
               if re.search(r"get_secret_value\s*\(|[\"']GetSecretValue[\"']", p.read_text())]
    assert readers == []
