"""Actions: every change the console makes to AWS, as an object that can describe itself.

An action is planned before it runs. `plan()` reads the current state and returns a `Plan`: the
exact API calls with their parameters (and the equivalent `aws` command), the current state
against the intended one, and whether the change is destructive (then the operator must type
the resource's name). Only a confirmed plan is executed, and only when writing is enabled.
This module imports no textual: the CLI, the runbooks and tests use actions without a UI.
"""

from __future__ import annotations

import json
import re
import shlex
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from probes.context import AwsContext
from probes.deployment import Deployment
from probes.identity import CallerIdentity

Progress = Callable[[str, float | None], None]  # (message, fraction done or None)


class ActionError(Exception):
    """An action cannot be planned or run; the message says why and what to do."""


class ReadOnlyRefusal(ActionError):
    """The environment is read-only: nothing that changes AWS state may run."""

    def __init__(self, title: str) -> None:
        super().__init__(f"{title}: refused, the console is read-only. Start it with --write "
                         "(or set write = true for this environment) to allow changes.")


@dataclass(frozen=True)
class ApiCall:
    """One AWS API call exactly as it will be sent."""

    service: str  # botocore name: "ecs"
    operation: str  # API name: "UpdateService"
    params: dict[str, Any]
    region: str | None = None

    @property
    def method(self) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.operation).lower()

    def describe(self) -> str:
        """``ecs.UpdateService`` and its parameters as JSON: what AWS will receive."""
        return f"{self.service}.{self.operation} " + json.dumps(self.params, indent=2,
                                                                 default=str, sort_keys=True)

    def cli(self) -> str:
        """The equivalent `aws` command, for the runbook record and for copy-paste."""
        parts = ["aws", self.service if self.service != "elbv2" else "elbv2",
                 self.method.replace("_", "-")]
        for name, value in self.params.items():
            flag = "--" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()
            if value is True:
                parts.append(flag)
            elif value is False:
                parts.append("--no-" + flag[2:])
            elif isinstance(value, (dict, list)):
                parts += [flag, shlex.quote(json.dumps(value, separators=(",", ":")))]
            else:
                parts += [flag, shlex.quote(str(value))]
        if self.region:
            parts += ["--region", self.region]
        return " ".join(parts)


@dataclass(frozen=True)
class Change:
    """The current state against the intended one, e.g. desired count 2 -> 4."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Plan:
    title: str
    calls: tuple[ApiCall, ...]
    changes: tuple[Change, ...] = ()
    destructive: bool = False
    confirm_name: str | None = None  # destructive: the name the operator must type
    watch_next: str = ""
    notes: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)  # what execute() needs beyond calls
    # A rollback or a size change: the running task definition against the one deployed
    # (console.actions.task_definition_diff.TaskDefinitionDiff), shown in the confirmation.
    diff: Any = None


@dataclass(frozen=True)
class Outcome:
    ok: bool
    summary: str
    request_ids: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    watch_next: str = ""


@dataclass(frozen=True)
class Field:
    """An input the operator gives before planning (a count, a reason, paths...)."""

    name: str
    label: str
    kind: str = "str"  # str, int, choice, path
    default: Any = None
    choices: tuple[str, ...] = ()
    help: str = ""
    required: bool = True

    def parse(self, raw: str) -> Any:
        raw = raw.strip()
        if not raw:
            if self.required and self.default is None:
                raise ActionError(f"{self.label} is required")
            return self.default
        if self.kind == "int":
            try:
                return int(raw)
            except ValueError:
                raise ActionError(f"{self.label} should be a whole number, not {raw!r}") from None
        if self.kind == "choice" and raw not in self.choices:
            raise ActionError(f"{self.label} should be one of {', '.join(self.choices)}")
        return raw


@dataclass
class ActionContext:
    """What an action may use: AWS, the deployment, who acts, and the latest snapshots."""

    aws: AwsContext
    deployment: Deployment
    identity: CallerIdentity
    write: bool
    snapshots: dict[str, Any] = field(default_factory=dict)  # probe name -> latest data
    subject: Any = None  # what the action was invoked on (a task, an alarm...)


def request_id(response: dict[str, Any]) -> str:
    return (response.get("ResponseMetadata") or {}).get("RequestId", "")


class Action(ABC):
    """Base of every action. Subclasses set the class attributes and implement `plan`."""

    id: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    pane: ClassVar[str | None] = None  # the dashboard pane it belongs to
    key: ClassVar[str | None] = None  # its key in that pane
    fields: ClassVar[tuple[Field, ...]] = ()
    changes_aws: ClassVar[bool] = True  # False: reads AWS only (e.g. a local backup)
    needs_subject: ClassVar[str | None] = None  # e.g. "task": needs a highlighted row

    def available(self, ctx: ActionContext) -> str | None:
        """None when the action can run here, else why not (shown greyed with the reason)."""
        if self.changes_aws and not ctx.write:
            return "read-only"
        return None

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        """Initial input values from the current state (e.g. the current desired count)."""
        return {f.name: f.default for f in self.fields}

    @abstractmethod
    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        """Read the current state and say exactly what will be done. Must not change AWS."""

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        """Run the plan's calls in order, stopping at the first failure."""
        ids: list[str] = []
        details: list[str] = []
        for number, call in enumerate(plan.calls, start=1):
            progress(f"{call.service}.{call.operation} ({number}/{len(plan.calls)})",
                     (number - 1) / max(1, len(plan.calls)))
            client = await ctx.aws.client(call.service, call.region)
            response = await getattr(client, call.method)(**call.params)
            ids.append(request_id(response))
            details.append(f"{call.service}.{call.operation}: ok")
        return Outcome(True, f"{plan.title}: done", tuple(i for i in ids if i), tuple(details),
                       plan.watch_next)

