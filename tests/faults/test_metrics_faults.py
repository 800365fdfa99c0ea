"""Faults of the metrics probe as the user meets them: a denied GetMetricData in
`status --json` (AWS's words, no series invented) and on the Metrics & Changes screen (the
denied action, not an empty chart)."""

from __future__ import annotations

import json

from tests.cli.test_status_metrics import run_status


def test_a_denied_get_metric_data_is_said_and_no_series_invented(faulty, tmp_path, monkeypatch,
                                                                 capsys):
    demo, proxy, _ = faulty
    proxy.fail("cloudwatch:GetMetricData", "denied")
    code, out, err = run_status(demo, tmp_path, monkeypatch, capsys, endpoint=proxy.url)
    metrics = json.loads(out)["metrics"]
    assert metrics["signals"] == {}
    assert (metrics["error"]["kind"], metrics["error"]["action"]) == (
        "access denied", "cloudwatch:GetMetricData")
    assert "not authorized to perform: cloudwatch:GetMetricData" in metrics["error"]["message"]
    assert code == 1  # an incomplete look is not an all-clear
    assert "Traceback" not in out + err




class Through:
    """The scenario as seen through the fault proxy."""

    def __init__(self, settings) -> None:
        self.endpoint_url = settings.endpoint_url
        self._settings = settings

    def settings(self):
        return self._settings


async def test_a_denied_get_metric_data_shows_the_action_not_an_empty_chart(
        faulty, open_app, until, read_screen):
    from dataclasses import replace

    from console.screens.metrics import MetricsScreen

    _, proxy, settings = faulty
    proxy.fail("cloudwatch:GetMetricData", "denied")
    through = Through(replace(settings, read_timeout=10.0))
    async with open_app(through, size=(80, 24)) as (app, pilot):
        await until(pilot, lambda: app.metrics_view.result is not None)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MetricsScreen))
        await pilot.pause()
        text = read_screen(app)
        assert "Metrics not collected: access denied: cloudwatch:GetMetricData" in text
        assert "is not authorized to perform:" in text  # AWS's own words
        assert "5xx responses" not in text and "┤" not in text  # no empty chart

        proxy.clear()
        await pilot.press("r")
        await until(pilot, lambda: app.metrics_view.snapshot is not None)
        await pilot.pause()
        text = read_screen(app)
        assert "5xx responses" in text and "Metrics not collected" not in text

        proxy.fail("cloudwatch:GetMetricData", "denied")  # denied again: the last data stays
        before = app.metrics_view.result
        await pilot.press("r")
        await until(pilot, lambda: app.metrics_view.result is not before)
        await pilot.pause()
        text = read_screen(app)
        assert "(stale): access denied: cloudwatch:GetMetricData" in text
        assert "5xx responses" in text


async def test_the_metrics_pane_says_what_aws_said_and_recovers(faulty, open_app, until,
                                                                read_screen):
    """The dashboard's Metrics pane (at 160x45) through the fault proxy: denied says the
    action and AWS's words, not empty sparklines; after recovery it shows the newest
    datapoint the emulator holds; throttled keeps those sparklines, marked stale."""
    from dataclasses import replace

    _, proxy, settings = faulty
    proxy.fail("cloudwatch:GetMetricData", "denied")
    through = Through(replace(settings, read_timeout=10.0))
    async with open_app(through, size=(160, 45)) as (app, pilot):
        pane = app.dashboard.metrics_pane
        await until(pilot, lambda: pane.last_error is not None)
        # drawn at the next frame (a busy machine may take a few)
        await until(pilot, lambda: "is not authorized" in read_screen(app), timeout=10)
        text = read_screen(app)
        assert "7 Metrics" in text and "cloudwatch:GetMetricData" in text
        assert "is not authorized to perform: cloudwatch:GetMetricData" in text
        assert "ELB 5xx" not in text  # no sparkline drawn for a denied call

        proxy.clear()
        await pilot.press("r")
        await until(pilot, lambda: pane.data is not None and pane.last_error is None)
        await until(pilot, lambda: "ELB 5xx" in read_screen(app), timeout=10)
        latest = pane.data.get("alb_elb_5xx").latest
        line = next(x for x in read_screen(app).splitlines() if "ELB 5xx" in x)
        assert f"{latest.value:g} at {latest.at:%H:%M}" in line, line

        proxy.fail("cloudwatch:GetMetricData", "throttled")
        await pilot.press("r")
        await until(pilot, lambda: pane.last_error is not None)
        await until(pilot, lambda: "Rate exceeded" in read_screen(app), timeout=10)
        text = read_screen(app)
        assert "Rate exceeded" in text and "STALE" in text
        assert f"{latest.value:g} at {latest.at:%H:%M}" in text  # the last sparklines stay
