"""The three steps of a stack rebuild, in order, and what to say when one fails.

A rebuild that stops half way can leave no stack at all, so a failure names the steps that
ran, the state the stack is in, and the commands to finish by hand.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from console.actions.base import ActionContext, Plan, Progress, request_id
from console.actions.stack_wait import wait_for
from console.actions.step_run import StepRun

STEPS = ("back up the buckets", "delete the stack", "create the stack")
Backup = Callable[[ActionContext, dict[str, Any], Progress], Awaitable[tuple[str, ...]]]


class RebuildRun(StepRun):
    """One run of a confirmed rebuild plan (`RebuildStackAction.execute`)."""

    STEPS = STEPS
    watch = "the stack pane (1): its status and failed resources"

    def __init__(self, ctx: ActionContext, plan: Plan, progress: Progress, *, poll_s: float,
                 delete_timeout_s: float, create_timeout_s: float, backup: Backup) -> None:
        super().__init__(ctx, plan, progress)
        self.poll_s = poll_s
        self.delete_timeout_s, self.create_timeout_s = delete_timeout_s, create_timeout_s
        self.backup = backup
        self.new_stack_id = ""

    def steps(self) -> tuple[Callable[[], Awaitable[str]], ...]:
        return (self.back_up, self.delete, self.create)

    async def back_up(self) -> str:
        backup = self.d["backup"]
        if not backup["buckets"]:
            return f"kept the earlier backup in {backup['destination']}"

        def report(message: str, fraction: float | None) -> None:
            self.progress(f"1/3 backup: {message}", None if fraction is None else 0.3 * fraction)

        details = await self.backup(self.ctx, backup, report)
        return "backed up the buckets: " + "; ".join(details)

    async def delete(self) -> str:
        self.progress("2/3 DeleteStack", 0.3)
        cfn = await self.ctx.aws.client("cloudformation")
        self.ids.append(request_id(await cfn.delete_stack(StackName=self.ctx.deployment.stack)))
        await wait_for(self.ctx, self.d["stack_id"], "DELETE_COMPLETE", self.progress,
                       label="2/3 deleting", poll_s=self.poll_s,
                       timeout_s=self.delete_timeout_s, span=(0.3, 0.6))
        return f"deleted the stack {self.ctx.deployment.stack} (DELETE_COMPLETE)"

    async def create(self) -> str:
        self.progress("3/3 CreateStack", 0.6)
        cfn = await self.ctx.aws.client("cloudformation")
        created = await cfn.create_stack(**self.d["create"])
        self.ids.append(request_id(created))
        self.new_stack_id = created.get("StackId", self.ctx.deployment.stack)
        await wait_for(self.ctx, self.new_stack_id, "CREATE_COMPLETE", self.progress,
                       label="3/3 creating", poll_s=self.poll_s,
                       timeout_s=self.create_timeout_s, span=(0.6, 1.0))
        return f"created the stack again (CREATE_COMPLETE): {self.new_stack_id}"

    def _create_command(self) -> str:
        create = self.d["create"]
        capabilities = " ".join(create.get("Capabilities", []))
        return (f"aws cloudformation create-stack --stack-name {create['StackName']} "
                f"--template-body file://{self.d['template']}"
                + (f" --capabilities {capabilities}" if capabilities else "")
                + (" --parameters (as in the plan)" if create.get("Parameters") else "")
                + f" --region {self.ctx.deployment.region}")

    def advice(self, number: int) -> list[str]:
        name, folder = self.ctx.deployment.stack, self.d["backup"]["destination"]
        if number == 1:
            advice = ["nothing was deleted; what was copied stays in "
                      f"{folder} (a second run skips it)"]
        elif number == 2:
            advice = [f"the backup is in {folder}; the stack may be half deleted: see the stack "
                      "pane (1)",
                      "fix what failed (a non-empty bucket: empty it, or delete with "
                      f"--retain-resources), then: aws cloudformation delete-stack --stack-name "
                      f"{name}, wait for DELETE_COMPLETE, then {self._create_command()}"]
        else:
            advice = [f"the old stack is deleted; the backup is in {folder}",
                      "fix the template or parameters, delete the failed stack "
                      f"(aws cloudformation delete-stack --stack-name {name}), then "
                      f"{self._create_command()}"]
        return advice
