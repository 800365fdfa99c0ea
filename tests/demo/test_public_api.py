"""What the CLI relies on: a cheap import, `DemoRun`, and an emulator that never writes to the
terminal."""

from __future__ import annotations

import ast
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

import console.demo
from console.demo import DEMO_CREDENTIALS, DEMO_REGION, SCENARIOS, DemoRun, build_scenario
from console.demo.server import Emulator

DEMO_PACKAGE = Path(console.demo.__file__).parent


def test_importing_the_package_loads_neither_moto_nor_boto3():
    out = subprocess.run(
        [sys.executable, "-c", "import sys, console.demo\n"
                               "print(' '.join({m.split('.')[0] for m in sys.modules}))"],
        capture_output=True, text=True, check=True).stdout
    assert not set(out.split()) & {"moto", "boto3", "botocore", "werkzeug", "textual", "rich"}


def test_no_demo_module_imports_textual_or_rich():
    for path in DEMO_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [m for m in names if m.split(".")[0] in ("textual", "rich")], \
                f"{path.name} imports {names}"


def test_the_names_the_cli_uses():
    assert SCENARIOS == ("healthy", "p0-outage", "p1-degraded", "stack-rollback",
                         "cost-overrun", "backup-failure", "rolling-deploy", "fail-open")
    from console.commands.demo import SCENARIO_NAMES
    assert SCENARIO_NAMES == SCENARIOS
    assert (DEMO_CREDENTIALS, DEMO_REGION) == (("testing", "testing"), "eu-west-1")


async def test_demo_run_on_a_shared_emulator_then_a_rebuild(emulator):
    import boto3

    from probes.context import AwsContext

    with DemoRun("cost-overrun", emulator=emulator) as demo:
        assert demo.endpoint_url == emulator.endpoint_url
        assert demo.env() == {
            "AWS_ENDPOINT_URL": emulator.endpoint_url, "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1"}
        settings = demo.settings(max_attempts=1)
        assert (settings.endpoint_url, settings.region, settings.static_credentials,
                settings.max_attempts) == (emulator.endpoint_url, "eu-west-1",
                                           ("testing", "testing"), 1)
        assert demo.traffic is not None and demo.traffic.running
        async with AwsContext(settings) as ctx:
            ec2 = await ctx.client("ec2")
            assert len((await ec2.describe_nat_gateways())["NatGateways"]) == 1
    assert not demo.traffic.running
    assert emulator.running, "a shared emulator outlives the run"

    build_scenario(emulator.endpoint_url, "healthy")  # starts from a reset
    ec2 = boto3.client("ec2", endpoint_url=emulator.endpoint_url, region_name=DEMO_REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    assert ec2.describe_nat_gateways()["NatGateways"] == []


def test_build_scenario_refuses_an_endpoint_of_another_process():
    with pytest.raises(RuntimeError, match="not served by an Emulator of this process"):
        build_scenario("http://127.0.0.1:9", "healthy")


def test_the_emulator_writes_nothing_to_the_terminal(emulator, capfd, caplog):
    from botocore.exceptions import ClientError

    from console.demo.deployment import client

    caplog.set_level(logging.DEBUG)
    with Emulator() as quiet:
        cfn = client(quiet.endpoint_url, "cloudformation")
        cfn.create_stack(StackName="noise", TemplateBody=json.dumps({"Resources": {
            # a type moto's CloudFormation lacks: moto warns (logger and warnings module)
            "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {}}}}))
        cfn.delete_stack(StackName="noise")
        with pytest.raises(ClientError, match="500"):  # unimplemented: moto fails inside
            client(quiet.endpoint_url, "ecs").execute_command(
                cluster="children-drawing-prod-cluster", task="x", command="sh",
                interactive=True)
    assert capfd.readouterr() == ("", "")
    server_records = [r for r in caplog.records
                      if not r.name.startswith(("botocore", "urllib3", "asyncio"))]
    assert server_records == []
