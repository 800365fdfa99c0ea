"""Issue 11 point 8: `status` and `check` print one short task id (the ECS pane's 8
characters), no `?` placeholder for a time AWS did not report, and no line over 80 columns."""

import re

import pytest
from tests.cli.test_bad_input import run_cli

SHORT_ID = 8


@pytest.fixture
def outage_env(scenario, tmp_path):
    demo = scenario("p0-outage")
    return demo, {**demo.env(), "INCIDENT_CONSOLE_CONFIG": str(tmp_path / "none.toml"),
                  "INCIDENT_CONSOLE_LOG_DIR": str(tmp_path / "log"),
                  "INCIDENT_CONSOLE_CACHE_DIR": str(tmp_path / "cache"),
                  "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
                  "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials")}


def task_ids(text: str) -> list[str]:
    """The ids the console prints at the start of a line (not those inside AWS's messages,
    e.g. a service event's "(task 3c73d2ef-5fdb-...)", which are quoted as AWS wrote them)."""
    return re.findall(r"(?m)^[\s·]*(?:task|stopped) ([0-9a-f][0-9a-f-]{5,40})(?![0-9a-f-])",
                      text)


def ecs_task_ids(demo) -> list[str]:
    import boto3

    ecs = boto3.client("ecs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    arns = []
    for status in ("RUNNING", "STOPPED"):
        arns += ecs.list_tasks(cluster="children-drawing-prod-cluster",
                               desiredStatus=status)["taskArns"]
    return [arn.rsplit("/", 1)[-1] for arn in arns]


@pytest.mark.parametrize("command", ["status", "check"])
def test_text_output_fits_80_columns_with_one_short_task_id(outage_env, command):
    demo, env = outage_env
    done = run_cli(command, "--endpoint-url", demo.endpoint_url, env=env, timeout=120)
    out = done.stdout
    assert out.strip(), done.stderr
    too_wide = [line for line in out.splitlines() if len(line) > 80]
    assert too_wide == []
    ids = task_ids(out)
    assert ids, out
    assert {len(i) for i in ids} == {SHORT_ID}
    known = ecs_task_ids(demo)
    assert all(any(full.startswith(i) for full in known) for i in ids)
    assert "?" not in re.sub(r"https?://\S+", "", out).replace("?)", ")")


def test_status_says_when_a_task_has_not_started(outage_env):
    demo, env = outage_env
    out = run_cli("status", "--endpoint-url", demo.endpoint_url, env=env, timeout=120).stdout
    flat = re.sub(r"\s+", " ", out)  # wrapped lines read as one
    activating = re.findall(r"task \S+ ACTIVATING .*? (not started yet|started \S+ ago)", flat)
    assert activating and set(activating) == {"not started yet"}, out
    assert "started ? ago" not in flat


def test_status_dates_a_stack_event_of_another_day(outage_env):
    """The stack's events are days old in the demo: a bare ``07:11:52`` read as today."""
    import boto3

    demo, env = outage_env
    cfn = boto3.client("cloudformation", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    newest = cfn.describe_stack_events(StackName="children-drawing-prod")["StackEvents"][0]
    out = run_cli("status", "--endpoint-url", demo.endpoint_url, env=env, timeout=120).stdout
    stamp = f"{newest['Timestamp']:%Y-%m-%d %H:%M:%S} {newest['LogicalResourceId']}"
    assert stamp in out, out
