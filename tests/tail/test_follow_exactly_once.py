"""The issue's integration test: 20,000 events in same-millisecond bursts across 20 streams,
some arriving late (older than events already shown in the same stream, so only the
sweep can find them: `--overlap 8` keeps the test short), written while the real
`incident-console tail --follow` runs in a subprocess against the emulator; each must be
printed exactly once. Then Ctrl-C ends it quietly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.tail.conftest import now_ms

STREAMS = 20
BURSTS = 50
PER_STREAM_BURST = 20  # 20 streams x 20 events share each burst's millisecond
TOTAL = STREAMS * BURSTS * PER_STREAM_BURST
SEQ = re.compile(r"seq=(\d+)\b")


def tail_env(endpoint_url: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(AWS_ENDPOINT_URL=endpoint_url, AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="eu-west-1",
               AWS_DEFAULT_REGION="eu-west-1", INCIDENT_CONSOLE_CONFIG=str(tmp_path / "none"),
               INCIDENT_CONSOLE_LOG_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    env.pop("AWS_PROFILE", None)
    return env


def test_follow_prints_each_of_20000_events_exactly_once(log_groups, tmp_path):
    streams = [f"ecs/app/task{i:02d}" for i in range(STREAMS)]
    group = log_groups.create(streams)
    start = now_ms()
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "tail", "--log-group", group, "--since", "2m",
         "--follow", "--interval", "0.3", "--overlap", "8"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=tail_env(log_groups.endpoint_url, tmp_path))
    counts: dict[int, int] = {}
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            match = SEQ.search(line)
            if match:
                seq = int(match.group(1))
                counts[seq] = counts.get(seq, 0) + 1

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        seq = 0
        # Four rounds a second apart; each round's bursts are older than the previous
        # round's newest (late events, well inside the 30 s overlap window).
        for round_ in range(4):
            base = start + 5_000 - round_ * 1_000 if round_ % 2 else start + round_ * 1_000
            for stream in streams:
                events = []
                for burst in range(round_, BURSTS, 4):
                    for _ in range(PER_STREAM_BURST):
                        events.append((base + burst * 10, f"seq={seq} burst={burst}"))
                        seq += 1
                log_groups.put(group, stream, events)
            time.sleep(1.0)
        assert seq == TOTAL
        deadline = time.monotonic() + 45
        while len(counts) < TOTAL and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        time.sleep(1.5)  # anything printed twice would show up now
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rc = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            rc = process.wait()
    reader.join(timeout=5)
    stderr = process.stderr.read() if process.stderr else ""
    missing = TOTAL - len(counts)
    repeated = sum(1 for c in counts.values() if c > 1)
    assert missing == 0 and repeated == 0, f"missing {missing}, repeated {repeated}: {stderr}"
    assert len(lines) == TOTAL
    # stderr says only how it read: moto's StartLiveTail sends one snapshot and closes.
    assert rc == 130 and stderr == (
        "incident-console tail: polling every 0.3s\n"
        "incident-console tail: polling every 0.3s (live tail: SessionClosed: the service "
        "closed the stream)\n"), (rc, stderr)
