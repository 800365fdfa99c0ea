"""`status --json` reads each thing once (issue 12, start-up): one FilterLogEvents for the
Logs probe's window and one for the backups check's "backup failed" search, over a busy log
group, and what it shows is what the emulator holds. Requests are read at a proxy in front
of the emulator (what AWS received)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import boto3

from console.cli import main
from console.demo import names as n

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))

from ecs_fleet import RecordingProxy


def logs_client(demo):
    return boto3.client("logs", region_name=n.REGION, endpoint_url=demo.endpoint_url,
                        aws_access_key_id="x", aws_secret_access_key="x")


def held(demo, start_ms: int, end_ms: int, pattern: str = "") -> list[dict]:
    """Every event the emulator holds in [start, end], paged to the end."""
    logs, events, request = logs_client(demo), [], {
        "logGroupName": n.LOG_GROUP, "startTime": start_ms, "endTime": end_ms,
        "interleaved": True}
    if pattern:
        request["filterPattern"] = pattern
    while True:
        page = logs.filter_log_events(**request)
        events += page.get("events", [])
        if not page.get("nextToken"):
            return events
        request["nextToken"] = page["nextToken"]


def busy_minutes(demo, lines: int) -> int:
    """`lines` more lines over the last four minutes, a few of them backup failures.
    Returns the newest one's timestamp."""
    logs = logs_client(demo)
    stream = "app/app/busy-task"
    logs.create_log_stream(logGroupName=n.LOG_GROUP, logStreamName=stream)
    end = int(time.time() * 1000) - 3_000
    step = 240_000 // lines
    events = [{"timestamp": end - (lines - 1 - i) * step,
               "message": (f"ERROR backup failed: attempt {i}" if i % 500 == 0
                           else f"GET /drawings/{i} 200")} for i in range(lines)]
    logs.put_log_events(logGroupName=n.LOG_GROUP, logStreamName=stream, logEvents=events)
    return end


def status_through(proxy, demo, tmp_path, monkeypatch, capsys) -> tuple[dict, int, int]:
    """`status --json` through `proxy`: its output, and when it started and finished (ms)."""
    for key, value in demo.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    (tmp_path / "config.toml").write_text("")
    capsys.readouterr()
    started = int(time.time() * 1000)
    main(["status", "--json", "--config", str(tmp_path / "config.toml"),
          "--endpoint-url", proxy.url])
    finished = int(time.time() * 1000)
    return json.loads(capsys.readouterr().out), started, finished


def test_status_reads_a_busy_log_window_in_one_request_and_shows_it_all(
        scenario, tmp_path, monkeypatch, capsys):
    """Discovery cold, then cached: each run reads the window in one request and shows
    every event the emulator holds in it."""
    demo = scenario("p0-outage")
    newest = busy_minutes(demo, 3_000)
    with RecordingProxy(demo.endpoint_url) as proxy:
        for discovery in ("cold", "cached"):
            proxy.bodies.clear()
            proxy.seen.clear()
            payload, started, finished = status_through(proxy, demo, tmp_path, monkeypatch,
                                                        capsys)
            listed = "cloudformation:ListStackResources" in proxy.seen
            assert listed == (discovery == "cold")
            searches = [b for a, b in proxy.bodies if a == "logs:FilterLogEvents"]
            window = [b for b in searches if "filterPattern" not in b]
            failures = [b for b in searches if b.get("filterPattern") == "backup failed"]
            assert len(window) == 1 and len(failures) == 1, searches
            assert len(searches) == 2
            # What it shows is what the emulator holds over the window it read.
            logs = payload["probes"]["logs"]
            assert logs["ok"]
            since = window[0]["startTime"]
            assert started - 5 * 60_000 - 2_000 <= since <= started - 5 * 60_000 + 2_000
            expected = held(demo, since, finished)
            assert logs["data"]["total_events"] == len(expected) >= 3_000
            shown = logs["data"]["events"]
            assert [e["message"] for e in shown] == [e["message"] for e in expected[-50:]]
            assert shown[-1]["timestamp"] == newest


def test_throttled_log_reads_are_said_with_awss_words_and_the_rest_still_shows(
        scenario, tmp_path, monkeypatch, capsys):
    demo = scenario("p0-outage")
    with RecordingProxy(demo.endpoint_url) as proxy:
        proxy.fail("logs:FilterLogEvents", "throttled")
        payload, _, _ = status_through(proxy, demo, tmp_path, monkeypatch, capsys)
    logs = payload["probes"]["logs"]
    assert not logs["ok"] and "Rate exceeded" in json.dumps(logs["error"])
    # The backups check's search was refused too: the bucket still judges the backups.
    assert payload["probes"]["datapath"]["ok"]
    assert payload["probes"]["datapath"]["data"]["not_run"] == []
    assert all(payload["probes"][name]["ok"] for name in ("stack", "ecs", "targets"))
