"""The emulated deployment: the guide's AWS deployment, served by moto in this process.

`DemoRun` starts everything for `incident-console demo`; `build_scenario` rebuilds a scenario
on a running emulator. Importing this package imports neither moto nor boto3: they load when a
demo starts. The package never imports textual or rich.
"""

from __future__ import annotations

from console.demo.names import CREDENTIALS as DEMO_CREDENTIALS
from console.demo.names import REGION as DEMO_REGION
from console.demo.names import SCENARIOS
from console.demo.run import DemoRun, check_scenario_name, demo_env

__all__ = ["DEMO_CREDENTIALS", "DEMO_REGION", "SCENARIOS", "DemoRun", "build_scenario",
           "demo_env"]


def build_scenario(endpoint_url: str, scenario: str) -> None:
    """Reset the emulator at `endpoint_url` (an `Emulator` of this process), build the base
    deployment and apply `scenario`. Raises ValueError for an unknown scenario name."""
    check_scenario_name(scenario)
    from console.demo.build import build

    build(endpoint_url, scenario)
