"""`incident-console incident list | show | export`: output and exit codes."""

from __future__ import annotations

import json

import pytest
from tests.incidents.helpers import ALICE

from console.cli import main


def opened_and_closed(make_recorder) -> tuple[str, str]:
    recorder = make_recorder()
    closed = recorder.open("P0", "ALB 503s", ALICE)
    recorder.record_action("force-new-deployment", "Force a new deployment", ALICE,
                           params={"forceNewDeployment": True}, calls=[], result="started",
                           request_ids=["req-42"])
    recorder.close("rolled back", ALICE)
    still_open = make_recorder("staging").open("P2", "budget \x1b[31mred", ALICE)
    return closed.id, still_open.id


def test_list_shows_every_incident_newest_first(make_recorder, capsys):
    closed, still_open = opened_and_closed(make_recorder)
    assert main(["incident", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["ID", "SEV", "STATE"]
    assert lines[1].startswith(still_open) and "OPEN" in lines[1] and "P2" in lines[1]
    assert lines[2].startswith(closed) and "closed 1m" in lines[2]
    assert lines[2].split()[-3:] == ["prod", "ALB", "503s"]  # env, title
    assert "\x1b" not in lines[1] and "␛[31m" in lines[1]


def test_list_json_and_an_empty_directory(make_recorder, capsys, data_dir):
    assert main(["incident", "list"]) == 0
    assert capsys.readouterr().out.startswith("no incidents in ")
    opened_and_closed(make_recorder)
    assert main(["incident", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["severity"], r["entries"], r["closed_at"] is None) for r in rows] == [
        ("P2", 1, True), ("P0", 3, False)]


def test_export_markdown_to_stdout_and_to_a_file(make_recorder, capsys, tmp_path):
    closed, _ = opened_and_closed(make_recorder)
    assert main(["incident", "export", closed, "--format", "md"]) == 0
    report = capsys.readouterr().out
    assert report.startswith("# P0 incident: ALB 503s") and "req-42" in report
    target = tmp_path / "report.md"
    assert main(["incident", "export", closed[:18], "--output", str(target)]) == 0  # a prefix
    assert target.read_text().split("_Generated")[0] == report.split("_Generated")[0]
    assert main(["incident", "export", closed, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"][1]["request_ids"] == ["req-42"]


def test_show_prints_one_line_per_entry(make_recorder, capsys):
    closed, _ = opened_and_closed(make_recorder)
    assert main(["incident", "show", closed]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4 and "action" in out[2] and "[request req-42]" in out[2]


def test_an_unknown_id_is_one_line_and_exit_2(make_recorder, capsys):
    opened_and_closed(make_recorder)
    for bad in ("nope", "../../etc/passwd", "2026"):  # "2026" matches two: ambiguous
        assert main(["incident", "export", bad]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1, err
        assert "incident-console:" in err and ("no incident" in err or "matches 2" in err)


@pytest.mark.parametrize("argv", [["incident", "export", "x", "--format", "pdf"], ["incident"]])
def test_a_bad_format_or_missing_subcommand_is_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "run `incident-console incident" in capsys.readouterr().err


def test_an_unwritable_output_is_one_line_and_exit_2(make_recorder, capsys, tmp_path):
    closed, _ = opened_and_closed(make_recorder)
    assert main(["incident", "export", closed, "-o", str(tmp_path / "no" / "dir" / "r.md")]) == 2
    assert "cannot write" in capsys.readouterr().err
