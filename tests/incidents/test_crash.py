"""A console killed mid-incident (SIGKILL: no cleanup at all) leaves a timeline that loads,
exports and can be resumed. The writer is a real process writing as fast as it can."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.cli import main
from console.incidents import IncidentRecorder

WRITER = """
from console.incidents import IncidentRecorder
recorder = IncidentRecorder(environment="prod")
incident = recorder.open("P0", "killed mid-incident", "arn:aws:sts::1:assumed-role/OnCall/bob")
print(incident.id, flush=True)
n = 0
while True:
    n += 1
    evidence = {"n": n, "log": "GET /health 503 upstream timeout\\n" * 600}  # ~20 kB
    recorder.record_check(f"check-{n}", n % 2 == 0, evidence, "bob")
    recorder.record_state_change("alarms", f"alarm-{n}", "OK", "ALARM", "threshold")
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_a_killed_writer_leaves_a_timeline_that_loads_exports_and_resumes(data_dir, capsys):
    env = {**os.environ, "INCIDENT_CONSOLE_DATA_DIR": str(data_dir)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER], env=env, stdout=subprocess.PIPE,
                              text=True)
    try:
        incident_id = writer.stdout.readline().strip()
        path = data_dir / "incidents" / f"{incident_id}.jsonl"
        deadline = time.monotonic() + 20
        while path.stat().st_size < 200_000 and time.monotonic() < deadline:
            time.sleep(0.01)
        writer.send_signal(signal.SIGKILL)  # in the middle of its stream of writes
    finally:
        writer.kill()
        writer.wait(timeout=10)
        writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL

    recorder = IncidentRecorder(environment="prod")
    loaded = recorder.load(incident_id)
    assert loaded.entries[0].kind == "opened" and loaded.incident.is_open
    assert len(loaded.entries) >= 10 and len(loaded.problems) <= 1  # at most the torn line
    lines = _complete_lines(path)
    assert len(loaded.entries) == len(lines)  # every complete line is an entry

    assert main(["incident", "export", incident_id, "--format", "md"]) == 0
    report = capsys.readouterr().out
    assert "killed mid\\-incident" in report or "killed mid-incident" in report
    assert "**still open**" in report

    found = recorder.find_open()
    assert found is not None and found.id == incident_id
    recorder.resume(incident_id, "arn:aws:sts::1:assumed-role/OnCall/bob")
    recorder.close("recovered after the crash", "bob")
    reloaded = recorder.load(incident_id)
    assert reloaded.entries[-1].kind == "closed" and not reloaded.incident.is_open
    assert reloaded.problems == loaded.problems  # nothing new went bad


def _complete_lines(path: Path) -> list[dict]:
    out = []
    for raw in path.read_bytes().split(b"\n"):
        try:
            out.append(json.loads(raw))
        except ValueError:
            continue
    return out
