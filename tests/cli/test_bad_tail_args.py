"""`tail` refuses arguments that cannot work, before any AWS call: one line, exit 2 (issue 9:
an invalid /regex/ printed nothing and exited 0, or with --follow ran silently forever;
`--since 99999999d` printed `Parameter validation failed:` with no detail)."""

import pytest
from tests.cli.test_bad_input import run_cli

# No AWS settings at all: reaching AWS would end in "no AWS credentials found" instead.
NO_AWS = ("--log-group", "/ecs/anything", "--region", "eu-west-1")


@pytest.mark.parametrize("extra", [(), ("--follow",)])
def test_an_invalid_grep_regex_is_refused(tmp_path, extra):
    done = run_cli("tail", "--grep", "/[/", *extra, *NO_AWS,
                   env={"INCIDENT_CONSOLE_LOG_DIR": str(tmp_path)}, timeout=30)
    assert done.returncode == 2
    assert done.stderr == ("incident-console: --grep /[/: not a valid regular expression: "
                           "unterminated character set at position 0 (/.../ is a regular "
                           "expression; without the slashes the text is matched as it is)\n")


def test_a_since_before_1970_is_refused_with_what_to_give(tmp_path):
    done = run_cli("tail", "--since", "99999999d", *NO_AWS,
                   env={"INCIDENT_CONSOLE_LOG_DIR": str(tmp_path)})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "incident-console: --since 99999999d is before 1970-01-01, where CloudWatch Logs "
        "begins: give a later time, e.g. 30d or 2026-11-01T00:00:00Z"]


@pytest.mark.parametrize("interval", ["nan", "inf", "0.01"])
def test_an_interval_that_would_spend_the_quota_or_never_poll_is_refused(tmp_path, interval):
    done = run_cli("tail", "--follow", "--interval", interval, *NO_AWS,
                   env={"INCIDENT_CONSOLE_LOG_DIR": str(tmp_path)}, timeout=30)
    assert done.returncode == 2
    assert done.stderr == ("incident-console: --interval must be between 0.2 and 3600 "
                           "seconds (API quotas are shared)\n")
