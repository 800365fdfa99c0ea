"""Wait for a CloudFormation stack to reach a status, with progress, as `aws cloudformation
wait stack-delete-complete` / `stack-create-complete` do, but saying where it is while it
waits and, when it fails or takes too long, what state it is in and why.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from console.actions.base import ActionContext, ActionError, Progress
from console.actions.common import error_code, shown
from probes.stack import is_failure_status

FAILED_EVENTS_SHOWN = 3


async def failure_reasons(ctx: ActionContext, stack_id: str) -> list[str]:
    """The first failed resources of the stack's latest events: why it failed."""
    cfn = await ctx.aws.client("cloudformation")
    try:
        events = (await cfn.describe_stack_events(StackName=stack_id)).get("StackEvents", [])
    except Exception:  # noqa: BLE001 - the reasons are a courtesy; the status says enough
        return []
    failed = [e for e in events if str(e.get("ResourceStatus", "")).endswith("_FAILED")
              and e.get("ResourceStatusReason")]
    return [f"{shown(e.get('LogicalResourceId', '?'))} {e.get('ResourceStatus')}: "
            f"{shown(e.get('ResourceStatusReason', ''), 300)}"
            for e in reversed(failed[-FAILED_EVENTS_SHOWN:])]


async def describe(ctx: ActionContext, stack_id: str) -> dict[str, Any] | None:
    """The stack (by id, so a deleted one still answers), or None when AWS has forgotten it."""
    cfn = await ctx.aws.client("cloudformation")
    try:
        stacks = (await cfn.describe_stacks(StackName=stack_id)).get("Stacks", [])
    except Exception as exc:
        if error_code(exc) == "ValidationError" and "does not exist" in str(exc):
            return None
        raise
    return stacks[0] if stacks else None


async def wait_for(ctx: ActionContext, stack_id: str, goal: str, progress: Progress, *,
                   label: str, poll_s: float, timeout_s: float,
                   span: tuple[float, float] = (0.0, 1.0)) -> None:
    """Poll until the stack is `goal` (a forgotten stack counts as DELETE_COMPLETE).

    Raises `ActionError` naming the status, its reason and the failed resources when the stack
    fails or rolls back, and the status it is still in when `timeout_s` passes."""
    started = time.monotonic()
    low, high = span
    while True:
        stack = await describe(ctx, stack_id)
        status = "DELETE_COMPLETE" if stack is None else str(stack.get("StackStatus", ""))
        waited = time.monotonic() - started
        if status == goal:
            progress(f"{label}: {status} after {int(waited)} s", high)
            return
        if is_failure_status(status) or (goal == "CREATE_COMPLETE"
                                         and status == "DELETE_COMPLETE"):
            reasons = await failure_reasons(ctx, stack_id)
            why = shown((stack or {}).get("StackStatusReason") or "", 300)
            raise ActionError(f"{label}: the stack is {status}" + (f" ({why})" if why else "")
                              + ("; " + "; ".join(reasons) if reasons else ""))
        if waited >= timeout_s:
            raise ActionError(f"{label}: still {status} after {int(waited)} s; watch the stack "
                              "pane (1)")
        progress(f"{label}: {status} ({int(waited)} s)",
                 low + (high - low) * min(0.95, waited / timeout_s))
        await asyncio.sleep(poll_s)
