"""`status --json` carries `metrics`: per signal the latest value and the 3-hour series, as the
emulator holds them; a denied GetMetricData is said with AWS's words and no series invented;
the config's `[env.NAME.metrics]` table is checked line by line."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import boto3

from console.cli import main
from console.demo import names as n


def run_status(demo, tmp_path, monkeypatch, capsys, config: str = "",
               endpoint: str | None = None) -> tuple[int, str, str]:
    for key, value in demo.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    path = tmp_path / "config.toml"
    path.write_text(config)
    capsys.readouterr()
    code = main(["status", "--json", "--config", str(path),
                 "--endpoint-url", endpoint or demo.endpoint_url])
    out, err = capsys.readouterr()
    return code, out, err


def test_status_json_has_the_latest_value_and_the_series_per_signal(scenario, tmp_path,
                                                                     monkeypatch, capsys):
    demo = scenario("p0-outage")
    code, out, _ = run_status(demo, tmp_path, monkeypatch, capsys)
    payload = json.loads(out)
    metrics = payload["metrics"]
    assert metrics["error"] is None and metrics["period_s"] == 60
    start, end = (datetime.fromisoformat(metrics[k]) for k in ("start", "end"))
    assert end - start == timedelta(hours=3)
    # what the emulator holds for the ELB 5xx, minute by minute
    cw = boto3.client("cloudwatch", region_name=n.REGION, endpoint_url=demo.endpoint_url,
                      aws_access_key_id="x", aws_secret_access_key="x")
    lb = demo.built.base.load_balancer_arn.split(":loadbalancer/", 1)[1]
    held = cw.get_metric_statistics(
        Namespace="AWS/ApplicationELB", MetricName="HTTPCode_ELB_5XX_Count",
        Dimensions=[{"Name": "LoadBalancer", "Value": lb}], StartTime=start, EndTime=end,
        Period=60, Statistics=["Sum"])["Datapoints"]
    expected = sorted((d["Timestamp"], d["Sum"]) for d in held)
    signal = metrics["signals"]["alb_elb_5xx"]
    got = [(datetime.fromisoformat(at), value) for at, value in signal["series"]]
    assert got == expected and len(got) == 180
    assert signal["latest"] == {"at": got[-1][0].isoformat(), "value": got[-1][1]}
    assert metrics["signals"]["tg_unhealthy"]["latest"]["value"] == 2.0
    assert "data" not in payload["probes"]["metrics"]  # the series once, under "metrics"
    assert code == 2  # p0 is down


def test_bad_metric_overrides_in_the_config_are_one_line_each(scenario, tmp_path, monkeypatch,
                                                              capsys):
    demo = scenario("healthy")
    code, out, err = run_status(demo, tmp_path, monkeypatch, capsys, config=(
        '[env.default.metrics]\nalb_elb_5xx = { stat = "median" }\nnew_one = { metric = "X" }\n'
    ))
    assert code == 2 and out == ""
    assert "env.default.metrics.alb_elb_5xx.stat should be Average, Sum" in err
    assert "env.default.metrics.new_one: a new signal needs namespace, metric and stat" in err
    assert "Traceback" not in err
