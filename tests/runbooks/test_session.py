"""Where you are in a runbook, and getting it back from the timeline after a dropped session."""

from pathlib import Path

from console.runbooks.loader import parse_runbook
from console.runbooks.session import RunbookSession, StepStatus
from probes.checks import CheckResult

RUNBOOK = parse_runbook({
    "id": "rb", "title": "RB", "severity": "P0",
    "steps": [
        {"id": "health", "title": "AWS health", "kind": "manual"},
        {"id": "targets", "title": "Targets", "kind": "check", "check": "targets-healthy"},
        {"id": "redeploy", "title": "Redeploy", "kind": "action",
         "action": "force-new-deployment", "optional": True, "when_failed": "targets"},
        {"id": "verify", "title": "Verify", "kind": "check", "check": "targets-healthy"},
    ]}, Path("rb.toml"))


def test_steps_record_what_they_found_and_suggest_optional_actions():
    records = []
    session = RunbookSession(RUNBOOK, record=lambda *args: records.append(args))
    session.start()
    session.note("no AWS event in eu-west-1")
    assert session.state.status is StepStatus.DONE
    session.next()
    assert not session.suggested(RUNBOOK.step("redeploy"))
    session.check_done(CheckResult(False, "0/2 targets healthy",
                                   (("10.0.1.3:8000", "unhealthy Target.ResponseCodeMismatch"),)))
    assert session.suggested(RUNBOOK.step("redeploy"))
    session.next()
    session.action_done(True, "Force a new deployment: done")
    session.next()
    session.skip("rolled back instead")
    assert session.finished
    assert [r[2] for r in records] == ["started", "note", "check failed", "action done",
                                       "skipped"]


def test_restore_rebuilds_progress_from_timeline_entries():
    entries = [
        {"kind": "runbook", "runbook_id": "rb", "step_id": "health", "event": "note",
         "detail": "nothing on the health dashboard"},
        {"kind": "runbook", "runbook_id": "rb", "step_id": "targets", "event": "check failed",
         "detail": "0/2 targets healthy"},
        {"kind": "runbook", "runbook_id": "other", "step_id": "targets", "event": "skipped"},
    ]
    session = RunbookSession(RUNBOOK)
    assert session.restore(entries) == 2
    assert session.states["health"].status is StepStatus.DONE
    assert session.states["targets"].status is StepStatus.FAILED
    assert session.step.id == "redeploy"  # the first step still to do
