"""Bad input ends in one clear line saying what is wrong and what to do, exit code 2, and no
traceback: an unknown stack, a wrong region, an endpoint that does not answer, a profile that
does not exist, a typo in the config file, a bad flag."""

import os
import socket
import subprocess
import sys

import boto3
import pytest


def run_cli(*args, env=None, timeout=60):
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run([sys.executable, "-m", "console", *args], capture_output=True,
                          text=True, env={**base, **(env or {})}, timeout=timeout)
    assert "Traceback" not in done.stderr  # (stdout may carry the app's own log lines)
    return done


@pytest.fixture
def aws_env(scenario, tmp_path):
    demo = scenario("healthy")
    return {**demo.env(), "INCIDENT_CONSOLE_CONFIG": str(tmp_path / "none.toml"),
            "INCIDENT_CONSOLE_LOG_DIR": str(tmp_path), "INCIDENT_CONSOLE_CACHE_DIR": str(tmp_path),
            "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials")}


def test_status_works_against_the_emulator(aws_env):
    done = run_cli("status", env=aws_env)
    assert done.returncode == 0, done.stderr
    assert "VERDICT  OK" in done.stdout


def test_unknown_stack(aws_env):
    done = run_cli("status", "--stack", "no-such-stack", env=aws_env)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == ("incident-console: stack 'no-such-stack' does not "
                                           "exist in eu-west-1")
    assert "fix: check the name with `aws cloudformation list-stacks`" in done.stderr


def test_wrong_region_says_where_it_looked(aws_env):
    done = run_cli("status", "--region", "us-west-2", env=aws_env)
    assert done.returncode == 2
    assert "stack 'children-drawing-prod' does not exist in us-west-2" in done.stderr


def test_endpoint_that_does_not_answer(aws_env):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run_cli("status", "--endpoint-url", f"http://127.0.0.1:{port}", env=aws_env)
    assert done.returncode == 2
    assert f"cannot reach http://127.0.0.1:{port}" in done.stderr
    assert "fix: check the network" in done.stderr


def test_profile_that_does_not_exist(aws_env):
    env = {k: v for k, v in aws_env.items() if k not in ("AWS_ACCESS_KEY_ID",
                                                        "AWS_SECRET_ACCESS_KEY")}
    done = run_cli("status", "--profile", "nope", env=env)
    assert done.returncode == 2
    assert "the AWS profile 'nope' does not exist" in done.stderr
    assert "aws configure list-profiles" in done.stderr


def test_no_credentials_at_all(aws_env):
    env = {k: v for k, v in aws_env.items() if k not in ("AWS_ACCESS_KEY_ID",
                                                        "AWS_SECRET_ACCESS_KEY")}
    done = run_cli("status", env=env)
    assert done.returncode == 2
    assert "no AWS credentials found" in done.stderr
    assert "aws configure" in done.stderr


def test_config_typo_names_file_and_key(aws_env, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[env.prod]\nregoin = "eu-west-1"\n')
    done = run_cli("status", "--env", "prod", env={**aws_env,
                                                   "INCIDENT_CONSOLE_CONFIG": str(config)})
    assert done.returncode == 2
    assert done.stderr.startswith(f"incident-console: {config}: unknown key 'env.prod.regoin'")


def test_bad_flag_and_bad_scenario():
    done = run_cli("status", "--bogus")
    assert done.returncode == 2
    assert "unrecognized arguments: --bogus" in done.stderr
    assert "run `incident-console --help`" in done.stderr
    done = run_cli("demo", "--scenario", "p9-apocalypse")
    assert done.returncode == 2
    assert "unknown scenario 'p9-apocalypse'" in done.stderr and "p0-outage" in done.stderr


def test_status_json_has_a_key_per_probe_and_exit_1_when_one_fails(aws_env, scenario):
    import json

    done = run_cli("status", "--json", "--log-group", "/ecs/missing", env=aws_env)
    assert done.returncode == 1  # an incomplete look is not an all-clear (issue 9)
    payload = json.loads(done.stdout)
    assert set(payload["probes"]) == {"stack", "ecs", "targets", "logs", "alarms", "costs",
                                      "datapath", "metrics"}
    assert payload["probes"]["logs"]["ok"] is False
    assert payload["probes"]["logs"]["error"]["kind"] == "not found"
    assert payload["probes"]["ecs"]["data"]["running"] == 2


def test_tail_task_by_the_short_id_the_panes_show(aws_env, scenario):
    demo = scenario("healthy")
    demo.traffic().backfill()
    ecs = boto3.client("ecs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    arn = ecs.list_tasks(cluster="children-drawing-prod-cluster")["taskArns"][0]
    task_id = arn.rsplit("/", 1)[-1]
    done = run_cli("tail", "--task", task_id[:8], "--since", "30m", env=aws_env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(f"/{task_id} " in line for line in lines)
    done = run_cli("tail", "--task", "zzzz", "--since", "30m", env=aws_env)
    assert done.returncode == 2
    assert done.stderr.startswith("incident-console: no task zzzz in cluster")
