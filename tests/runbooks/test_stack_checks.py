"""The stack checks read statuses as AWS defines them, and the stack-recovery runbook offers a
rebuild only once its first check found the stack no longer serving."""

from datetime import UTC, datetime

import pytest

from console.runbooks.loader import load_runbooks, shipped_dir
from console.runbooks.session import RunbookSession, StepStatus
from probes.checks import CheckResult, run_check
from probes.stack import StackEvent, StackSnapshot

NOW = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
REASON = ('Resource handler returned message: "Invalid request provided: UpdateService error: '
          'The container app does not exist in the task definition."')


def stack(status: str, *failures: StackEvent) -> dict:
    return {"stack": StackSnapshot("children-drawing-prod", status, "", NOW, failures,
                                   failures)}


@pytest.mark.parametrize("status", ["CREATE_COMPLETE", "UPDATE_COMPLETE",
                                    "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE",
                                    "IMPORT_ROLLBACK_COMPLETE", "ROLLBACK_COMPLETE"])
def test_every_stable_state_is_stable(status):
    assert run_check("stack-stable", stack(status)).passed is True


@pytest.mark.parametrize("status", ["UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED",
                                    "DELETE_FAILED"])
def test_an_operation_under_way_or_stuck_is_not(status):
    assert run_check("stack-stable", stack(status)).passed is False


def test_serving_passes_after_a_rolled_back_update_and_fails_after_a_failed_create():
    rolled = run_check("stack-serving", stack("UPDATE_ROLLBACK_COMPLETE"))
    assert rolled.passed is True and "do not rebuild" in rolled.summary
    assert run_check("stack-serving", stack("ROLLBACK_COMPLETE")).passed is False


def test_last_update_names_the_failing_resource_and_the_container():
    failed = StackEvent("e1", NOW, "Service", "AWS::ECS::Service", "UPDATE_FAILED", REASON)
    result = run_check("stack-last-update", stack("UPDATE_ROLLBACK_COMPLETE", failed))
    assert result.passed is False and "Service failed" in result.summary
    found = dict(result.evidence)
    assert found["failing resource"] == "Service (AWS::ECS::Service)"
    assert "container 'app'" in found["cause"] and "'app'" in found["fix"]
    assert run_check("stack-last-update", stack("UPDATE_COMPLETE")).passed is True


def test_the_rebuild_is_offered_only_when_the_stack_does_not_serve():
    runbooks, _ = load_runbooks([shipped_dir()])
    session = RunbookSession(runbooks["complete-stack-recovery"])
    rebuild = session.runbook.step("rebuild")
    assert session.gate(rebuild).startswith("Run step")  # not checked yet: not offered
    session.check_done(CheckResult(True, "stack UPDATE_ROLLBACK_COMPLETE: it serves"))
    assert session.gate(rebuild).startswith("Not offered")
    session.states["state"].status = StepStatus.FAILED
    assert session.gate(rebuild) is None
