"""`incident-console check [--json]`: every troubleshooting-guide diagnostic, once.

A drop-in replacement for the guide's weekly health-check script in cron: exit 0 when nothing
is above info, 1 for warnings (or a diagnostic that could not run: an incomplete check is not
an all-clear), 2 for critical findings; and 2 when the environment is unusable, as for every
command. Every string from AWS is sanitised before it reaches stdout; the table reads at 80
columns.
"""

from __future__ import annotations

import argparse
import shutil
import textwrap
from typing import Any

HELP = "run every diagnostic once; exit 0 (ok), 1 (warnings) or 2 (critical)"
DESCRIPTION = (
    "Run every diagnostic of the troubleshooting guide once (credentials, stack, ECS tasks, "
    "targets and security groups, certificates, performance, backups, CloudFront and DNS, "
    "monitoring, logs, costs and budgets, the task role's access, recovery readiness) and "
    "print the findings with their evidence and fix. Exit 0 when nothing is above info, 1 "
    "for warnings or a diagnostic that could not run, 2 for critical findings or an unusable "
    "environment."
)
LABELS = {"critical": "CRITICAL", "warning": "WARNING", "could not run": "NOT RUN",
          "info": "INFO", "manual": "MANUAL"}
INDENT = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="one JSON object: findings (id, severity, title, evidence, cause, "
                        "fix, refs) and how each diagnostic went")
    parser.add_argument("--no-manual", dest="manual", action="store_false",
                        help="leave out the manual steps the APIs cannot take")
    parser.add_argument("--skip", action="append", default=[], metavar="ID",
                        help="skip a diagnostic by id, repeatable (e.g. --skip costs)")
    parser.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                        help="give up on one diagnostic after this long (default 20)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from console.cli import flags_from
    from console.config import resolve
    from console.errors import UsageError
    from probes.diagnostics.registry import BY_ID, DIAGNOSTICS

    unknown = [s for s in args.skip if s not in BY_ID]
    if unknown:
        raise UsageError(f"unknown diagnostic {unknown[0]!r}; diagnostics: "
                         f"{', '.join(BY_ID)}")
    if args.timeout <= 0:
        raise UsageError("--timeout must be above 0")
    chosen = tuple(d for d in DIAGNOSTICS if d.id not in args.skip)
    env = resolve(flags_from(args))
    return asyncio.run(check_and_print(env, chosen, as_json=args.json, manual=args.manual,
                                       timeout_s=args.timeout))


async def check_and_print(env, diagnostics, *, as_json: bool, manual: bool = True,
                          timeout_s: float = 20.0, out=None) -> int:
    """Connect, run, print; returns the exit code. `out` defaults to stdout."""
    import sys

    from console.config import cache_dir
    from probes.diagnostics import run_diagnostics
    from probes.suite import connect

    connection = await connect(env.aws, env.stack, env.overrides)
    try:
        report = await run_diagnostics(connection.ctx, connection.deployment,
                                       connection.identity, diagnostics=diagnostics,
                                       cost_cache_dir=cache_dir(), timeout_s=timeout_s)
    finally:
        await connection.close()
    out = out or sys.stdout
    if as_json:
        import json

        json.dump(report_json(env, connection, report, manual=manual), out, indent=2,
                  ensure_ascii=True)
        out.write("\n")
    else:
        width = max(60, min(shutil.get_terminal_size((80, 24)).columns, 120))
        out.write(render_report(env, connection, report, manual=manual, width=width))
    return exit_code(report, connection.deployment)


def exit_code(report, deployment) -> int:
    """The report's code; a discovery step that failed makes the check incomplete (1 at
    least): the diagnostics may have looked at the guide's names instead of the stack's."""
    return max(report.exit_code, 1) if deployment.problems else report.exit_code


def report_json(env, connection, report, *, manual: bool = True) -> dict[str, Any]:
    """The JSON document: raw values (JSON escapes every control character)."""
    from probes.diagnostics.model import Severity

    findings = [f for f in report.findings if manual or f.severity is not Severity.MANUAL]
    return {
        "environment": env.name,
        "stack": connection.deployment.stack,
        "region": env.aws.region,
        "endpoint_url": env.aws.endpoint_url,
        "identity": connection.identity.arn,
        "started_at": report.started_at.isoformat(),
        "elapsed_s": round(report.elapsed_s, 3),
        "exit_code": exit_code(report, connection.deployment),
        "discovery_problems": [p.to_dict() for p in connection.deployment.problems],
        "summary": {s.value: report.count(s) for s in Severity},
        "findings": [f.to_dict() for f in findings],
        "diagnostics": [o.to_dict() for o in report.outcomes],
    }


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=True, break_on_hyphens=False) or [first.rstrip()]


def render_finding(finding, width: int = 80) -> list[str]:
    """One finding as indented lines: title, evidence, cause, fix, where to go next."""
    from console.sanitize import clean

    pad = " " * INDENT
    label = LABELS.get(finding.severity.value, finding.severity.value.upper())
    lines = _wrap(clean(finding.title, limit=300), width, f"{label:<{INDENT}}", pad)
    lines += _wrap(f"id {clean(finding.key, limit=200)}", width, pad, pad + "  ")
    for name, value in finding.evidence:
        lines += _wrap(f"{clean(name, limit=80)}: {clean(value, limit=400)}", width,
                       pad + "· ", pad + "  ")
    for name, value in (("cause", finding.cause), ("fix", finding.fix)):
        if value:
            lines += _wrap(f"{name}: {clean(value, limit=600)}", width, pad, pad + "  ")
    nexts = [f"action {a}" for a in finding.actions] + [f"runbook {r}" for r in
                                                          finding.runbooks]
    if nexts:
        lines += _wrap("next: " + ", ".join(nexts), width, pad, pad + "  ")
    return lines


def render_report(env, connection, report, *, manual: bool = True, width: int = 80) -> str:
    from console.sanitize import clean
    from probes.diagnostics.model import Severity
    from probes.diagnostics.runner import PASSED

    d = connection.deployment
    counts = ", ".join(f"{report.count(s)} {s.value}" for s in
                       (Severity.CRITICAL, Severity.WARNING, Severity.UNAVAILABLE, Severity.INFO))
    lines = _wrap(f"incident-console check: {clean(d.stack)} in {clean(env.aws.region)} as "
                  f"{clean(connection.identity.short or 'an unknown identity')}"
                  + (f" at {clean(env.aws.endpoint_url)}" if env.aws.endpoint_url else ""),
                  width, "", "  ")
    lines += _wrap(f"{len(report.outcomes)} diagnostics in {report.elapsed_s:.1f} s: {counts}",
                   width, "", "  ")
    for finding in report.findings:
        if finding.severity is Severity.MANUAL:
            continue
        lines.append("")
        lines += render_finding(finding, width)
    manual_steps = [f for f in report.findings if f.severity is Severity.MANUAL]
    if manual and manual_steps:
        lines += ["", "Manual checks (the APIs cannot show these; --no-manual hides them):"]
        for step in manual_steps:
            lines += _wrap(f"{clean(step.title)}: {clean(step.fix, limit=400)}", width,
                           "  - ", "    ")
    passed = [o.diagnostic for o in report.outcomes if o.status == PASSED]
    if passed:
        lines.append("")
        lines += _wrap("Passed: " + ", ".join(passed), width, "", "  ")
    from console.commands.status import render_problems

    problems = render_problems(d).rstrip("\n")
    if problems:
        lines += ["", *problems.splitlines()]
    code = exit_code(report, d)
    verdict = {0: "nothing above info", 1: "warnings" if report.exit_code else
               "discovery incomplete", 2: "critical findings"}[code]
    lines += ["", f"exit {code}: {verdict}"]
    return "\n".join(lines) + "\n"
