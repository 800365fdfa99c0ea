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


