"""The post-incident report: every section, the facts, and nothing injected."""

from __future__ import annotations

import json
import re

from markdown_it import MarkdownIt
from tests.incidents.helpers import ALICE

from console.incidents.export import code_block, md, to_json, to_markdown

HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(1)) \x1b]52;c;ZXZpbA==\x07 ![i](http://e/i.png)"
HOSTILE_NOTE = ("# not a heading\n- nor a list\n1. nor this\n---\n<img src=x onerror=alert(1)>\n"
                "```\nfence\x1b[2J")


def record_incident(recorder) -> str:
    incident = recorder.open("P0", HOSTILE_TITLE, ALICE)
    recorder.record_state_change("targets", "tg/10.0.1.10:8000", "healthy",
                                 "unhealthy (Target.ResponseCodeMismatch)", "codes: [503]")
    recorder.record_check("targets-healthy", False, {"healthy": 0, "reason": "`code` ```"}, ALICE)
    recorder.record_action("force-new-deployment", "Force a new deployment", ALICE,
                           params={"cluster": "c", "service": "s", "forceNewDeployment": True},
                           calls=[{"service": "ecs", "operation": "UpdateService"}],
                           result="deployment ecs-svc/2 started",
                           request_ids=["8f2c1a4e-req", "9a0b-req"])
    recorder.record_action("set-desired-count", "Set the desired count", ALICE,
                           params={"desired count": "2 -> 4"}, calls=[], result="failed",
                           request_ids=[], error="AccessDenied: not authorized <b>x</b>")
    recorder.note(HOSTILE_NOTE, ALICE)
    recorder.close("Bad deploy | rolled back", ALICE)
    return incident.id


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_the_report_has_every_section_and_the_facts(recorder):
    report = to_markdown(recorder.load(record_incident(recorder)))
    for heading in ("## Summary", "## Timeline", "## Actions", "## Checks and evidence",
                    "## Notes"):
        assert f"\n{heading}\n" in report
    html = render(report)
    assert "<table>" in html
    assert "2026-11-28 03:14:00.000Z" in report  # UTC times, to the millisecond
    assert "| Duration | 3m 00s |" in report
    assert '"forceNewDeployment": true' in report
    assert "Request ids: 8f2c1a4e-req, 9a0b-req" in report
    assert "AccessDenied" in report and "Error:" in report
    assert "| People | assumed-role/OnCall/alice |" in report
    assert report.count("| state-change | probes |") == 1
    assert "unhealthy \\(Target.ResponseCodeMismatch\\)" in report
    timeline = report.split("## Timeline")[1].split("## Actions")[0]
    assert len(re.findall(r"^\| 2026", timeline, re.M)) == 7  # every entry


def test_hostile_text_stays_text(recorder):
    report = to_markdown(recorder.load(record_incident(recorder)))
    assert "\x1b" not in report and "\x07" not in report
    assert "␛" in report  # control characters shown, not sent
    html = render(report)
    for injected in ("<script", "<img", "<a ", "href=", "<b>", "<h1>not", "<li>nor", "<hr"):
        assert injected not in html, injected
    assert "&lt;script&gt;" in html  # shown literally
    assert html.count("<h1>") == 1  # only the report's own title


def test_code_blocks_cannot_be_closed_from_inside():
    block = code_block({"text": "``` ```` `````"})
    fence = block.split("json")[0]
    assert len(fence) == 6 and block.endswith(fence)
    assert "<pre><code" in render(block) and render(block).count("<pre>") == 1


def test_md_escapes_links_autolinks_and_html():
    html = render(md("see https://evil.example and www.evil.example or a@b.example <x>"))
    assert "<a" not in html and "<x>" not in html


def test_an_open_incident_and_unreadable_lines_are_said(recorder):
    incident = recorder.open("P1", "slow", ALICE)
    with open(incident.path, "ab") as file:
        file.write(b'{"t": "2026')
    report = to_markdown(recorder.load(incident.id))
    assert "**still open**" in report
    assert "## Unreadable timeline lines" in report and "line 2: truncated" in report


def test_json_export_holds_every_entry_and_problem(recorder):
    loaded = recorder.load(record_incident(recorder))
    document = json.loads(to_json(loaded))
    assert document["incident"]["severity"] == "P0"
    assert document["incident"]["closed_at"] == "2026-11-28T03:17:00.000Z"
    assert [e["kind"] for e in document["entries"]][:3] == ["opened", "state-change", "check"]
    assert document["entries"][3]["request_ids"] == ["8f2c1a4e-req", "9a0b-req"]
    assert document["problems"] == []
