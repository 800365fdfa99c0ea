"""The text of an AWS Support case, written from what the console already sees.

A support engineer's first questions are what is down, since when, and what AWS says about
it: the verdict, the failing targets with their reasons, the stopped tasks with their exit
codes and reasons, the alarms in ALARM and the stack's recent failures. All of it comes from
the latest probe snapshots (no new AWS call). Every piece is untrusted text, so it is made
inert (`clean`) and scrubbed of anything credential-shaped before it goes into a file or a case.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from console import clock
from console.incidents.scrub import scrub_text
from console.sanitize import clean
from probes.verdict import Verdict, judge

SEVERITY_CODES = {"P0": "urgent", "P1": "high"}
SEVERITY_MEANING = {"P0": "production system down", "P1": "production system impaired"}
MAX_BODY = 8_000  # CreateCase's limit for communicationBody
TASKS_SHOWN = 8
EVENTS_SHOWN = 5


def _t(moment: datetime | None) -> str:
    if moment is None:
        return "?"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _line(text: object, limit: int = 400) -> str:
    return scrub_text(clean(str(text), limit=limit))


def default_severity(snapshots: dict[str, Any]) -> str:
    return "P0" if verdict_of(snapshots).level.value == "DOWN" else "P1"


def verdict_of(snapshots: dict[str, Any]) -> Verdict:
    return judge(stack=snapshots.get("stack"), service=snapshots.get("ecs"),
                 targets=snapshots.get("targets"), alarms=snapshots.get("alarms"))


def default_subject(stack: str, snapshots: dict[str, Any]) -> str:
    return _line(f"{stack} production on ECS Fargate: {verdict_of(snapshots).headline}", 200)


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", title, *(f"  - {line}" for line in lines)] if lines else []


def evidence_lines(snapshots: dict[str, Any]) -> list[str]:
    """The evidence sections (targets, tasks, alarms, stack, service events)."""
    out: list[str] = []
    targets = snapshots.get("targets")
    if targets is not None:
        bad = [t for t in targets.targets if t.state != "healthy"]
        out += _section(f"Load balancer targets not healthy ({len(bad)} of "
                        f"{len(targets.targets)})",
                        [_line(f"{t.target_id}:{t.port} {t.state} {t.reason}: {t.description}")
                         for t in bad])
    service = snapshots.get("ecs")
    if service is not None:
        out += ["", f"ECS service: running {service.running} of desired {service.desired}, "
                    f"pending {service.pending}, task definition "
                    f"{_line(service.task_definition, 200)}"]
        stopped = [t for t in service.tasks if t.is_stopped][:TASKS_SHOWN]
        out += _section("Stopped tasks (newest first)", [_line(
            f"{t.task_id} stopped {_t(t.stopped_at)}: {t.stopped_reason}"
            + (f"; exit code(s) {', '.join(str(c) for c in t.exit_codes)}" if t.exit_codes else "")
            + "".join(f"; {c.name}: {c.reason}" for c in t.containers if c.reason))
            for t in stopped])
        out += _section("Service events (newest first)", [
            _line(f"{_t(e.created_at)} {e.message}") for e in service.events[:EVENTS_SHOWN]])
    alarms = snapshots.get("alarms")
    if alarms is not None:
        out += _section("Alarms in ALARM", [_line(f"{a.name} since {_t(a.since)}: {a.reason}")
                                            for a in alarms.firing])
    stack = snapshots.get("stack")
    if stack is not None:
        out += ["", f"Stack {_line(stack.name, 200)}: {_line(stack.status, 60)}"]
        causes = stack.root_causes or stack.failures
        out += _section("Recent stack failures", [_line(
            f"{_t(e.timestamp)} {e.logical_id} ({e.resource_type}) {e.status}"
            + (f": {e.reason}" if e.reason else ""), 1000) for e in causes[:EVENTS_SHOWN]])
    return out


def case_text(*, severity: str, subject: str, account: str, region: str, stack: str,
              cluster: str, service: str, who: str, snapshots: dict[str, Any],
              tried: str = "", ask: str = "") -> str:
    """The whole case, as it is saved to the file and sent as communicationBody."""
    verdict = verdict_of(snapshots)
    lines = [
        f"Subject: {_line(subject, 200)}",
        f"Severity: {SEVERITY_CODES[severity]} ({severity}: {SEVERITY_MEANING[severity]})",
        f"Account {_line(account, 20)}, region {_line(region, 30)}, CloudFormation stack "
        f"{_line(stack, 200)}, ECS cluster {_line(cluster, 200)}, service {_line(service, 200)} "
        "(Fargate)",
        f"Prepared {_t(clock.now())} by {_line(who, 300)} with incident-console",
        "",
        f"Impact: {_line(verdict.headline, 300)}",
        *(f"  - {_line(reason, 300)}" for reason in verdict.reasons[1:]),
        *evidence_lines(snapshots),
        "",
        f"What we have tried: {_line(tried, 1500) or '(not stated)'}",
        f"What we need from AWS: {_line(ask, 1500) or '(not stated)'}",
    ]
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_BODY:
        text = text[:MAX_BODY - 60] + "\n… (cut to fit AWS Support's 8,000 characters)\n"
    return text
