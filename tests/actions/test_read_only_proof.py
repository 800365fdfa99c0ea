"""Read-only proof, seen from the emulator: every action key in every pane and every command
of the command palette, pressed in read-only mode, and moto's own request recorder shows that
no request that changes state reached it."""

import base64
import json
import urllib.parse
import urllib.request

import boto3

from console.actions import ACTION_CLASSES
from console.screens.dashboard import DashboardScreen

READ_PREFIXES = ("Describe", "List", "Get", "Filter", "Head", "Lookup", "Search",
                 "Simulate", "Validate")
# Reads whose names do not say so: Live Tail streams log events (IAM access level "Read").
READ_OPERATIONS = {"StartLiveTail"}


def _moto(endpoint: str, path: str) -> bytes:
    request = urllib.request.Request(f"{endpoint}/moto-api/recorder/{path}", method="POST"
                                     if path != "download-recording" else "GET")
    return urllib.request.urlopen(request).read()


def operation(entry: dict) -> tuple[str, str]:
    """(method, operation or path) of a recorded request, whatever the protocol."""
    headers = {k.lower(): v for k, v in entry.get("headers", {}).items()}
    target = headers.get("x-amz-target")
    if target:  # json protocols: ECS, Logs, Cost Explorer, Budgets, Secrets Manager...
        return entry["method"], target.rsplit(".", 1)[-1]
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    action = urllib.parse.parse_qs(body).get("Action")
    if action:  # query protocols: CloudFormation, ELBv2, CloudWatch, STS, SNS, EC2, IAM
        return entry["method"], action[0]
    return entry["method"], urllib.parse.urlparse(entry["url"]).path  # REST: S3, CloudFront


def is_read(method: str, name: str) -> bool:
    if name.startswith("/"):
        return method in ("GET", "HEAD")
    return name.startswith(READ_PREFIXES) or name in READ_OPERATIONS


async def test_no_state_changing_request_reaches_aws_in_read_only_mode(
        scenario, open_app, until, complete):
    demo = scenario("p0-outage")
    _moto(demo.endpoint_url, "reset-recording")
    _moto(demo.endpoint_url, "start-recording")
    try:
        async with open_app(demo, write=False) as (app, pilot):
            await until(pilot, lambda: complete(app))
            dashboard = app.dashboard
            for pane in dashboard.panes.values():
                await pilot.press(str(pane.number))
                for cls in ACTION_CLASSES:
                    if cls.pane == pane.probe and cls.key:
                        await pilot.press(cls.key)
                        await pilot.pause(0.05)
                        assert isinstance(app.screen, DashboardScreen), cls.id
            commands = [c for c in app.get_system_commands(dashboard)
                        if not c.title.startswith(("Quit", "Screenshot", "Save screenshot"))]
            assert sum(c.title.startswith("Action:") for c in commands) == len(ACTION_CLASSES)
            for command in commands:
                command.callback()
                await pilot.pause(0.1)
                while not isinstance(app.screen, DashboardScreen):
                    await pilot.press("escape")
                    await pilot.pause(0.05)
            app.scheduler.refresh_all()
            await pilot.pause(0.5)
        # A control: one write outside the console, which the detector must see.
        boto3.client("cloudwatch", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing"
                     ).set_alarm_state(AlarmName="children-drawing-prod-ecs-cpu-high",
                                       StateValue="OK", StateReason="control")
    finally:
        recording = _moto(demo.endpoint_url, "download-recording").decode()
        _moto(demo.endpoint_url, "stop-recording")
    requests = [operation(json.loads(line)) for line in recording.splitlines() if line.strip()]
    names = {n for _, n in requests}
    assert {"GetCallerIdentity", "DescribeServices", "FilterLogEvents",
            "DescribeTargetHealth", "DescribeAlarms"} <= names, "the recorder saw the reads"
    writes = sorted({f"{m} {n}" for m, n in requests if not is_read(m, n)})
    assert writes == ["POST SetAlarmState"], f"read-only mode sent state-changing requests: " \
                                             f"{writes}"
