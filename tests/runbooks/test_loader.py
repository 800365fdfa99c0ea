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
    assert "'kind' should be one of check, action, manual, not 'pray'" in text
    assert "when_failed names 'later', which is not an earlier step" in text


def test_wrong_types_and_deep_nesting_are_reported_and_never_raise(tmp_path):
    """Issue 9: `check = ["stack-stable"]` ended the dashboard with `unexpected error:
    TypeError: unhashable type: 'list'`; every mistake is now one problem naming the file,
    the step, the key and what is expected, and the good runbook still loads."""
    _write(tmp_path, "good.toml", GOOD)
    cases = {
        "check-list.toml": (GOOD.replace('"my-check"', '"a"').replace(
            'check = "targets-healthy"', 'check = ["stack-stable"]'),
            "step 1 (targets): 'check' should be a string: the name of a check, "
            "not ['stack-stable']"),
        "when-failed-list.toml": (GOOD.replace('"my-check"', '"b"') + """
[[steps]]
id = "fix"
title = "Fix"
kind = "manual"
when_failed = ["targets"]
""", "step 2 (fix): 'when_failed' should be a string: the id of an earlier step, "
     "not ['targets']"),
        "optional-text.toml": (GOOD.replace('"my-check"', '"c"') + 'optional = "yes"\n',
                               "step 1 (targets): 'optional' should be true or false, "
                               "not 'yes'"),
        "id-table.toml": (GOOD.replace('id = "targets"', 'id = {a = 1}'),
                          "step 1: 'id' should be a string, not {'a': 1}"),
        "severity-list.toml": ('severity = ["P0"]\n' + GOOD, "'severity' should be one of "
                               "P0, P1, P2, not ['P0']"),
        "deep.toml": ('id = "d"\ntitle = "D"\nx = ' + "[" * 5000 + "]" * 5000 + "\n",
                      "arrays or inline tables nested too deeply: not a runbook file"),
        "dotted.toml": ("[steps" + ".a" * 5000 + "]\n", "keys nested 5001 levels deep"),
        "missing-check.toml": (GOOD.replace('check = "targets-healthy"', ''),
                               "step 1 (targets): missing 'check' (a string: the name of a "
                               "check)"),
        "huge.toml": ("# " + "x" * (1024 * 1024) + "\n", "larger than 1 MB: not a runbook "
                      "file"),
    }
    paths = {_write(tmp_path, name, text): message for name, (text, message) in cases.items()}
    runbooks, problems = load_runbooks([tmp_path])
    assert set(runbooks) == {"my-check"}
    reported = {p.path: p.message for p in problems}
    assert set(reported) == set(paths)
    for path, message in paths.items():
        assert reported[path].startswith(message), (path.name, reported[path])


async def test_the_console_starts_and_lists_a_malformed_user_runbook_as_not_loaded(
        scenario, open_app, until, read_screen):
    from console.runbooks.loader import user_dir
    from console.screens.runbook_picker import RunbookPickerScreen

    _write(user_dir(), "mine.toml", GOOD.replace('check = "targets-healthy"',
                                                 'check = ["stack-stable"]'))
    async with open_app(scenario("healthy"), size=(160, 50)) as (app, pilot):
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, RunbookPickerScreen))
        await pilot.pause(0.1)
        screen = read_screen(app)
    not_loaded = box_text(screen, "Not loaded:")
    assert ("runbooks/mine.toml: step 1 (targets): 'check' should be a string: the name of a "
            "check, not ['stack-stable']") in not_loaded
    assert "Weekly Health Check" in screen  # the shipped runbooks still load


def box_text(screen: str, marker: str) -> str:
    """The text of a dialog from `marker` to its bottom border, wrapped lines joined (the
    dashboard shows on both sides of the dialog)."""
    lines = screen.splitlines()
    first = next(i for i, line in enumerate(lines) if marker in line)
    column = lines[first].index(marker)
    parts = []
    for line in lines[first:]:
        part = line[column:].split("│")[0]
        if not part.strip() or part.lstrip().startswith("─"):
            break
        parts.append(part)
    return " ".join(" ".join(parts).split())
