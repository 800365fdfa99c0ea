"""ECS actions from the guide: force a new deployment, set the desired count, scale the task
size, roll back the task definition, stop a task (or every task)."""

from __future__ import annotations

from typing import Any

from console.actions.base import (
    Action,
    ActionContext,
    ActionError,
    ApiCall,
    Change,
    Field,
    Outcome,
    Plan,
    Progress,
    request_id,
)
from console.actions.task_definition_diff import diff_task_definitions
from probes.ecs import task_definition_revision
from probes.task_ids import short_task_id

WATCH_ROLLOUT = "watch the rollout in the ECS pane (2): the new deployment's running count and " \
                "the targets (3) turning healthy"

# Valid Fargate task sizes: CPU units -> allowed memory (MiB), from the ECS documentation.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
SIZE_CHOICES = tuple(f"{cpu}/{mem}" for cpu, mems in FARGATE_SIZES.items() for mem in mems)

# What RegisterTaskDefinition accepts back from DescribeTaskDefinition.
_REGISTER_KEYS = ("family", "taskRoleArn", "executionRoleArn", "networkMode",
                  "containerDefinitions", "volumes", "placementConstraints",
                  "requiresCompatibilities", "runtimePlatform", "ephemeralStorage",
                  "proxyConfiguration", "inferenceAccelerators", "pidMode", "ipcMode")


def parse_size(text: str) -> tuple[int, int]:
    try:
        cpu, memory = (int(x) for x in text.split("/"))
    except ValueError:
        raise ActionError(f"task size {text!r} should be CPU/MEMORY, e.g. 512/1024") from None
    if memory not in FARGATE_SIZES.get(cpu, ()):
        allowed = ", ".join(str(m) for m in FARGATE_SIZES.get(cpu, ())) or "none"
        raise ActionError(f"{cpu} CPU units with {memory} MiB is not a valid Fargate size "
                          f"(with {cpu} CPU: {allowed} MiB)")
    return cpu, memory


def next_size_up(cpu: int, memory: int) -> str:
    """The guide's step up: twice the CPU and twice the memory (256/512 -> 512/1024), or else
    the next valid size with more memory."""
    if memory * 2 in FARGATE_SIZES.get(cpu * 2, ()):
        return f"{cpu * 2}/{memory * 2}"
    for choice in SIZE_CHOICES:
        c, m = (int(x) for x in choice.split("/"))
        if c >= cpu and m > memory:
            return choice
    return f"{cpu}/{memory}"


def _service_ref(ctx: ActionContext) -> dict[str, str]:
    return {"cluster": ctx.deployment.cluster, "service": ctx.deployment.service}


async def describe_service(ctx: ActionContext) -> dict[str, Any]:
    ecs = await ctx.aws.client("ecs")
    described = await ecs.describe_services(**{"cluster": ctx.deployment.cluster,
                                               "services": [ctx.deployment.service]})
    if not described.get("services"):
        raise ActionError(f"service {ctx.deployment.service} not found in cluster "
                          f"{ctx.deployment.cluster}")
    return described["services"][0]


class ForceNewDeploymentAction(Action):
    id = "force-new-deployment"
    title = "Force a new deployment"
    description = "Replace every task with fresh ones of the same task definition (the guide's " \
                  "fix for an ALB answering 503)."
    pane = "ecs"
    key = "F"

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        service = await describe_service(ctx)
        revision = task_definition_revision(service.get("taskDefinition", ""))
        return Plan(
            title=self.title,
            calls=(ApiCall("ecs", "UpdateService", {**_service_ref(ctx),
                                                    "forceNewDeployment": True}),),
            changes=(Change("deployment", f"{len(service.get('deployments', []))} active, "
                            f"running {service.get('runningCount')}/{service.get('desiredCount')}",
                            f"a new deployment of {revision}"),),
            watch_next=WATCH_ROLLOUT,
        )


class SetDesiredCountAction(Action):
    id = "set-desired-count"
    title = "Set the desired count"
    description = "Scale the service horizontally (0 stops it: you will type its name)."
    pane = "ecs"
    key = "c"
    fields = (Field("count", "Desired count", "int", help="0 stops the service"),)

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        service = ctx.snapshots.get("ecs")
        return {"count": service.desired if service is not None else 1}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        count = int(inputs["count"])
        if count < 0:
            raise ActionError("the desired count cannot be negative")
        service = await describe_service(ctx)
        current = int(service.get("desiredCount", 0))
        zero = count == 0
        return Plan(
            title=self.title,
            calls=(ApiCall("ecs", "UpdateService", {**_service_ref(ctx),
                                                    "desiredCount": count}),),
            changes=(Change("desired count", str(current), str(count)),),
            destructive=zero,
            confirm_name=ctx.deployment.service if zero else None,
            watch_next="the service stops serving: every target drains" if zero else
            "watch running/desired in the ECS pane (2)",
            notes=("The service will run no task at all." if zero else
                   "No change: it is already the desired count." if count == current else "",),
        )


class ScaleTaskSizeAction(Action):
    id = "scale-task-size"
    title = "Scale the task size"
    description = "Register a task definition revision with more CPU/memory (valid Fargate " \
                  "sizes only) and deploy it: the guide's fix for out-of-memory kills."
    pane = "ecs"
    key = "S"
    fields = (Field("size", "Task size CPU/MEMORY", "choice", choices=SIZE_CHOICES,
                    help="valid Fargate sizes, e.g. 512/1024"),)

    def defaults(self, ctx: ActionContext) -> dict[str, Any]:
        tasks = getattr(ctx.snapshots.get("ecs"), "tasks", ())
        for task in tasks:
            if task.cpu.isdigit() and task.memory.isdigit():
                return {"size": next_size_up(int(task.cpu), int(task.memory))}
        return {"size": "512/1024"}

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        cpu, memory = parse_size(str(inputs["size"]))
        service = await describe_service(ctx)
        ecs = await ctx.aws.client("ecs")
        current = (await ecs.describe_task_definition(
            taskDefinition=service["taskDefinition"]))["taskDefinition"]
        old_cpu, old_memory = str(current.get("cpu", "")), str(current.get("memory", ""))
        register = {k: current[k] for k in _REGISTER_KEYS if current.get(k) not in (None, [], {})}
        containers = []
        for container in register["containerDefinitions"]:
            container = dict(container)
            # A container hard limit equal to the old task memory would keep the OOM kills.
            if str(container.get("memory", "")) == old_memory:
                container["memory"] = memory
            containers.append(container)
        register.update(containerDefinitions=containers, cpu=str(cpu), memory=str(memory))
        family = register["family"]
        current_arn = current["taskDefinitionArn"]
        # The ARN RegisterTaskDefinition will return: the family's next revision. `execute`
        # deploys the ARN AWS actually returns (the same one unless someone registered first).
        expected = f"{current_arn.rsplit('/', 1)[0]}/{family}:{_latest_revision_after(current)}"
        return Plan(
            title=self.title,
            calls=(ApiCall("ecs", "RegisterTaskDefinition", register),
                   ApiCall("ecs", "UpdateService", {**_service_ref(ctx),
                                                    "taskDefinition": expected})),
            changes=(Change("task size (CPU/memory)", f"{old_cpu}/{old_memory}",
                            f"{cpu}/{memory}"),
                     Change("task definition", task_definition_revision(current_arn),
                            f"{task_definition_revision(expected)} (new revision)")),
            watch_next=WATCH_ROLLOUT,
            notes=("UpdateService deploys the exact revision the first call registers (its "
                   "ARN from RegisterTaskDefinition's answer), never the family's latest.",),
            data={"size": f"{cpu}/{memory}"},
            diff=diff_task_definitions(current, register, after_name=(
                f"{task_definition_revision(expected)} (new revision)")),
        )

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        register, update = plan.calls
        ecs = await ctx.aws.client("ecs")
        progress("ecs.RegisterTaskDefinition (1/2)", 0.0)
        registered = await ecs.register_task_definition(**register.params)
        arn = registered["taskDefinition"]["taskDefinitionArn"]
        revision = task_definition_revision(arn)
        progress(f"ecs.UpdateService to {revision} (2/2)", 0.5)
        updated = await ecs.update_service(**{**update.params, "taskDefinition": arn})
        details = [f"ecs.RegisterTaskDefinition: registered {arn}",
                   f"ecs.UpdateService: deploying {arn}"]
        if arn != update.params["taskDefinition"]:
            details.append(f"note: AWS numbered the revision {revision}, not "
                           f"{task_definition_revision(update.params['taskDefinition'])} "
                           "(another registration came first); this exact ARN was deployed")
        ids = tuple(i for i in (request_id(registered), request_id(updated)) if i)
        return Outcome(True, f"{plan.title}: deployed {revision} ({plan.data['size']})", ids,
                       tuple(details), plan.watch_next)


def _latest_revision_after(current: dict[str, Any]) -> int:
    return int(current.get("revision", 0)) + 1


async def active_revisions(ecs: Any, family: str) -> list[int]:
    """Every ACTIVE revision number of `family` (all pages of ListTaskDefinitions)."""
    revisions: list[int] = []
    token = None
    while True:
        page = await ecs.list_task_definitions(**{"familyPrefix": family, "status": "ACTIVE",
                                                  "sort": "DESC",
                                                  **({"nextToken": token} if token else {})})
        for arn in page.get("taskDefinitionArns", []):
            name, _, number = task_definition_revision(arn).rpartition(":")
            if name == family and number.isdigit():  # familyPrefix also matches family-x
                revisions.append(int(number))
        token = page.get("nextToken")
        if not token:
            return sorted(revisions, reverse=True)


class RollbackTaskDefinitionAction(Action):
    id = "rollback-task-definition"
    title = "Roll back to the previous task definition"
    description = "Deploy the ACTIVE revision before the one the service runs now."
    pane = "ecs"
    key = "B"

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        service = await describe_service(ctx)
        ecs = await ctx.aws.client("ecs")
        # The service's taskDefinition is normally an ARN with its revision; read the revision
        # from AWS rather than parse it, so a family name alone still reads right.
        current = (await ecs.describe_task_definition(
            taskDefinition=service["taskDefinition"]))["taskDefinition"]
        family, revision = current["family"], int(current["revision"])
        older = [r for r in await active_revisions(ecs, family) if r < revision]
        if not older:
            raise ActionError(f"{family}:{revision} is the oldest ACTIVE revision of task "
                              f"definition family {family}: there is none to roll back to")
        prefix = current["taskDefinitionArn"].rsplit("/", 1)[0]
        target = f"{prefix}/{family}:{older[0]}"
        previous = (await ecs.describe_task_definition(taskDefinition=target))["taskDefinition"]
        return Plan(
            title=self.title,
            calls=(ApiCall("ecs", "UpdateService", {**_service_ref(ctx),
                                                    "taskDefinition": target}),),
            changes=(Change("task definition", f"{family}:{revision}",
                            f"{family}:{older[0]}"),),
            watch_next=WATCH_ROLLOUT,
            diff=diff_task_definitions(current, previous),
        )

    async def execute(self, ctx: ActionContext, plan: Plan, progress: Progress) -> Outcome:
        outcome = await super().execute(ctx, plan, progress)
        target = task_definition_revision(plan.calls[0].params["taskDefinition"])
        return Outcome(outcome.ok, f"{plan.title}: deployed {target}", outcome.request_ids,
                       outcome.details, outcome.watch_next)


class StopTaskAction(Action):
    id = "stop-task"
    title = "Stop a task"
    description = "Stop the highlighted task (ECS starts a replacement), or every running task."
    pane = "ecs"
    key = "x"
    fields = (Field("scope", "Which tasks", "choice", default="highlighted",
                    choices=("highlighted", "every")),
              Field("reason", "Reason (recorded on the task)", default="stopped from "
                    "incident-console"))

    async def plan(self, ctx: ActionContext, inputs: dict[str, Any]) -> Plan:
        reason = str(inputs.get("reason") or "stopped from incident-console")[:255]
        service = ctx.snapshots.get("ecs")
        if inputs.get("scope") == "every":
            if service is None or not service.running_tasks:
                raise ActionError("no running task to stop")
            tasks = service.running_tasks
        else:
            task = ctx.subject
            if task is None:
                raise ActionError("highlight a task in the ECS pane (2) first")
            if task.is_stopped:
                raise ActionError(f"task {task.task_id} is already stopped")
            tasks = (task,)
        every = inputs.get("scope") == "every"
        return Plan(
            title=self.title if not every else "Stop every running task",
            calls=tuple(ApiCall("ecs", "StopTask", {"cluster": ctx.deployment.cluster,
                                                    "task": t.task_arn, "reason": reason})
                        for t in tasks),
            changes=tuple(Change(f"task {short_task_id(t.task_id)}", t.last_status, "STOPPED")
                          for t in tasks),
            destructive=every,
            confirm_name=ctx.deployment.service if every else None,
            watch_next="ECS starts replacements: watch the task table (2)",
        )
