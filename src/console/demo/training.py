"""Training mode: the demo answers the fix.

The emulator tells the `Trainer` about every write request it answered (see
`backend.observe_requests`). One rule per scenario says which request is the fix the guide
prescribes; when it arrives, the scenario's fault clears through the same mechanisms the
scenarios are built with (fleet, stage, telemetry, backend). A wrong action changes nothing but
what moto itself does with it, and the trainer notes why it was not the fix (`events`).

    p0-outage       UpdateService to a task definition with more memory than the failing one:
                    new tasks start at once and are healthy after `settle_s` (20 s), targets
                    healthy, alarms OK. A forced deployment of the same size is not the fix.
    p1-degraded     UpdateService with a larger desiredCount (a scale-out): the new tasks serve
                    after `settle_s`, CPU and response-time alarms back to OK.
    stack-rollback  UpdateStack whose template names the container `app` again (the failed
                    update renamed it `web`): UPDATE_COMPLETE. Still `web`: it rolls back again.
    cost-overrun    DeleteNatGateway of the stack's NAT gateway: the NAT's daily cost stops and
                    the budget's forecast drops to month-to-date plus the healthy daily rate.
    backup-failure  UpdateService to a task definition whose DATABASE_URL is valid: the backup
                    service runs at once and the newest backup is fresh.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from console.demo import names as n
from console.demo import training_effects as effects
from console.demo import training_stack_costs as stack_costs

if TYPE_CHECKING:
    from console.demo.build import BuiltScenario
    from console.demo.fleet import LaunchedTask
    from console.demo.loglines import LogSource

log = logging.getLogger(__name__)
SETTLE_S = 20.0  # new tasks pass their health checks this long after the fix


@dataclass(frozen=True)
class WriteRequest:
    """One request the emulator answered with a 2xx: `service` as in the signing scope."""

    service: str
    operation: str
    params: Mapping[str, Any]


def parse_request(method: str, path: str, query: str, headers: Mapping[str, str],
                  body: bytes) -> WriteRequest | None:
    """The JSON protocols (ECS) name the operation in X-Amz-Target; the query protocols (EC2,
    CloudFormation) in the form's Action. Anything else (S3's REST calls) is None."""
    scope = headers.get("authorization", "").split("Credential=", 1)[-1].split("/")
    service = scope[3] if len(scope) > 3 else ""
    target = headers.get("x-amz-target", "")
    try:
        if target:
            params = json.loads(body or b"{}")
            return WriteRequest(service, target.rsplit(".", 1)[-1],
                                params if isinstance(params, dict) else {})
        form = dict(parse_qsl(body.decode("utf-8", "replace") or query,
                              keep_blank_values=True))
    except (ValueError, UnicodeDecodeError):
        return None
    if "Action" in form:
        return WriteRequest(service, form.pop("Action"), form)
    return None


@dataclass(frozen=True)
class TrainingEvent:
    """What the trainer made of a request: the fix (and what it changed) or why not."""

    at: datetime
    request: str  # "ecs UpdateService"
    fix: bool
    detail: str


@dataclass(frozen=True)
class Rule:
    prescribed: str  # the fix, in a few words (README, events)
    operations: frozenset[tuple[str, str]]
    judge: Callable[[Trainer, WriteRequest], tuple[bool, str]]  # (is the fix, why)
    apply: Callable[[Trainer, WriteRequest], None]
    # What a wrong attempt does beyond moto's own answer (e.g. a stack update fails again).
    on_wrong: Callable[[Trainer, WriteRequest], None] | None = None
    # moto cannot serve the request on the demo's resources (UpdateStack: half the stack was
    # made through other APIs): training mode answers it, with this response body.
    answer: Callable[[Trainer, WriteRequest], bytes] | None = None


def _is_our_service(request: WriteRequest) -> bool:
    return (str(request.params.get("service", "")).rsplit("/", 1)[-1] == n.SERVICE
            and str(request.params.get("cluster", n.CLUSTER)).rsplit("/", 1)[-1] == n.CLUSTER)


def _judge_memory(trainer: Trainer, request: WriteRequest) -> tuple[bool, str]:
    if not _is_our_service(request):
        return False, "another service"
    failing = effects.task_memory(trainer.base, trainer.failing_task_definition)
    named = request.params.get("taskDefinition")
    if not named:
        return False, (f"a new deployment of the same task definition ({failing} MiB): its "
                       "tasks run out of memory again")
    memory = effects.task_memory(trainer.base, str(named))
    if memory <= failing:
        return False, f"{named} has {memory} MiB, no more than the failing {failing} MiB"
    return True, f"{named}: {failing} -> {memory} MiB, new tasks healthy in {trainer.settle_s:g}s"


def _judge_scale_out(trainer: Trainer, request: WriteRequest) -> tuple[bool, str]:
    if not _is_our_service(request):
        return False, "another service"
    wanted = request.params.get("desiredCount")
    running = effects.running_count(trainer.base)
    if not isinstance(wanted, int) or wanted <= running:
        return False, f"desiredCount {wanted} does not add a task to the {running} running"
    return True, f"{running} -> {wanted} tasks: CPU and response time back to normal"


def _judge_container(trainer: Trainer, request: WriteRequest) -> tuple[bool, str]:
    if request.params.get("StackName", "").rsplit("/", 1)[-1] not in (n.STACK, trainer.stack_id):
        return False, "another stack"
    names = stack_costs.template_container_names(request.params.get("TemplateBody", ""))
    if n.CONTAINER in names and stack_costs.FAILED_CONTAINER not in names:
        return True, f"the template names the container {n.CONTAINER!r} again"
    return False, (f"the template's containers are {sorted(names) or 'none'}: the load "
                   f"balancer still routes to {n.CONTAINER!r}")


def _judge_nat(trainer: Trainer, request: WriteRequest) -> tuple[bool, str]:
    nat_id = request.params.get("NatGatewayId", "")
    if nat_id not in stack_costs.stack_nat_gateways(trainer.base):
        return False, f"{nat_id} is not the stack's NAT gateway"
    return True, f"{nat_id} deleted: its hourly and data-processing charges stop"


def _judge_database_url(trainer: Trainer, request: WriteRequest) -> tuple[bool, str]:
    if not _is_our_service(request) or not request.params.get("taskDefinition"):
        return False, "no new task definition: DATABASE_URL is still the broken one"
    url, kind = effects.database_url(trainer.base, str(request.params["taskDefinition"]))
    if kind != "absolute":
        return False, f"DATABASE_URL {url!r} is {kind}: the backup service still fails"
    return True, f"DATABASE_URL {url!r}: the backup service runs again"


ECS_UPDATE = frozenset({("ecs", "UpdateService")})
RULES: dict[str, Rule] = {
    "p0-outage": Rule("a task size with more memory, deployed", ECS_UPDATE, _judge_memory,
                      lambda t, r: effects.replace_crashing_tasks(t, str(r.params[
                          "taskDefinition"]))),
    "p1-degraded": Rule("a scale-out (a larger desired count)", ECS_UPDATE, _judge_scale_out,
                        lambda t, r: effects.scale_out(t, int(r.params["desiredCount"]))),
    "stack-rollback": Rule("a stack update with the container named app again",
                           frozenset({("cloudformation", "UpdateStack")}), _judge_container,
                           lambda t, r: stack_costs.complete_stack_update(t),
                           lambda t, r: stack_costs.fail_stack_update_again(t),
                           lambda t, r: stack_costs.update_stack_response(t)),
    "cost-overrun": Rule("deleting the NAT gateway", frozenset({("ec2", "DeleteNatGateway")}),
                         _judge_nat, lambda t, r: stack_costs.stop_nat_charges(t)),
    "backup-failure": Rule("a task definition with a valid DATABASE_URL, deployed", ECS_UPDATE,
                           _judge_database_url,
                           lambda t, r: effects.run_backup_now(t, str(r.params[
                               "taskDefinition"]))),
}


@dataclass
class Trainer:
    """Watches one built scenario's emulator; `listener` is what `observe_requests` calls."""

    built: BuiltScenario
    settle_s: float = SETTLE_S
    # Called with the tasks that serve after a fix: the demo's log traffic follows them.
    on_traffic: Callable[[list[LogSource]], None] | None = None
    events: list[TrainingEvent] = field(default_factory=list)
    cleared: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _timers: list[threading.Timer] = field(default_factory=list, repr=False)
    _settled: threading.Event = field(default_factory=threading.Event, repr=False)

    def __post_init__(self) -> None:
        self.base = self.built.base
        self.scenario = self.built.name
        self.rng = random.Random(f"training:{self.scenario}")
        self.stack_id = stack_costs.stack_id(self.base)
        self.failing_task_definition = effects.service_task_definition(self.base)
        self.used_hosts = {int(s.private_ip.rsplit(".", 1)[1]) for s in self.built.log_sources}

    @property
    def rule(self) -> Rule | None:
        return RULES.get(self.scenario)

    def answerer(self, method: str, path: str, query: str, headers: dict[str, str],
                 body: bytes) -> bytes | None:
        """The answer to a request moto cannot serve here, after judging it; else None."""
        rule = self.rule
        if rule is None or rule.answer is None:
            return None
        request = parse_request(method, path, query, headers, body)
        if request is None or (request.service, request.operation) not in rule.operations:
            return None
        self.observe(request)
        return rule.answer(self, request)

    def listener(self, method: str, path: str, query: str, headers: dict[str, str],
                 body: bytes) -> None:
        request = parse_request(method, path, query, headers, body)
        if request is not None and (self.rule is None or self.rule.answer is None):
            self.observe(request)

    def observe(self, request: WriteRequest) -> None:
        rule = self.rule
        if rule is None or (request.service, request.operation) not in rule.operations:
            return  # also every request the rules' own changes send
        with self._lock:
            if self.cleared and rule.answer is None:
                return
            try:
                fix, detail = rule.judge(self, request)
                if fix:
                    self.cleared = True
                    rule.apply(self, request)
                elif rule.on_wrong is not None and detail != "another stack":
                    rule.on_wrong(self, request)
            except Exception as exc:
                log.exception("training mode failed on %s", request.operation)
                fix, detail = False, f"training mode failed: {exc}"
            event = TrainingEvent(datetime.now(UTC), f"{request.service} {request.operation}",
                                  fix, detail)
            self.events.append(event)
            log.info("training: %s: %s (%s)", event.request,
                     "the fix" if fix else "not the fix", detail)

    def later(self, change: Callable[[], None]) -> None:
        """Run `change` after `settle_s` (the time new tasks take to pass health checks)."""

        def run() -> None:
            try:
                change()
            except Exception:
                log.exception("training mode: a delayed change failed")
            finally:
                self._settled.set()

        timer = threading.Timer(self.settle_s, run)
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def restart_traffic(self, tasks: list[LaunchedTask], keep_running: bool = False) -> None:
        """Log lines now come from `tasks` (and, with `keep_running`, the tasks that served
        before), written as a healthy service writes them."""
        sources = [t.log_source for t in tasks]
        if keep_running:
            sources += [s for s in self.built.log_sources
                        if s.stopped_at is None and s.fate == "serving"]
        if self.on_traffic is not None:
            self.on_traffic(sources)

    def settled(self) -> None:
        """The fix needs no delayed change: it is complete now."""
        self._settled.set()

    def wait_settled(self, timeout: float) -> bool:
        return self._settled.wait(timeout)

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()


def start_training(emulator: Any, built: BuiltScenario, *,
                   settle_s: float = SETTLE_S) -> Trainer:
    """Watch `emulator` (a running `Emulator`) for the fix of `built`'s scenario."""
    trainer = Trainer(built, settle_s=settle_s)
    emulator.observe_requests(trainer.listener, trainer.answerer)
    return trainer
