"""`changes` run beside the app while an incident is open: the console's own actions and the
alarm and target transitions it observed come from the incident's record on disk; an observed
alarm flip that DescribeAlarmHistory also holds is listed once, at AWS's time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from console.incidents import IncidentRecorder
from probes.changes import StateChange


def _firing(cloudwatch) -> dict:
    return {a["AlarmName"]: a for a in cloudwatch.describe_alarms()["MetricAlarms"]
            if a["StateValue"] == "ALARM"}


def test_actions_and_observed_flips_of_the_open_incident_are_listed(changes_cli, aws):
    demo, _, run = changes_cli("p0-outage")
    firing = _firing(aws(demo, "cloudwatch"))
    name, alarm = sorted(firing.items())[0]
    aws_at = alarm["StateUpdatedTimestamp"].astimezone(UTC)
    now = datetime.now(UTC).replace(microsecond=0)
    clock = [now - timedelta(minutes=20)]
    recorder = IncidentRecorder(environment="default", now=lambda: clock[0])
    incident = recorder.open("P0", "uploads failing", "alice")
    # the console saw the firing alarm at its next poll, a minute after AWS's transition
    clock[0] = aws_at + timedelta(minutes=1)
    recorder.record_state_changes([StateChange("alarms", name, "OK", "ALARM",
                                               alarm["StateReason"])])
    clock[0] = now - timedelta(minutes=5)
    recorder.record_state_changes([
        StateChange("targets", "10.0.1.23:8000", "healthy", "unhealthy",
                    "Health checks failed with these codes: [502]"),
        StateChange("alarms", "prod-manual-check", "ALARM", "OK", "Recovered\x1b[2J"),
        StateChange("ecs", "deployment ecs-svc/1", "IN_PROGRESS", "FAILED")])
    clock[0] = now - timedelta(minutes=4)
    recorder.record_action(
        "force-new-deployment", "Force a new deployment", "arn:aws:iam::123456789012:user/alice",
        params={}, calls=[{"service": "ecs", "operation": "UpdateService", "params": {},
                           "cli": "aws ecs update-service --cluster c --service s "
                                  "--force-new-deployment"}],
        result="deployment ecs-svc/2 started", request_ids=["req-1"])

    code, out, err = run("--json")
    assert code == 0, err
    payload = json.loads(out)
    entries = payload["entries"]
    assert payload["notes"]["incident"].startswith(f"4 entries from the open incident "
                                                   f"{incident.id}")
    action, = [e for e in entries if e["kind"] == "action"]
    assert action["at"] == (now - timedelta(minutes=4)).isoformat()
    assert action["summary"] == "Force a new deployment: deployment ecs-svc/2 started"
    assert action["detail"]["call"].endswith("--force-new-deployment")
    assert action["detail"]["incident"] == incident.id
    assert action["detail"]["source"] == f"incident {incident.id} record"
    assert action["detail"]["by"] == "arn:aws:iam::123456789012:user/alice"
    manual, = [e for e in entries if e["resource"] == "prod-manual-check"]
    assert manual["summary"] == "ALARM -> OK: Recovered\u241b[2J"  # ESC shown, not sent
    assert manual["detail"]["source"] == "observed by the console"
    target, = [e for e in entries if e["kind"] == "target-health"
               and e["resource"] == "10.0.1.23:8000"]
    assert target["summary"] == "healthy -> unhealthy: Health checks failed with these codes: [502]"
    # The firing alarm once: DescribeAlarmHistory's entry, at AWS's time.
    flips = [e for e in entries if e["kind"] == "alarm" and e["resource"] == name]
    assert [(e["at"], e["detail"].get("source")) for e in flips] == [
        (aws_at.isoformat(), "DescribeAlarmHistory")]
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)

    code, text, _ = run()
    assert "  action          Force a new deployment" in text
    assert "\x1b" not in text
    assert f"NOTE incident: 4 entries from the open incident {incident.id}" in text


def test_no_open_incident_adds_nothing_and_an_unreadable_record_is_a_note(changes_cli):
    _, _, run = changes_cli("healthy")
    code, out, _ = run("--json")
    payload = json.loads(out)
    assert code == 0 and "incident" not in payload["notes"]
    assert [e for e in payload["entries"] if e["kind"] == "action"] == []

    recorder = IncidentRecorder(environment="default")
    incident = recorder.open("P1", "slow", "bob")
    recorder.note("looking", "bob")
    with open(incident.path, "ab") as file:  # a crash mid-write leaves half a line
        file.write(b'{"t": "2026-11-28T20:00:00Z", "kind": "act')
    code, out, err = run()
    assert code == 0, err
    assert (f"NOTE incident: 0 entries from the open incident {incident.id} (the console's "
            "actions and observed transitions); 1 unreadable lines skipped") in out
