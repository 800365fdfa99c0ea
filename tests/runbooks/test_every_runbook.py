"""Every shipped runbook, end to end on the demo scenario it is for, through the keyboard:
each check runs and finds what the scenario holds, each manual step takes a note, one action
runs through its confirmation, the other actions are skipped with a reason, and the incident
timeline holds every step. (P0 Service Down has its own, closer test.)"""

import pytest

from console.runbooks.session import StepStatus
from console.screens.action_form import ActionFormScreen
from console.screens.action_result import ActionResultScreen
from console.screens.confirm import ConfirmScreen
from console.screens.prompt import PromptScreen
from console.screens.runbook import RunbookScreen
from console.screens.runbook_picker import RunbookPreviewScreen

P, F = StepStatus.PASSED, StepStatus.FAILED
CASES = {
    "p1-degraded-performance": ("p1-degraded", "scale-out",
                                {"alarms": F, "service": P, "verify": F}),
    "p0-security-breach": ("healthy", "rotate-admin", {"service": P}),
    "p2-cost-exceeded": ("cost-overrun", "alerts", {"explorer": F}),
    # A stack that serves is never rebuilt: every rebuild step is refused, then skipped.
    "complete-stack-recovery": ("stack-rollback", None,
                                {"state": P, "verify-stack": P, "verify-service": P,
                                 "verify-targets": P}),
    "stack-update-rollback": ("stack-rollback", None,
                              {"state": P, "failure": F, "service": P, "targets": P,
                               "verify": F}),
    "database-recovery": ("backup-failure", "restore",
                          {"before": P, "verify-service": P, "verify-targets": P}),
    "weekly-health-check": ("healthy", "alerting",
                            {"service": P, "tasks": P, "targets": P, "alarms": P,
                             "costs": P, "stack": P}),
}


async def run_action(app, pilot, until, tmp_path):
    """Inputs as proposed (a backup folder under tmp), then confirm, then close the result."""
    await until(pilot, lambda: isinstance(app.screen, (ActionFormScreen, ConfirmScreen)))
    if isinstance(app.screen, ActionFormScreen):
        for field in app.screen.query("Input"):
            if field.id in ("field-destination", "field-local_file"):
                field.value = str(tmp_path / field.id)
        while isinstance(app.screen, ActionFormScreen):
            await pilot.press("enter")
            await pilot.pause(0.2)
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), timeout=20)
    plan = app.screen.plan
    if plan.destructive:
        app.screen.query_one("#confirm-name").value = plan.confirm_name
        await pilot.press("enter")
    else:
        await pilot.press("y")
    await until(pilot, lambda: isinstance(app.screen, ActionResultScreen), timeout=60)
    await pilot.press("escape")


@pytest.mark.parametrize("runbook_id", CASES)
async def test_runbook_end_to_end(runbook_id, scenario, open_app, until, complete, tmp_path):
    name, action_step, expected = CASES[runbook_id]
    demo = scenario(name)
    demo.traffic().backfill()
    async with open_app(demo, write=True) as (app, pilot):
        await until(pilot, lambda: complete(app))
        assert app.start_runbook(runbook_id)
        await until(pilot, lambda: isinstance(app.screen, RunbookPreviewScreen))
        assert app.incidents.current() is None  # a preview opens nothing
        severity = app.screen.severity
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, RunbookScreen))
        session = app.screen.session
        for number, step in enumerate(session.runbook.steps):
            assert session.step.id == step.id
            state = session.states[step.id]
            moves_on = False
            if session.gate(step):
                await pilot.press("enter")  # refused: nothing opens, nothing is recorded
                await pilot.pause(0.2)
                assert isinstance(app.screen, RunbookScreen)
                assert state.status is StepStatus.PENDING
                assert "Not offered" in str(app.screen.query_one("#runbook-step").render())
            if step.kind == "check" and not session.gate(step):
                await pilot.press("enter")
                await until(pilot, lambda state=state: state.runs > 0, timeout=20)
            elif step.kind == "manual" and not session.gate(step):
                await pilot.press("enter")
                await until(pilot, lambda: isinstance(app.screen, PromptScreen))
                await pilot.press(*"done by hand", "enter")
                moves_on = True  # recording a manual step moves on by itself
            elif step.id == action_step and not session.gate(step):
                await pilot.press("enter")
                await run_action(app, pilot, until, tmp_path)
                await until(pilot, lambda state=state: state.status is StepStatus.DONE,
                            timeout=20)
            else:
                await pilot.press("s")
                await until(pilot, lambda: isinstance(app.screen, PromptScreen))
                await pilot.press(*"not in this drill", "enter")
                await until(pilot, lambda state=state: state.status is StepStatus.SKIPPED)
                continue  # skipping moves on by itself
            await until(pilot, lambda: isinstance(app.screen, RunbookScreen))
            if moves_on:
                last = number + 1 == len(session.runbook.steps)
                await until(pilot, lambda last=last, number=number:
                            session.index == (number if last else number + 1))
            elif number + 1 < len(session.runbook.steps):
                await pilot.press("n")
        assert session.finished
        found = {step_id: session.states[step_id].status for step_id in expected}
        assert found == expected, {k: session.states[k].summary for k in expected}
        incident = app.incidents.current()
        # Started from the preview: an incident at the severity it showed.
        assert incident is not None and incident.severity == severity
        recorded = {e.get("step_id") for e in app.incidents.load(incident.id).of_kind("runbook")}
        assert {s.id for s in session.runbook.steps if not session.gate(s)} <= recorded
