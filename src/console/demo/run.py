"""`DemoRun`: the emulator, the scenario and the log traffic, as one object the CLI holds.

Importing this module is cheap (no moto, no boto3): everything heavy is imported when a run
starts, so `incident-console --help` stays fast.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from console.demo import names as n

if TYPE_CHECKING:
    from console.demo.build import BuiltScenario
    from console.demo.loglines import LogSource
    from console.demo.server import Emulator
    from console.demo.traffic import TrafficProducer
    from console.demo.training import Trainer
    from probes.context import AwsSettings


def check_scenario_name(scenario: str) -> None:
    """Raise ValueError listing the valid names when `scenario` is not one of them."""
    if scenario not in n.SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of: "
                         f"{', '.join(n.SCENARIOS)}")


def demo_env(endpoint_url: str) -> dict[str, str]:
    """The environment another client (the AWS CLI, a second console) needs to see the demo."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": n.CREDENTIALS[0],
        "AWS_SECRET_ACCESS_KEY": n.CREDENTIALS[1],
        "AWS_REGION": n.REGION,
        "AWS_DEFAULT_REGION": n.REGION,
    }


class DemoRun:
    """Starts the emulator (or reuses `emulator`), builds `scenario`, and with `traffic` keeps
    log lines flowing. Everything is running once the constructor returns; `stop()` (or
    leaving the `with` block) ends the traffic and, if this run started it, the emulator."""

    def __init__(self, scenario: str = "healthy", *, traffic: bool = True,
                 lines_per_second: float = 3.0, emulator: Emulator | None = None,
                 training: bool = True, settle_s: float | None = None):
        check_scenario_name(scenario)
        from console.demo.build import build
        from console.demo.server import Emulator

        self.scenario = scenario
        self._owns_emulator = emulator is None
        self.emulator: Emulator = emulator if emulator is not None else Emulator()
        self.traffic: TrafficProducer | None = None
        self.trainer: Trainer | None = None
        self._lines_per_second = lines_per_second
        try:
            self.emulator.start()
            self.endpoint_url: str = self.emulator.endpoint_url
            self.built: BuiltScenario = build(self.endpoint_url, scenario)
            if traffic:
                from console.demo.traffic import TrafficProducer

                self.traffic = TrafficProducer(self.endpoint_url, scenario,
                                               self.built.log_sources,
                                               lines_per_second=lines_per_second).start()
            if training:  # the demo answers the fix: see console.demo.training
                from console.demo.training import SETTLE_S, start_training

                self.trainer = start_training(self.emulator, self.built,
                                              settle_s=SETTLE_S if settle_s is None
                                              else settle_s)
                self.trainer.on_traffic = self._follow_fixed_tasks
        except BaseException:
            self.stop()
            raise

    def env(self) -> dict[str, str]:
        return demo_env(self.endpoint_url)

    def settings(self, **overrides: Any) -> AwsSettings:
        """AwsSettings that reach the demo: its endpoint, region and dummy credentials."""
        from probes.context import AwsSettings

        values: dict[str, Any] = {"region": n.REGION, "endpoint_url": self.endpoint_url,
                                  "static_credentials": n.CREDENTIALS}
        values.update(overrides)
        return AwsSettings(**values)

    def _follow_fixed_tasks(self, sources: list[LogSource]) -> None:
        """After a fix, log lines come from the tasks that serve, as a healthy service's."""
        if self.traffic is None:
            return
        from datetime import timedelta

        from console.demo.traffic import TrafficProducer

        self.traffic.stop()
        self.traffic = TrafficProducer(self.endpoint_url, "healthy", sources,
                                       lines_per_second=self._lines_per_second,
                                       backfill=timedelta(0)).start()

    def stop(self) -> None:
        """Stop the traffic, then the emulator if this run started it. Safe to call twice."""
        if self.trainer is not None:
            self.trainer.stop()
            if self.emulator.running:
                self.emulator.observe_requests(None)
        if self.traffic is not None:
            self.traffic.stop()
        if self._owns_emulator:
            self.emulator.stop()

    def __enter__(self) -> DemoRun:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
