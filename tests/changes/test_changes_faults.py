"""One source of the timeline failing: the others are still printed, the failed one is named
with its action, and the exit code says the list is incomplete."""

from __future__ import annotations

import json

import pytest


def test_access_denied_on_alarm_history_prints_the_rest_and_names_the_action(changes_cli):
    _, proxy, run = changes_cli("p0-outage")
    code, complete_out, _ = run("--since", "14d", "--json")
    assert code == 0
    everything = json.loads(complete_out)["entries"]
    proxy.fail("cloudwatch:DescribeAlarmHistory", "denied")

    code, out, err = run("--since", "14d")
    assert code == 1, err
    assert "INCOMPLETE alarm-history: access denied: cloudwatch:DescribeAlarmHistory" in out
    assert "  deployment " in out and "  task-stop " in out and "  stack " in out
    assert "OK -> ALARM" not in out

    code, out, _ = run("--since", "14d", "--json")
    assert code == 1
    payload = json.loads(out)
    assert payload["complete"] is False
    failure, = payload["failures"]
    assert (failure["source"], failure["kind"], failure["action"]) == (
        "alarm-history", "access denied", "cloudwatch:DescribeAlarmHistory")
    # Exactly the other sources' entries, as the complete run listed them.
    assert payload["entries"] == [e for e in everything if e["kind"] != "alarm"]
    assert "cloudwatch:DescribeAlarmHistory" in proxy.injected


@pytest.mark.parametrize(("action", "fault", "source", "kind"), [
    ("ecs:DescribeServices", "throttled", "ecs", "throttled"),
    ("cloudformation:DescribeStackEvents", "drop", "stack", "unreachable"),
])
def test_other_faults_are_named_by_source(changes_cli, action, fault, source, kind):
    _, proxy, run = changes_cli("p0-outage")
    proxy.fail(action, fault)
    code, out, _ = run("--json")
    payload = json.loads(out)
    assert code == 1
    failure, = payload["failures"]
    assert (failure["source"], failure["kind"], failure["action"]) == (source, kind, action)
    assert {e["kind"] for e in payload["entries"]} >= {"alarm"}
