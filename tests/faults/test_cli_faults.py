"""`status` and `check` under faults, as a user runs them: one classified line naming the
failed action, never "unexpected error", and exit codes by what was found (2 only when the
environment is unusable)."""

from __future__ import annotations

import json

import pytest

from console.cli import main


@pytest.fixture
def cli(faulty, tmp_path, monkeypatch, capsys):
    """`run(*args) -> (code, stdout, stderr)`: the CLI in this process, through the proxy,
    with credentials from environment variables (as the demo prints them)."""
    demo, proxy, _ = faulty
    for key, value in demo.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    config = tmp_path / "config.toml"
    config.write_text("[env.default]\nread_timeout = 0.5\nconnect_timeout = 1.0\n")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([*args, "--endpoint-url", proxy.url, "--config", str(config)])
        out, err = capsys.readouterr()
        assert "unexpected error" not in out + err
        assert "Traceback" not in out + err
        return code, out, err

    return proxy, run


def test_a_dropped_discovery_call_is_one_classified_line_not_the_end(cli):
    proxy, run = cli
    proxy.fail("ecs:DescribeServices", "drop")
    code, out, _ = run("status")
    assert code == 1  # the ECS probe could not run either: not an all-clear, not unusable
    squeezed = "".join(out.split())  # status wraps at 80 columns
    assert "".join(f"DISCOVERY unreachable: {proxy.url} closed the connection "
                   "(ecs:DescribeServices)".split()) in squeezed
    assert "using the guide's names for: targets, logs" in out
    proxy.clear()
    code, out, _ = run("status")
    assert code == 0 and "DISCOVERY" not in out


def test_a_stalled_stack_listing_times_out_and_the_probes_still_run(cli):
    proxy, run = cli
    proxy.fail("cloudformation:ListStackResources", "stall")
    code, out, _ = run("status", "--json")
    assert code == 1
    payload = json.loads(out)
    problem, = payload["deployment"]["discovery_problems"]
    assert (problem["kind"], problem["action"]) == ("timed out",
                                                    "cloudformation:ListStackResources")
    assert payload["probes"]["ecs"]["ok"] is True  # the guide's names stood in


def test_the_denied_action_is_the_one_named_by_status_json_and_check(cli):
    proxy, run = cli
    proxy.fail("elasticloadbalancing:DescribeTargetHealth", "denied")
    code, out, _ = run("status", "--json")
    assert code == 1
    payload = json.loads(out)
    error = payload["probes"]["targets"]["error"]
    assert (error["kind"], error["action"]) == ("access denied",
                                                "elasticloadbalancing:DescribeTargetHealth")
    assert payload["verdict"]["level"] == "UNKNOWN"  # never OK on what it could not see
    code, out, _ = run("check", "--json")
    assert code in (1, 2)
    report = json.loads(out)
    denied = [o["error"]["action"] for o in report["diagnostics"]
              if o.get("error") and o["error"]["kind"] == "access denied"]
    assert denied and set(denied) == {"elasticloadbalancing:DescribeTargetHealth"}


def test_expired_environment_credentials_end_the_command_with_exit_2_and_no_press_r(cli):
    proxy, run = cli
    proxy.fail("sts:GetCallerIdentity", "expired")
    code, _, err = run("status")
    assert code == 2
    first, fix = err.splitlines()[:2]
    assert first == "incident-console: The security token included in the request is expired"
    assert "export new ones" in fix
    assert "press r" not in err
