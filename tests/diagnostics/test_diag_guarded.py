"""A diagnostic that cannot run says so, as its own result, and never stops the others: access
denied, an API the endpoint does not implement, a bug, a hang, a failed probe."""

from __future__ import annotations

import asyncio

from aiobotocore.awsrequest import AioAWSResponse
from tests.diagnostics.findings import evidence_text, only

from probes.context import AwsContext, AwsSettings
from probes.deployment import Deployment
from probes.diagnostics import Diagnostic, Finding, Severity, run_diagnostics
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.registry import DIAGNOSTICS, PROBES
from probes.errors import ErrorKind, ProbeError
from probes.result import ProbeResult, utcnow

DENIED = (b'<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type>'
          b"<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/oncall is "
          b"not authorized to perform: cloudfront:GetDistribution on resource: "
          b"arn:aws:cloudfront::123456789012:distribution/X</Message></Error></ErrorResponse>")
HTML_500 = b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"


class _Body:
    def __init__(self, body: bytes):
        self.body = body

    async def read(self) -> bytes:
        return self.body


def answer(status: int, body: bytes, content_type: str):
    """A botocore `before-send` handler: the request never leaves, this is the answer."""

    def handler(request, **_):
        return AioAWSResponse(request.url, status, {"Content-Type": content_type}, _Body(body))

    return handler


async def boom(inputs: DiagnosticInputs) -> list[Finding]:
    raise RuntimeError("a bug in a diagnostic")


async def hang(inputs: DiagnosticInputs) -> list[Finding]:
    await asyncio.sleep(30)
    return []


async def test_denied_unimplemented_and_broken_diagnostics_do_not_stop_the_rest(
        scenario, diagnose):
    async def tamper(connection) -> None:
        cloudfront = await connection.ctx.client("cloudfront")
        cloudfront.meta.events.register("before-send.cloudfront.GetDistribution",
                                        answer(403, DENIED, "text/xml"))
        acm = await connection.ctx.client("acm")
        acm.meta.events.register("before-send.acm.DescribeCertificate",
                                 answer(500, HTML_500, "text/html"))

    extra = (Diagnostic("boom", "A broken diagnostic", ("Insufficient permissions",), boom),)
    report = await diagnose(scenario("p1-degraded"), tamper=tamper,
                            diagnostics=DIAGNOSTICS + extra)
    not_run = {f.diagnostic: f for f in report.findings if f.severity is Severity.UNAVAILABLE}
    assert set(not_run) == {"cloudfront", "dns", "certificates", "boom"}
    assert "access denied: cloudfront:GetDistribution" in evidence_text(not_run["dns"])
    assert "does not implement acm:DescribeCertificate" in evidence_text(
        not_run["certificates"])
    assert "RuntimeError: a bug in a diagnostic" in evidence_text(not_run["boom"])
    permissions = only(report, "permissions.missing")
    assert ("denied", "cloudfront:GetDistribution") in permissions.evidence
    # Everything else still reported, as without the faults.
    assert "performance.response-time-high" in {f.id for f in report.findings}
    assert "manual.dns-propagation" in {f.id for f in report.findings}
    assert report.exit_code == 1


def _results(**overrides: ProbeResult) -> dict[str, ProbeResult]:
    """Every probe "ran" with nothing to say, except the overrides."""
    results: dict[str, ProbeResult] = {
        name: ProbeResult(name, utcnow(), 0.0, data=object()) for name in PROBES}
    results.update(overrides)
    return results


async def test_a_failed_probe_makes_its_diagnostics_could_not_run_with_its_error():
    denied = ProbeError(ErrorKind.ACCESS_DENIED, "not authorized", "grant ecs:DescribeServices",
                        "ecs:DescribeServices")
    ecs_only = tuple(d for d in DIAGNOSTICS if d.id in ("ecs.service", "ecs.tasks"))
    async with AwsContext(AwsSettings(endpoint_url="http://127.0.0.1:9")) as ctx:
        report = await run_diagnostics(
            ctx, Deployment.by_convention("children-drawing-prod", "eu-west-1"),
            results=_results(ecs=ProbeResult("ecs", utcnow(), 0.0, error=denied)),
            diagnostics=ecs_only)
    assert [f.id for f in report.findings] == [
        "permissions.missing", "ecs.service.could-not-run", "ecs.tasks.could-not-run"]
    assert all(o.status == "could not run" and o.error == denied for o in report.outcomes)
    assert report.exit_code == 1


async def test_a_diagnostic_that_hangs_times_out_alone():
    async def quick(inputs: DiagnosticInputs) -> list[Finding]:
        return [Finding("quick.done", Severity.INFO, "done")]

    chosen = (Diagnostic("hang", "Hangs", ("Insufficient permissions",), hang),
              Diagnostic("quick", "Quick", ("Insufficient permissions",), quick))
    async with AwsContext(AwsSettings(endpoint_url="http://127.0.0.1:9")) as ctx:
        report = await run_diagnostics(
            ctx, Deployment.by_convention("children-drawing-prod", "eu-west-1"),
            results=_results(), diagnostics=chosen, timeout_s=0.2)
    assert [(f.id, f.severity) for f in report.findings] == [
        ("hang.could-not-run", Severity.UNAVAILABLE), ("quick.done", Severity.INFO)]
    assert "no answer within 0.2 s" in evidence_text(report.findings[0])
    assert report.findings[1].diagnostic == "quick"


async def test_a_shared_fetch_runs_once_and_its_failure_reaches_every_user():
    calls: list[str] = []

    async def flaky() -> str:
        calls.append("fetch")
        await asyncio.sleep(0.01)
        raise ConnectionError("reset by peer")

    async def user(inputs: DiagnosticInputs) -> list[Finding]:
        await inputs.shared("thing", flaky)
        return []

    users = tuple(Diagnostic(f"user{i}", f"User {i}", ("Insufficient permissions",), user)
                  for i in range(3))
    async with AwsContext(AwsSettings(endpoint_url="http://127.0.0.1:9")) as ctx:
        report = await run_diagnostics(
            ctx, Deployment.by_convention("children-drawing-prod", "eu-west-1"),
            results=_results(), diagnostics=users)
    assert calls == ["fetch"]
    assert {o.status for o in report.outcomes} == {"could not run"}
    assert {o.error.kind for o in report.outcomes} == {ErrorKind.UNREACHABLE}
