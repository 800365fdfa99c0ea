"""A pane never lies: denied or unreachable probes keep the last good data, marked STALE with
the classified error and its fix, and the app keeps running."""

import json
import urllib.request
from dataclasses import replace

import boto3

from probes.context import AwsSettings

ALLOW_ALL = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DENY_DESCRIBE_SERVICES = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Action": "ecs:DescribeServices", "Resource": "*"}]}


def _auth(endpoint: str, value: str) -> None:
    # text/plain: with a form content type Flask consumes the body and moto reads nothing.
    request = urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=value.encode(),
                                     method="POST", headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request).read()


def _oncall_user(demo) -> AwsSettings:
    iam = boto3.client("iam", endpoint_url=demo.endpoint_url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    iam.create_user(UserName="oncall")
    iam.put_user_policy(UserName="oncall", PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL))
    key = iam.create_access_key(UserName="oncall")["AccessKey"]
    # Once IAM checks are on, only a real identity's keys work: change policies as oncall.
    as_oncall = boto3.client("iam", endpoint_url=demo.endpoint_url, region_name="us-east-1",
                             aws_access_key_id=key["AccessKeyId"],
                             aws_secret_access_key=key["SecretAccessKey"])
    return replace(demo.settings(),
                   static_credentials=(key["AccessKeyId"], key["SecretAccessKey"])), as_oncall


class _WithSettings:
    """The scenario, seen through another identity's credentials."""

    def __init__(self, demo, settings):
        self.endpoint_url = demo.endpoint_url
        self._settings = settings

    def settings(self):
        return self._settings


async def test_denied_probe_goes_stale_with_the_action_and_keeps_its_rows(
        scenario, open_app, until, complete, read_screen):
    demo = scenario("healthy")
    settings, iam = _oncall_user(demo)
    _auth(demo.endpoint_url, "0")
    try:
        async with open_app(_WithSettings(demo, settings)) as (app, pilot):
            await until(pilot, lambda: complete(app))
            ecs = app.dashboard.panes["ecs"]
            rows_before = ecs.body.row_count
            iam.put_user_policy(UserName="oncall", PolicyName="deny",
                                PolicyDocument=json.dumps(DENY_DESCRIBE_SERVICES))
            app.scheduler.refresh("ecs")
            await until(pilot, lambda: ecs.stale)
            await pilot.pause(0.05)
            text = read_screen(app)
            assert "STALE" in text
            assert "access denied: ecs:DescribeServices" in text
            assert "fix: grant ecs:DescribeServices" in text
            assert ecs.body.row_count == rows_before and ecs.data is not None
            assert not app.dashboard.panes["alarms"].stale
    finally:
        _auth(demo.endpoint_url, "inf")


async def test_endpoint_that_stops_answering_leaves_stale_data_and_a_running_app(
        own_emulator, open_app, until, complete, read_screen):
    demo = own_emulator("p0-outage")
    async with open_app(demo) as (app, pilot):
        await until(pilot, lambda: complete(app))
        demo.stop()
        app.scheduler.refresh_all()
        await until(pilot, lambda: app.dashboard.panes["targets"].stale, timeout=20)
        await pilot.pause(0.05)
        text = read_screen(app)
        assert "STALE" in text and "unreachable: cannot reach" in text
        assert "Target.ResponseCodeMismatch" in text  # the last good data is still shown
        assert app.is_running


async def test_a_pane_denied_from_its_first_result_says_no_data_not_loading(tmp_path):
    from datetime import UTC, datetime

    from tests.app.test_snapshots import make_app

    from probes.errors import ErrorKind, ProbeError
    from probes.result import ProbeResult

    error = ProbeError(ErrorKind.ACCESS_DENIED, "not authorized", "grant it",
                       action="elasticloadbalancing:DescribeTargetHealth")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        app.dashboard.apply(ProbeResult("targets", datetime.now(UTC), 0.01, error=error))
        await pilot.pause(0.05)
        status = app.dashboard.panes["targets"].query_one(".pane-status").render().plain
    assert status == "no data"  # it was "loading…" above the access-denied error
