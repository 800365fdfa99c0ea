"""Runbooks are data: every shipped file loads, and a broken file names itself and its step
while the others still load."""

from pathlib import Path

from console.runbooks.loader import load_runbooks, shipped_dir

GUIDE_RUNBOOKS = {"p0-service-down", "p1-degraded-performance", "p0-security-breach",
                  "p2-cost-exceeded", "complete-stack-recovery", "database-recovery",
                  "weekly-health-check", "stack-update-rollback"}


def test_every_shipped_runbook_loads():
    runbooks, problems = load_runbooks([shipped_dir()])
    assert problems == []
    assert set(runbooks) == GUIDE_RUNBOOKS
    assert runbooks["p0-service-down"].severity == "P0"
    assert runbooks["weekly-health-check"].severity is None


def _write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text)
    return path


GOOD = """
id = "my-check"
title = "My check"
[[steps]]
id = "targets"
title = "Targets"
kind = "check"
check = "targets-healthy"
"""


def test_a_broken_file_is_reported_with_its_step_and_the_rest_loads(tmp_path):
    _write(tmp_path, "good.toml", GOOD)
    bad = _write(tmp_path, "bad.toml", GOOD.replace('id = "my-check"', 'id = "bad"').replace(
        'check = "targets-healthy"', 'check = "targets-happy"'))
    broken = _write(tmp_path, "broken.toml", "id = [")
    runbooks, problems = load_runbooks([tmp_path])
    assert set(runbooks) == {"my-check"}
    messages = {p.path: p.message for p in problems}
    assert messages[bad].startswith("step 1 (targets): unknown check 'targets-happy'")
    assert "not valid TOML" in messages[broken]


def test_user_runbooks_add_to_and_override_the_shipped_ones(tmp_path):
    _write(tmp_path, "p0.toml", GOOD.replace('"my-check"', '"p0-service-down"'))
    runbooks, _ = load_runbooks([shipped_dir(), tmp_path])
    assert runbooks["p0-service-down"].title == "My check"
    assert runbooks["p0-service-down"].source == tmp_path / "p0.toml"


def test_unknown_keys_kinds_and_forward_references_are_errors(tmp_path):
    _write(tmp_path, "a.toml", GOOD + 'colour = "red"\n')
    _write(tmp_path, "b.toml", GOOD.replace('kind = "check"', 'kind = "pray"'))
    _write(tmp_path, "c.toml", GOOD.replace('check = "targets-healthy"',
                                            'check = "targets-healthy"\nwhen_failed = "later"'))
    _, problems = load_runbooks([tmp_path])
    text = "\n".join(str(p) for p in problems)
    assert "unknown key(s) colour" in text
    assert "kind should be one of check, action, manual, not 'pray'" in text
    assert "when_failed names 'later', which is not an earlier step" in text
