"""`status` as plain text: one section per probe, a failed probe says why and how to fix it.

Every line fits 80 columns: a longer one wraps, its continuation indented under its section
(nothing is cut: a reason is read whole). Task ids are the one short form (probes.task_ids);
a time AWS did not report is said in words, never as ``?``.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from typing import Any

from console.sanitize import clean
from console.timeparse import ago
from probes.result import ProbeResult
from probes.task_ids import short_task_id
from probes.verdict import Verdict

_WIDTH = 100
WIDTH = 80  # the text output's width


def _c(text: Any, limit: int = 160) -> str:
    return clean(str(text), limit=limit)


def _stamp(moment: datetime) -> str:
    """``05:56:27`` today (UTC), ``2026-11-19 07:38:01`` another day: a time without its date
    is read as today's."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    today = datetime.now(UTC).date()
    return f"{moment:%H:%M:%S}" if moment.date() == today else f"{moment:%Y-%m-%d %H:%M:%S}"


def _since(moment: datetime, verb: str) -> str:
    """``started 3m ago``."""
    return f"{verb} {ago((datetime.now(UTC) - moment).total_seconds())} ago"


def _when(moment: datetime | None, verb: str, unknown: str) -> str:
    """``started 3m ago``, or `unknown` (``not started yet``) when AWS gave no time."""
    return unknown if moment is None else _since(moment, verb)


def fit(text: str, width: int = WIDTH) -> str:
    """Wrap every line to `width`; a continuation is indented two more than its line."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
        out += textwrap.wrap(line, width=width, subsequent_indent=indent,
                             break_long_words=True, break_on_hyphens=False,
                             drop_whitespace=True) or [""]
    return "\n".join(out)


def render_status(env, connection, results: dict[str, ProbeResult[Any]],
                  verdict: Verdict) -> str:
    d = connection.deployment
    ident = connection.identity
    lines = [
        f"{_c(d.stack)}  env {_c(env.name)}  region {_c(env.aws.region)}  "
        f"account {_c(ident.account)}  as {_c(ident.arn)}",
        f"VERDICT  {_c(verdict.headline, 200)}",
    ]
    for extra in verdict.reasons[1:]:
        lines.append(f"         - {_c(extra)}")
    sections = (("Stack", "stack", _stack), ("ECS", "ecs", _ecs), ("Targets", "targets", _targets),
                ("Logs", "logs", _logs), ("Alarms", "alarms", _alarms), ("Costs", "costs", _costs))
    for title, name, render in sections:
        result = results.get(name)
        lines.append("")
        if result is None:
            lines.append(f"{title:<8} not collected")
        elif result.error is not None:
            e = result.error
            lines.append(f"{title:<8} FAILED  {_c(e.summary())}")
            lines.append(f"         {_c(e.message, 300)}")
            lines.append(f"         fix: {_c(e.fix, 300)}")
        else:
            body = render(result.data)
            lines.append(f"{title:<8} {body[0]}")
            lines.extend(f"         {line}" for line in body[1:])
    return fit("\n".join(lines)) + "\n"


def _stack(s) -> list[str]:
    out = [f"{_c(s.status)}  {_when(s.last_updated, 'updated', 'never updated')}"
           + (f"  reason: {_c(s.status_reason)}" if s.status_reason else "")]
    for e in s.failures[:5]:
        out.append(f"! {_c(e.status)} {_c(e.logical_id)} ({_c(e.resource_type)}): "
                   f"{_c(e.reason, 200)}")
    for e in s.events[:3]:
        out.append(f"  {_stamp(e.timestamp)} {_c(e.logical_id)} {_c(e.status)}")
    return out


def _ecs(s) -> list[str]:
    out = [f"{_c(s.service)}: running {s.running} / desired {s.desired} / pending {s.pending}"]
    for dep in s.deployments:
        out.append(f"deployment {_c(dep.status)} {_c(dep.revision)} rollout "
                   f"{_c(dep.rollout_state or '-')} running {dep.running}/{dep.desired}"
                   + (f" failed tasks {dep.failed_tasks}" if dep.failed_tasks else ""))
    for t in s.running_tasks[:6]:
        out.append(f"task {_c(short_task_id(t.task_id))} {_c(t.last_status)} {_c(t.health)} "
                   f"{_c(t.revision)} {_when(t.started_at, 'started', 'not started yet')}")
    for t in s.failed_tasks[:4]:
        codes = ",".join(str(c) for c in t.exit_codes) or "-"
        out.append(f"stopped {_c(short_task_id(t.task_id))} exit {codes} {_c(t.stop_code)}: "
                   f"{_c(t.stopped_reason, 200)}")
    for ev in s.events[:3]:
        out.append(f"event {_when(ev.created_at, '', '(time not reported)').strip()}: "
                   f"{_c(ev.message, 200)}")
    return out


def _targets(s) -> list[str]:
    out = [f"{s.healthy_count}/{len(s.targets)} healthy  load balancer {_c(s.dns_name)}"
           + (f" ({_c(s.load_balancers[0].state)})" if s.load_balancers else "")]
    for g in s.groups:
        for t in g.targets:
            detail = f" {_c(t.reason)}: {_c(t.description, 200)}" if t.reason else ""
            out.append(f"{_c(g.name)} {_c(t.target_id)}:{t.port} {_c(t.state)}{detail}")
    return out


def _logs(batch) -> list[str]:
    from console.severity import Severity, severity_of

    events = batch.events
    errors = sum(1 for e in events if severity_of(e.message) >= Severity.ERROR)
    out = [f"{len(events)} lines from {', '.join(_c(g) for g in batch.groups)}, {errors} errors"]
    for e in events[-5:]:
        moment = datetime.fromtimestamp(e.timestamp / 1000, UTC)
        out.append(f"{_stamp(moment)} {_c(e.message, _WIDTH)}")
    return out


def _alarms(s) -> list[str]:
    firing = s.firing
    out = [f"{len(firing)} in ALARM of {len(s.alarms)}"]
    for a in s.alarms[:8]:
        since = f" since {_since(a.since, '').strip()}" if a.since else ""
        out.append(f"{_c(a.state):<17} {_c(a.name)}{since}"
                   + (f": {_c(a.reason, 160)}" if a.firing else ""))
    return out


def _costs(s) -> list[str]:
    out = [f"{s.total:,.2f} {_c(s.currency)} month to date "
           f"(as of {s.as_of:%Y-%m-%d %H:%M} UTC{', cached' if s.from_cache else ''})"]
    top = ", ".join(f"{_c(x.service)} {x.amount:,.2f}" for x in s.top(4))
    if top:
        out.append(f"top: {top}")
    for b in s.budgets:
        forecast = f", forecast {b.forecast:,.2f}" if b.forecast is not None else ""
        out.append(f"budget {_c(b.name)}: {b.actual:,.2f} of {b.limit:,.2f} {_c(b.unit)} "
                   f"({b.used_fraction:.0%}){forecast}" + ("  EXCEEDED" if b.exceeded else ""))
    for e in s.errors:
        out.append(f"(part failed: {_c(e.summary(), limit=400)})")  # a path, then why
    return out
