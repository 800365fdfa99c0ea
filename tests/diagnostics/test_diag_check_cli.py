"""`incident-console check [--json]`: the output, its exit codes, and an unusable environment."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace

from console.cli import main
from console.commands.check import check_and_print, render_finding
from console.config import FileConfig, Flags, resolve
from probes.diagnostics import Finding, Severity
from probes.diagnostics.registry import DIAGNOSTICS


def cli_env(handle, tmp_path) -> dict[str, str]:
    """What cron would run with: the endpoint, dummy credentials, our own dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(handle.env())
    env.update(INCIDENT_CONSOLE_CONFIG=str(tmp_path / "none.toml"),
               INCIDENT_CONSOLE_CACHE_DIR=str(tmp_path / "cache"),
               INCIDENT_CONSOLE_LOG_DIR=str(tmp_path / "log"), AWS_MAX_ATTEMPTS="1")
    return env


def test_check_json_in_a_subprocess_exits_2_on_the_p0_outage(scenario, tmp_path):
    handle = scenario("p0-outage")
    done = subprocess.run([sys.executable, "-m", "console", "check", "--json"],
                          env=cli_env(handle, tmp_path), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    payload = json.loads(done.stdout)
    assert payload["exit_code"] == 2 and payload["stack"] == "children-drawing-prod"
    assert payload["summary"]["critical"] >= 3
    by_id = {f["id"]: f for f in payload["findings"]}
    no_healthy = by_id["targets.no-healthy"]
    assert no_healthy["severity"] == "critical"
    assert {"id", "severity", "title", "evidence", "cause", "fix", "refs"} <= set(no_healthy)
    assert {"label", "value"} == set(no_healthy["evidence"][0])
    assert "action:force-new-deployment" in no_healthy["refs"]
    assert "runbook:p0-service-down" in no_healthy["refs"]
    assert {d["id"] for d in payload["diagnostics"]} == {d.id for d in DIAGNOSTICS}
    assert done.stderr == ""


def environment(handle, tmp_path):
    env = resolve(Flags(), env_vars={}, file=FileConfig(path=tmp_path / "none.toml"))
    return replace(env, aws=handle.settings(), name="test")


async def test_check_table_reads_at_80_columns_and_exits_0_when_healthy(scenario, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("INCIDENT_CONSOLE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")
    out = io.StringIO()
    handle = scenario("healthy")
    handle.traffic().backfill()  # a healthy app logs
    assert await check_and_print(environment(handle, tmp_path), DIAGNOSTICS,
                                 as_json=False, out=out) == 0
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert text.rstrip().endswith("exit 0: nothing above info")
    assert "WARNING" not in text and "CRITICAL" not in text
    assert "INFO      Newest restore point" in text
    assert "Manual checks" in text and "openssl s_client" in text
    assert "Passed: " in text and "certificates" in text.split("Passed: ")[1]


def test_a_warning_reads_with_its_evidence_cause_fix_and_next_steps():
    finding = Finding(
        id="stack.update-rolled-back", severity=Severity.WARNING,
        title="The latest update of children-drawing-prod failed and was rolled back",
        evidence=(("status", "UPDATE_ROLLBACK_COMPLETE"),), cause="A resource failed.",
        fix="Fix it.", runbooks=("complete-stack-recovery",), subject="children-drawing-prod")
    lines = render_finding(finding, 80)
    assert lines[0] == ("WARNING   The latest update of children-drawing-prod failed and was "
                        "rolled back")
    assert "          · status: UPDATE_ROLLBACK_COMPLETE" in lines
    assert lines[-1] == "          next: runbook complete-stack-recovery"
    assert all(len(line) <= 80 for line in lines)


def test_an_unusable_environment_is_one_line_and_exit_2(scenario, tmp_path, monkeypatch,
                                                       capsys):
    for key, value in cli_env(scenario("healthy"), tmp_path).items():
        monkeypatch.setenv(key, value)
    assert main(["check", "--stack", "no-such-stack"]) == 2
    err = capsys.readouterr().err
    assert "stack 'no-such-stack' does not exist" in err and "Traceback" not in err


def test_an_unknown_diagnostic_to_skip_is_a_usage_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENT_CONSOLE_LOG_DIR", str(tmp_path))
    assert main(["check", "--skip", "nope"]) == 2
    assert "unknown diagnostic 'nope'" in capsys.readouterr().err


def test_the_table_sanitises_what_came_from_aws():
    hostile = Finding(
        id="x.y", severity=Severity.WARNING, title="title \x1b[2J cleared",
        evidence=(("reason", "\x1b]52;c;ZXZpbA==\x07 clipboard \u202e reversed"),),
        fix="fix\x9b31m")
    text = "\n".join(render_finding(hostile, 80))
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\u202e" not in text
    assert "␛[2J" in text and "<U+202E>" in text
