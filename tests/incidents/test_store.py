"""The timeline file: round trip, one line per entry, and what survives damage."""

from __future__ import annotations

import json

import pytest
from tests.incidents.helpers import ALICE, START

from console.incidents import (
    IncidentAlreadyOpen,
    IncidentError,
    IncidentRecorder,
    TimelineWriteError,
    UnknownIncident,
)
from console.incidents.store import incident_id, slug


def fill(recorder: IncidentRecorder) -> str:
    incident = recorder.open("p0", "ALB 503s on /health", ALICE)
    recorder.note("targets failing since 03:10", ALICE)
    recorder.record_check("targets-healthy", False, {"healthy": 0, "total": 2}, ALICE)
    recorder.record_action("force-new-deployment", "Force a new deployment", ALICE,
                           params={"service": "svc"}, calls=[{"operation": "UpdateService"}],
                           result="deployment ecs-svc/1 started", request_ids=["req-1"])
    recorder.record_runbook("p0-service-down", "check-targets", "failed", "0/2 healthy", ALICE)
    recorder.record_state_change("alarms", "cpu-high", "OK", "ALARM", "Threshold crossed")
    recorder.set_severity("P1", ALICE, reason="partial recovery")
    recorder.close("bad deploy; rolled back", ALICE)
    return incident.id


def test_round_trip_keeps_every_entry_in_order_with_utc_times(recorder):
    incident_id = fill(recorder)
    loaded = recorder.load(incident_id)
    assert loaded.problems == ()
    assert [e.kind for e in loaded.entries] == [
        "opened", "note", "check", "action", "runbook", "state-change", "severity", "closed"]
    assert [e.line for e in loaded.entries] == list(range(1, 9))
    assert loaded.entries[0].time == START
    assert all(e.time.utcoffset().total_seconds() == 0 for e in loaded.entries)
    action = loaded.entries[3]
    assert action.who == ALICE and action.get("request_ids") == ["req-1"]
    assert loaded.entries[5].who is None  # seen by the probes, done by no one here
    incident = loaded.incident
    assert (incident.severity, incident.title, incident.environment) == (
        "P1", "ALB 503s on /health", "prod")
    assert incident.opened_by == ALICE and incident.closed_by == ALICE
    assert incident.summary == "bad deploy; rolled back" and not incident.is_open


def test_each_entry_is_one_json_line_with_the_envelope(recorder, data_dir):
    incident_id = fill(recorder)
    path = data_dir / "incidents" / f"{incident_id}.jsonl"
    lines = path.read_text().splitlines()
    assert len(lines) == 8
    first = json.loads(lines[0])
    assert first["t"] == "2026-11-28T03:14:00.000Z"
    assert {"t", "kind", "who", "severity", "title", "incident", "environment",
            "region"} <= first.keys()
    assert incident_id == "2026-11-28-0314-p0-alb-503s-on"  # short: `incident list` fits 80 columns


def test_ids_sort_by_time_are_filename_safe_and_unique(make_recorder):
    assert slug("../../etc/passwd; rm -rf ~") == "etc-passwd-rm-rf"
    assert slug("Ünïcode ✨") == "unicode" and slug("✨") == "incident"
    assert incident_id(START, "P2", "x" * 100).startswith("2026-11-28-0314-p2-")
    first = make_recorder("a")
    second = make_recorder("b")  # another environment, same minute, same title
    one = first.open("P0", "Same title", ALICE)
    two = second.open("P0", "Same title", ALICE)
    assert one.id != two.id and two.id == f"{one.id}-2"


def test_a_second_open_incident_is_refused_until_the_first_is_closed(make_recorder):
    first = make_recorder()
    incident = first.open("P0", "down", ALICE)
    with pytest.raises(IncidentAlreadyOpen):
        first.open("P1", "another", ALICE)
    other_console = make_recorder()  # same environment, another console: sees it on disk
    with pytest.raises(IncidentAlreadyOpen) as refused:
        other_console.open("P1", "another", ALICE)
    assert refused.value.incident.id == incident.id
    assert make_recorder("staging").open("P2", "cost", ALICE)  # other environment: allowed
    first.close("fixed", ALICE)
    assert other_console.open("P1", "another", ALICE).severity == "P1"


def test_bad_severity_or_empty_title_is_refused_and_writes_nothing(recorder, data_dir):
    with pytest.raises(IncidentError, match="P0, P1, P2"):
        recorder.open("P3", "x", ALICE)
    with pytest.raises(IncidentError, match="title"):
        recorder.open("P0", "   ", ALICE)
    assert not list(data_dir.glob("incidents/*.jsonl"))


def test_recording_without_an_open_incident_writes_nothing(recorder, data_dir):
    assert recorder.note("hello", ALICE) is None
    assert recorder.record_action("a", "A", ALICE, {}, [], "ok", []) is None
    assert recorder.record_state_change("ecs", "svc", "1/2", "2/2") is None
    with pytest.raises(IncidentError):
        recorder.close("nothing", ALICE)
    assert not data_dir.exists() or not list(data_dir.glob("incidents/*.jsonl"))


def test_resume_continues_the_same_file_and_notes_the_gap(make_recorder):
    first = make_recorder()
    incident = first.open("P0", "down", ALICE)
    first.note("before the SSH session dropped", ALICE)
    restarted = make_recorder()
    found = restarted.find_open()
    assert found is not None and found.id == incident.id
    assert restarted.current() is None  # nothing is recorded until the operator resumes
    restarted.resume(found.id, ALICE)
    restarted.note("after", ALICE)
    entries = restarted.load(incident.id).entries
    assert [e.kind for e in entries] == ["opened", "note", "note", "note"]
    assert "not watched" in entries[2].get("text")


def test_a_truncated_last_line_is_reported_and_the_next_entry_still_lands(recorder):
    incident = recorder.open("P0", "down", ALICE)
    recorder.note("complete", ALICE)
    with open(incident.path, "ab") as file:  # a crash in the middle of a write
        file.write(b'{"t":"2026-11-28T03:20:00.000Z","kind":"note","te')
    loaded = recorder.load(incident.id)
    assert [e.kind for e in loaded.entries] == ["opened", "note"]
    assert len(loaded.problems) == 1 and loaded.problems[0].line == 3
    assert "truncated" in loaded.problems[0].message
    recorder.note("after the crash", ALICE)  # must not be glued onto the torn line
    loaded = recorder.load(incident.id)
    assert loaded.entries[-1].get("text") == "after the crash"
    assert [p.line for p in loaded.problems] == [3]


def test_a_corrupt_middle_line_is_reported_with_its_number_and_skipped(recorder):
    incident = recorder.open("P0", "down", ALICE)
    for n in range(3):
        recorder.note(f"note {n}", ALICE)
    lines = incident.path.read_bytes().splitlines(keepends=True)
    lines[2] = b'{"t": "2026-11-28T03:15:00Z", "kind": "note", oops}\n'
    lines.insert(3, b"\x00\x00\x00\x00\n")
    lines.insert(4, b"[1, 2]\n")
    lines.insert(5, b'{"kind": "note", "text": "no time"}\n')
    lines.insert(6, b"\xff\xfe not utf-8\n")
    incident.path.write_bytes(b"".join(lines))
    loaded = recorder.load(incident.id)
    assert [e.get("text") for e in loaded.of_kind("note")] == ["note 0", "note 2"]
    assert [(p.line, p.message.split(" ")[0]) for p in loaded.problems] == [
        (3, "not"), (4, "only"), (5, "not"), (6, "no"), (7, "not")]
    assert "JSON" in str(loaded.problems[0]) and "line 3" in str(loaded.problems[0])


def test_unknown_and_unsafe_ids_are_unknown_incidents(recorder):
    recorder.open("P0", "down", ALICE)
    for bad in ("nope", "../../etc/passwd", "", "a/b"):
        with pytest.raises(UnknownIncident):
            recorder.load(bad)
    assert recorder.resolve_id("2026-11-28-0314") == "2026-11-28-0314-p0-down"


def test_list_is_newest_first_with_counts(make_recorder):
    first = make_recorder()
    fill(first)
    second = make_recorder("staging")
    second.open("P2", "budget", ALICE)
    summaries = first.list()
    assert [s.incident.environment for s in summaries] == ["staging", "prod"]
    assert [(s.entries, s.problems, s.incident.is_open) for s in summaries] == [
        (1, 0, True), (8, 0, False)]


def test_listeners_hear_every_entry_and_a_failing_listener_loses_nothing(recorder):
    heard = []
    recorder.add_listener(lambda incident, entry: heard.append((entry.kind, incident)))
    recorder.add_listener(lambda incident, entry: 1 / 0)
    incident = recorder.open("P0", "down", ALICE)
    recorder.note("x", ALICE)
    recorder.close("done", ALICE)
    assert [k for k, _ in heard] == ["opened", "note", "closed"]
    assert heard[0][1].id == incident.id and heard[-1][1] is None
    assert len(recorder.load(incident.id).entries) == 3


def test_an_unwritable_directory_is_a_timeline_write_error_not_a_crash(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    recorder = IncidentRecorder(blocker / "incidents", environment="prod")
    with pytest.raises(TimelineWriteError, match="cannot"):
        recorder.open("P0", "down", ALICE)
    assert recorder.current() is None


def test_entries_read_like_their_json_lines(recorder):
    incident = recorder.open("P0", "down", ALICE)
    recorder.record_runbook("p0-service-down", "targets", "check failed", "0/2", ALICE)
    entry = recorder.load(incident.id).entries[-1]
    assert (entry.get("kind"), entry.get("who"), entry.get("line")) == ("runbook", ALICE, 2)
    assert entry.get("t") == "2026-11-28T03:14:30.000Z" and entry.get("step_id") == "targets"
