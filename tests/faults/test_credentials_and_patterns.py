"""Issue 14 point 9 against the emulator: a rejected filter pattern is named and not retried,
and an MFA assume-role profile asks for its code before the full screen, never inside it."""

from __future__ import annotations

import asyncio

from probes import context as context_module
from probes.context import AwsSettings
from probes.errors import ErrorKind
from probes.identity import IdentityProbe
from probes.logs import LogsProbe
from probes.suite import connect


def test_an_invalid_filter_pattern_is_fatal_and_names_the_pattern(faulty):
    _demo, proxy, settings = faulty
    pattern = '{ $.level = "ERROR" '
    proxy.answer("logs:FilterLogEvents", "InvalidParameterException",
                 "Invalid filter pattern")

    async def main():
        connection = await connect(settings, "children-drawing-prod")
        try:
            probe = LogsProbe(connection.ctx, connection.deployment.log_groups,
                              filter_pattern=pattern)
            return await probe.run()
        finally:
            await connection.close()

    error = asyncio.run(main()).error
    assert error is not None and error.action == "logs:FilterLogEvents"
    assert error.message == f"invalid filter pattern {pattern!r}: Invalid filter pattern"
    assert not error.retryable  # the scheduler waits for the operator instead of retrying


def write_mfa_profile(tmp_path, monkeypatch, endpoint_url: str) -> None:
    config = tmp_path / "aws-config"
    config.write_text("[profile oncall-mfa]\nrole_arn = arn:aws:iam::123456789012:role/OnCall\n"
                      "source_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
                      "region = eu-west-1\n")
    credentials = tmp_path / "aws-credentials"
    credentials.write_text("[base]\naws_access_key_id = AKIDBASE\n"
                           "aws_secret_access_key = base-secret\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)  # STS's AssumeRole too
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


def test_an_mfa_profile_asks_once_before_the_screen_and_never_inside_it(
        scenario, tmp_path, monkeypatch):
    demo = scenario("healthy")
    write_mfa_profile(tmp_path, monkeypatch, demo.endpoint_url)
    prompts: list[str] = []

    def prompter(text: str) -> str:
        prompts.append(text)
        return "123456"

    monkeypatch.setattr(context_module.getpass, "getpass", prompter)
    settings = AwsSettings(region="eu-west-1", profile="oncall-mfa",
                           endpoint_url=demo.endpoint_url, max_attempts=1)

    async def main():
        connection = await connect(settings, "children-drawing-prod")
        try:
            asked_before_screen = list(prompts)
            assert connection.identity.arn  # the assumed role answered
            connection.ctx.interactive = False  # what `dashboard` does before the app runs
            await connection.ctx.renew()  # `r` after a credentials error
            result = await IdentityProbe(connection.ctx).run()
            return asked_before_screen, result
        finally:
            await connection.close()

    asked_before_screen, result = asyncio.run(main())
    assert len(asked_before_screen) == 1 and "MFA" in asked_before_screen[0]
    assert len(prompts) == 1  # nothing was typed inside the screen
    assert result.error is not None and result.error.kind is ErrorKind.CREDENTIALS
    assert result.error.message == "the MFA session has expired"
    assert "new MFA code" in result.error.fix and not result.error.refreshable
