"""`incident-console changes` on p0-outage: the deployment, the stopped tasks, the alarm
transitions and the stack events, in time order, each as the emulator holds it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from console.demo import names as n


def _at(entry) -> datetime:
    return datetime.fromisoformat(entry["at"])


def test_p0_outage_lists_deployment_stops_alarms_and_stack_events_in_time_order(changes_cli, aws):
    demo, _, run = changes_cli("p0-outage")
    code, out, err = run("--since", "14d", "--json")
    assert code == 0, err
    payload = json.loads(out)
    entries = payload["entries"]
    assert payload["complete"] is True and payload["failures"] == []
    assert [_at(e) for e in entries] == sorted(_at(e) for e in entries)
    by_kind = {}
    for entry in entries:
        by_kind.setdefault(entry["kind"], []).append(entry)

    ecs = aws(demo, "ecs")
    service, = ecs.describe_services(cluster=n.CLUSTER, services=[n.SERVICE])["services"]
    deployment, = service["deployments"]
    created, = [e for e in by_kind["deployment"] if deployment["id"] in e["resource"]]
    assert _at(created) == deployment["createdAt"].astimezone(UTC)
    assert created["summary"].endswith(deployment["taskDefinition"].rsplit("/", 1)[-1])

    stopped_arns = ecs.list_tasks(cluster=n.CLUSTER, desiredStatus="STOPPED")["taskArns"]
    stopped = ecs.describe_tasks(cluster=n.CLUSTER, tasks=stopped_arns)["tasks"]
    assert len(stopped) == 10
    shown = {e["resource"].removeprefix("task "): e for e in by_kind["task-stop"]}
    for task in stopped:
        entry = shown[task["taskArn"].rsplit("/", 1)[-1]]
        assert _at(entry) == task["stoppedAt"].astimezone(UTC)
        assert entry["summary"].startswith(f"stopped: {task['stoppedReason']}")

    alarms = aws(demo, "cloudwatch").describe_alarms()["MetricAlarms"]
    firing = {a["AlarmName"]: a for a in alarms if a["StateValue"] == "ALARM"}
    assert len(firing) == 4
    transitions = {e["resource"]: e for e in by_kind["alarm"]}
    assert set(transitions) == set(firing)
    for name, alarm in firing.items():
        assert transitions[name]["summary"] == f"OK -> ALARM: {alarm['StateReason']}"
        assert _at(transitions[name]) == alarm["StateUpdatedTimestamp"].astimezone(UTC)

    events = aws(demo, "cloudformation").describe_stack_events(
        StackName=n.STACK)["StackEvents"]
    since = datetime.fromisoformat(payload["since"])
    recent = [e for e in events if e["Timestamp"] >= since]
    assert recent and {e["detail"]["event id"] for e in by_kind["stack"]} == {
        e["EventId"] for e in recent}
    # The story: the stack was last updated days ago, the deployment before the first stop
    # of a new task, the 5xx alarm while tasks kept dying.
    assert max(_at(e) for e in by_kind["stack"]) < _at(created)


def test_default_window_is_three_hours_and_text_fits_80_columns(changes_cli):
    _, _, run = changes_cli("p0-outage")
    code, out, _ = run()
    assert code == 0
    lines = out.splitlines()
    head = lines[0]
    start, end = head.removeprefix("Changes ").split(": ")[0].split(" .. ")
    parse = lambda text: datetime.strptime(text, "%Y-%m-%d %H:%M:%SZ")  # noqa: E731
    assert parse(end) - parse(start) == timedelta(hours=3)
    assert max(len(line) for line in lines) <= 80
    assert any("  deployment " in line for line in lines)
    assert any("OK -> ALARM: Threshold Crossed" in line for line in lines)
    assert "  stack " not in out  # the last stack update was days ago


def test_a_bad_since_is_one_line_and_exit_2(changes_cli):
    _, proxy, run = changes_cli("healthy")
    code, out, err = run("--since", "yesterday-ish")
    assert code == 2 and out == ""
    assert err.splitlines()[0] == ("incident-console: cannot read the time 'yesterday-ish': use "
                                   "19:45, 2026-11-28 19:45, 20m (ago) or "
                                   "2026-11-28T19:45:00Z (UTC)")
    assert proxy.seen == []  # nothing was asked of AWS


def test_healthy_has_no_alarm_transition_and_exits_0(changes_cli):
    _, _, run = changes_cli("healthy")
    code, out, _ = run("--json")
    payload = json.loads(out)
    assert code == 0 and payload["complete"] is True
    assert [e for e in payload["entries"] if e["kind"] in ("alarm", "task-stop")] == []
