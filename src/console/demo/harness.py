"""A built scenario as tests and screenshot scripts hold it.

tests/conftest.py hands these out through its `scenario` fixture; scripts that drive the app
against the emulator (screenshots, benchmarks) can use them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from console.demo import names as n
from console.demo.build import BuiltScenario, build
from console.demo.run import demo_env
from console.demo.traffic import TrafficProducer

if TYPE_CHECKING:
    from console.demo.server import Emulator
    from probes.context import AwsSettings


@dataclass
class ScenarioHandle:
    """One scenario, freshly built on the shared emulator."""

    name: str
    endpoint_url: str
    built: BuiltScenario
    _producers: list[TrafficProducer] = field(default_factory=list, repr=False)

    def settings(self, **overrides: Any) -> AwsSettings:
        """Settings for the emulator: static credentials, one attempt per call (a failing call
        fails the test at once instead of retrying), short timeouts."""
        from probes.context import AwsSettings

        values: dict[str, Any] = {"region": n.REGION, "endpoint_url": self.endpoint_url,
                                  "static_credentials": n.CREDENTIALS, "max_attempts": 1,
                                  "connect_timeout": 2.0, "read_timeout": 10.0}
        values.update(overrides)
        return AwsSettings(**values)

    def env(self) -> dict[str, str]:
        return demo_env(self.endpoint_url)

    def traffic(self, *, lines_per_second: float = 3.0, seed: int = 7,
                backfill: timedelta = timedelta(minutes=10), start: bool = False,
                **options: Any) -> TrafficProducer:
        """A log producer for this scenario; `start` backfills and starts its thread,
        otherwise call `backfill()` yourself. Stopped by `close()`."""
        producer = TrafficProducer(self.endpoint_url, self.name, self.built.log_sources,
                                   lines_per_second=lines_per_second, seed=seed,
                                   backfill=backfill, **options)
        self._producers.append(producer)
        return producer.start() if start else producer

    def close(self) -> None:
        for producer in self._producers:
            producer.stop()
        self._producers.clear()


def open_scenario(emulator: Emulator, name: str) -> ScenarioHandle:
    """Reset `emulator` (moto's state and the injected states) and build `name` on it."""
    return ScenarioHandle(name, emulator.endpoint_url, build(emulator.endpoint_url, name))
