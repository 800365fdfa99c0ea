"""The cost cache seen from `status`: a Budgets denial is cached with the costs (issue 12
point 5: every status/check paid $0.01 again), and a cache directory that cannot be used is
said, with its path (issue 9: it read "cannot reach http://…")."""

import json
import os

import pytest
from moto.budgets.models import BudgetsBackend
from moto.core.exceptions import JsonRESTError
from tests.actions.test_read_only_proof import _moto, operation
from tests.cli.test_bad_input import run_cli

DENIED = ("User: arn:aws:iam::123456789012:user/moto is not authorized to perform: "
          "budgets:ViewBudget on resource: arn:aws:budgets::123456789012:budget/*")


class AccessDenied(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__("AccessDeniedException", DENIED)


@pytest.fixture
def demo_env(scenario, tmp_path):
    demo = scenario("healthy")
    return demo, {**demo.env(), "INCIDENT_CONSOLE_CONFIG": str(tmp_path / "none.toml"),
                  "INCIDENT_CONSOLE_LOG_DIR": str(tmp_path / "log"),
                  "INCIDENT_CONSOLE_CACHE_DIR": str(tmp_path / "cache"),
                  "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
                  "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials")}


def cost_requests(endpoint: str, run) -> tuple[list[str], object]:
    """The Cost Explorer and Budgets requests moto received while `run()` ran."""
    _moto(endpoint, "reset-recording")
    _moto(endpoint, "start-recording")
    try:
        result = run()
    finally:
        recording = _moto(endpoint, "download-recording").decode()
        _moto(endpoint, "stop-recording")
    names = [operation(json.loads(line))[1] for line in recording.splitlines() if line.strip()]
    return [n for n in names if n in ("GetCostAndUsage", "DescribeBudgets")], result


def test_a_budgets_denial_is_cached_with_the_costs(demo_env, monkeypatch):
    demo, env = demo_env

    def deny(self, account_id):
        raise AccessDenied()

    monkeypatch.setattr(BudgetsBackend, "describe_budgets", deny)
    first_calls, first = cost_requests(demo.endpoint_url, lambda: run_cli("status", env=env))
    assert first.returncode == 0, first.stderr
    # Asked together (one round), so in either order.
    assert sorted(first_calls) == ["DescribeBudgets", "GetCostAndUsage"]
    assert "(part failed: access denied: budgets:ViewBudget)" in first.stdout
    second_calls, second = cost_requests(demo.endpoint_url, lambda: run_cli("status", env=env))
    assert second_calls == []  # nothing billed again
    assert "month to date (as of" in second.stdout and ", cached)" in second.stdout
    assert "(part failed: access denied: budgets:ViewBudget)" in second.stdout


def test_a_cache_directory_that_cannot_be_used_is_named(demo_env, tmp_path):
    _, env = demo_env
    not_a_directory = tmp_path / "cache-is-a-file"
    not_a_directory.write_text("")
    done = run_cli("status", env={**env, "INCIDENT_CONSOLE_CACHE_DIR": str(not_a_directory)})
    assert done.returncode == 0, done.stderr
    costs = done.stdout[done.stdout.index("month to date"):]
    assert "month to date (as of" in costs  # the costs are still shown
    squeezed = "".join(costs.split())  # status wraps at 80 columns, long paths included
    assert "".join(f"(part failed: error: cannot read the cost cache {not_a_directory}{os.sep}"
                   "costs-".split()) in squeezed
    assert ".json:Notadirectory)" in squeezed
    assert "cannot reach" not in done.stdout
