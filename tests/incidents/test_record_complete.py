"""Issue 10 point 5: the record keeps everything the operator did and wrote, once, whole."""

from __future__ import annotations

import json
import re
import shlex

from tests.incidents.helpers import ALICE

from console.actions.base import ApiCall
from console.cli import main
from console.incidents.export import to_json, to_markdown
from console.incidents.scrub import REDACTED, scrub, scrub_text

SECRET_ARN = ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
              "children-drawing-prod-admin-password-AbCdEf")
CONTAINERS = [{
    "name": "app", "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/children-drawing-app",
    "memory": 1024, "environment": [{"name": "DATABASE_URL", "value": "sqlite:////data/app.db"}],
    "secrets": [{"name": "ADMIN_PASSWORD", "valueFrom": SECRET_ARN}],
    "logConfiguration": {"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/children-drawing-prod"}}}]


def runbook_incident(recorder) -> str:
    """What a runbook leaves: a start without a step, a step note, two skips, an action."""
    incident = recorder.open("P0", "P0 Service Down", ALICE)
    recorder.record_runbook("p0-service-down", "", "started", "P0 Service Down", ALICE)
    recorder.record_runbook("p0-service-down", "aws-health", "note",
                            "no AWS event in eu-west-1", ALICE)
    recorder.record_runbook("p0-service-down", "alarms", "skipped", "alarms seen on the header",
                            ALICE)
    recorder.record_runbook("p0-service-down", "logs", "skipped", "logs already read with l",
                            ALICE)
    call = ApiCall("ecs", "RegisterTaskDefinition",
                   {"family": "children-drawing-prod-task", "containerDefinitions": CONTAINERS})
    recorder.record_action("scale-task-size", "Scale the task size", ALICE,
                           params={"memory": "512 -> 1024"},
                           calls=[{"service": call.service, "operation": call.operation,
                                   "params": call.params, "cli": call.cli()}],
                           result="Scale the task size: revision :2 deployed",
                           request_ids=["req-register-1", "req-update-2"])
    recorder.record_state_change("targets", "10.0.1.23:8000", "unhealthy", "healthy")
    recorder.note("memory raised to 1024", ALICE)
    recorder.close("OOM; more memory fixed it", ALICE)
    return incident.id


def test_markdown_lists_every_note_step_note_skip_reason_and_request_id(recorder):
    report = to_markdown(recorder.load(runbook_incident(recorder)))
    notes = report.split("## Notes")[1]
    assert "No note was recorded." not in report
    for text in ("no AWS event in eu-west-1", "alarms seen on the header",
                 "logs already read with l", "memory raised to 1024"):
        assert text in notes
    assert "step alarms \\(reason to skip it\\)" in notes
    steps = report.split("## Runbook steps")[1].split("## Notes")[0]
    for step in ("aws-health", "alarms", "logs"):
        assert f"step {step}:" in steps
    assert "req-register-1" in report and "req-update-2" in report
    assert "unhealthy → healthy" in report


def test_title_and_first_step_are_said_once(recorder):
    loaded = recorder.load(runbook_incident(recorder))
    report = to_markdown(loaded)
    assert report.startswith("# P0 incident: Service Down\n")
    assert "P0 P0" not in report
    assert "Scale the task size: revision :2 deployed" in report  # not twice the title
    assert "Scale the task size: Scale the task size" not in report
    assert "- Result: revision :2 deployed" in report
    assert "step :" not in report and "runbook p0-service-down: started" in report
    assert loaded.incident.title == "Service Down"


def test_json_export_has_every_entry(recorder):
    document = json.loads(to_json(recorder.load(runbook_incident(recorder))))
    kinds = [e["kind"] for e in document["entries"]]
    assert kinds.count("runbook") == 4 and kinds.count("note") == 1
    assert document["incident"]["title"] == "Service Down"
    action = next(e for e in document["entries"] if e["kind"] == "action")
    assert action["request_ids"] == ["req-register-1", "req-update-2"]


def test_redaction_keeps_a_command_whole_and_parseable(recorder):
    loaded = recorder.load(runbook_incident(recorder))
    for document in (json.loads(to_json(loaded))["entries"],
                     [{"kind": e.kind, **e.fields} for e in loaded.entries]):
        call = next(e for e in document if e["kind"] == "action")["calls"][0]
        words = shlex.split(call["cli"])
        value = json.loads(words[words.index("--container-definitions") + 1])
        assert value == CONTAINERS  # nothing cut: the ARN names the secret, it is no value
        assert call["params"]["containerDefinitions"] == CONTAINERS


def test_redaction_replaces_only_the_value_inside_json_and_commands():
    document = json.dumps({"user": "app", "password": "hunter2", "token": "t0k3n",
                           "next": [1, 2]})
    out = scrub_text(document)
    assert json.loads(out) == {"user": "app", "password": REDACTED, "token": REDACTED,
                               "next": [1, 2]}
    command = "mysql --password=hunter2 --host=db; echo 'token: abc' done"
    assert scrub_text(command) == (f"mysql --password={REDACTED} --host=db; "
                                   f"echo 'token: {REDACTED}' done")
    assert scrub({"secrets": [{"name": "X", "valueFrom": SECRET_ARN}]}) == {
        "secrets": [{"name": "X", "valueFrom": SECRET_ARN}]}


def test_list_columns_stay_aligned_in_80_columns(make_recorder, capsys):
    for environment, title in (("demo:cost-overrun", "P2 Cost Exceeded"),
                               ("prod", "P1 Degraded Performance: checkout is slow " * 4),
                               ("demo:p0-outage", "P0 Service Down")):
        recorder = make_recorder(environment)
        recorder.open(title[:2], title, ALICE)
        recorder.close("done", ALICE)
    assert main(["incident", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    starts = [[m.start() for m in re.finditer(r"(?<=  )\S", line)][:4] for line in lines]
    assert all(s == starts[0] for s in starts), lines  # SEV, STATE, ENVIRONMENT, TITLE
    assert "[+" not in "".join(lines), lines
    assert "demo:cost-o…" in lines[1] and lines[1].endswith("Cost Exceeded")
