"""screenshots/ is made by screenshots/make_screenshots.py from the demo: every scenario's
dashboard is there, shows that scenario's verdict, and every image the README shows exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
VERDICTS = {"healthy": "OK", "p0-outage": "DOWN", "p1-degraded": "DEGRADED",
            "stack-rollback": "DEGRADED", "cost-overrun": "ATTENTION",
            "backup-failure": "ATTENTION", "rolling-deploy": "OK", "fail-open": "DEGRADED"}


def svg_text(path: Path) -> str:
    return re.sub(r"<[^>]+>", "", path.read_text()).replace("&#160;", " ")


@pytest.mark.parametrize("scenario", VERDICTS)
def test_each_scenario_has_a_screenshot_with_its_verdict(scenario):
    text = svg_text(ROOT / "screenshots" / f"dashboard-{scenario}-120x40.svg")
    assert f"demo:{scenario}" in text
    assert f" {VERDICTS[scenario]} " in text


def test_p0_outage_is_shown_from_down_to_ok_through_its_runbook():
    runbook = svg_text(ROOT / "screenshots" / "runbook-p0-outage-start.svg")
    assert "P0 Service Down" in runbook and "scale-task-size" in runbook
    recovered = svg_text(ROOT / "screenshots" / "dashboard-p0-outage-recovered-120x40.svg")
    assert "demo:p0-outage" in recovered and " OK " in recovered and " DOWN " not in recovered


def test_every_image_in_the_readme_exists():
    images = re.findall(r"\]\((screenshots/[^)]+\.svg)\)", (ROOT / "README.md").read_text())
    assert images
    for image in images:
        assert (ROOT / image).is_file(), image
