"""Build one scenario from scratch: reset the emulator, build the base deployment, apply the
scenario. Safe to call again on the same emulator (each build starts with a reset).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from console.demo import backend, change_history, history
from console.demo import names as n
from console.demo.deployment import BaseDeployment, build_base_deployment
from console.demo.loglines import LogSource
from console.demo.scenarios import SCENARIO_BUILDERS
from console.demo.server import is_in_process, post_moto_api
from console.demo.stage import Stage

DEFAULT_SEED = 20261128


@dataclass(frozen=True)
class BuiltScenario:
    """What a build produced: the log producer needs the sources, tests the timings."""

    name: str
    endpoint_url: str
    now: datetime
    base: BaseDeployment
    log_sources: tuple[LogSource, ...]
    build_seconds: float


def check_scenario(name: str) -> None:
    """Raise ValueError naming the valid scenarios when `name` is not one."""
    if name not in SCENARIO_BUILDERS:
        raise ValueError(f"unknown scenario {name!r}; choose one of: {', '.join(n.SCENARIOS)}")


def _record_stack_history(stage: Stage, resources: list[tuple[str, str, str]]) -> None:
    created, finished = history.creation_events(resources, stage.base.created_at)
    update_at = stage.ago(days=9, hours=22, minutes=stage.rng.randrange(50))
    stage.stack_events = created + history.routine_update_events(update_at, n.LOG_GROUP)
    backend.set_stack_history(n.STACK, stage.stack_events, status="UPDATE_COMPLETE",
                              created_at=stage.base.created_at, last_updated_at=update_at)
    if finished >= update_at:
        raise RuntimeError("stack history out of order")


def build(endpoint_url: str, scenario: str, *, now: datetime | None = None,
          seed: int = DEFAULT_SEED) -> BuiltScenario:
    """Reset the emulator at `endpoint_url` (served by an `Emulator` of this process) and build
    `scenario` on it as it stands at `now` (default: the current time)."""
    check_scenario(scenario)
    if not is_in_process(endpoint_url):
        raise RuntimeError(f"{endpoint_url} is not served by an Emulator of this process: "
                           "scenarios change moto's in-process state")
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC)
    post_moto_api(endpoint_url, "/moto-api/reset", None)
    backend.reset()
    post_moto_api(endpoint_url, f"/moto-api/seed?a={seed}", None)  # deterministic resource ids
    rng = random.Random(f"{seed}:{scenario}")
    base = build_base_deployment(endpoint_url, now)
    stage = Stage(base, now, rng)
    summaries = base.api("cloudformation").list_stack_resources(
        StackName=n.STACK)["StackResourceSummaries"]
    _record_stack_history(stage, [(r["LogicalResourceId"], r["ResourceType"],
                                   r["PhysicalResourceId"]) for r in summaries])
    SCENARIO_BUILDERS[scenario](stage)
    change_history.date_task_definitions(stage)
    return BuiltScenario(scenario, endpoint_url, now, base, tuple(stage.log_sources),
                         time.perf_counter() - started)
