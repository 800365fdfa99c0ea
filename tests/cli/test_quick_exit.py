"""`status` ends without the interpreter's teardown (issue 12, start-up): what it printed and
what it logged are all there, however large, and its exit code is the verdict's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.cli.test_bad_input import run_cli

sys.path.insert(0, str(Path(__file__).parents[1] / "faults"))

from proxy import FaultProxy


def test_status_json_is_whole_and_the_log_written_when_it_exits_at_once(scenario, tmp_path):
    demo = scenario("p0-outage")
    with FaultProxy(demo.endpoint_url) as proxy:
        proxy.answer("cloudwatch:DescribeAlarms", "OddFailure", "something odd happened")
        done = run_cli("status", "--json", "--endpoint-url", proxy.url, env={
            **demo.env(), "INCIDENT_CONSOLE_CONFIG": str(tmp_path / "none.toml"),
            "INCIDENT_CONSOLE_LOG_DIR": str(tmp_path / "log"),
            "INCIDENT_CONSOLE_CACHE_DIR": str(tmp_path / "cache")})
    assert len(done.stdout) > 65_536  # more than a pipe holds: written out before the exit
    payload = json.loads(done.stdout)
    assert payload["verdict"]["level"] == "DOWN" and done.returncode == 2
    alarms = payload["probes"]["alarms"]
    assert not alarms["ok"] and "something odd happened" in json.dumps(alarms["error"])
    log = (tmp_path / "log" / "incident-console.log").read_text()
    assert "probe alarms failed" in log and "OddFailure" in log
