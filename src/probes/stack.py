"""CloudFormation: the stack's status, its recent events, and the failures of its last operation.

Events are read incrementally: DescribeStackEvents returns newest first, so paging stops at the
first event already seen. The probe keeps a bounded window of recent events.

A failed operation writes more events than one page (~100): a 40-resource create that fails
cancels and deletes the rest after its first CREATE_FAILED. When the stack failed and the window
does not reach back to the operation's start, its failures are read in full: with DescribeEvents
(OperationId from DescribeStacks' LastOperations, failed events only) where the account serves
it, otherwise by paging DescribeStackEvents back to the operation's first stack-level
*_IN_PROGRESS. A nested stack's failure ("Embedded stack ARN was not successfully created") is
followed into that stack's events.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from probes.context import AwsContext
from probes.result import Probe, ProbeResult

# Stack-level statuses that begin an operation (a rollback belongs to the operation it undoes).
OPERATION_STARTS = frozenset({
    "CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "IMPORT_IN_PROGRESS",
})


_CANCELLED = ("Resource creation cancelled", "Resource update cancelled",
              "Resource deletion cancelled", "Resource import cancelled")


_EMBEDDED = re.compile(r"Embedded stack (arn:aws[\w-]*:cloudformation:\S+?:stack/([^/\s]+)/\S+?)"
                       r" was not successfully")
MAX_PAGES_BACK = 30  # 3,000 events: the longest operation the probe reads back through
MAX_NESTED_DEPTH = 3


def is_failure_status(status: str) -> bool:
    return status.endswith("_FAILED") or "ROLLBACK" in status


def is_in_progress(status: str) -> bool:
    return status.endswith("_IN_PROGRESS")


@dataclass(frozen=True)
class StackEvent:
    event_id: str
    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str
    physical_id: str = ""
    stack: str = ""  # the nested stack the event belongs to; "" for the probed stack

    @property
    def is_failure(self) -> bool:
        return is_failure_status(self.status)


@dataclass(frozen=True)
class StackSnapshot:
    name: str
    status: str
    status_reason: str
    last_updated: datetime | None
    events: tuple[StackEvent, ...]  # newest first
    failures: tuple[StackEvent, ...]  # of the latest operation, newest first
    stack_id: str = ""

    @property
    def failed(self) -> bool:
        return is_failure_status(self.status)

    @property
    def root_causes(self) -> tuple[StackEvent, ...]:
        """The failures that explain the rest, oldest first: CloudFormation cancels the other
        resources of a failed operation ("Resource creation cancelled"); the first real
        `*_FAILED` reason is the one to read."""
        return tuple(reversed([
            e for e in self.failures
            if e.status.endswith("_FAILED") and e.reason and not e.reason.startswith(_CANCELLED)
        ]))

    @property
    def in_progress(self) -> bool:
        return is_in_progress(self.status)


def _event(raw: dict, stack: str = "") -> StackEvent:
    """A StackEvent from DescribeStackEvents, or from DescribeEvents (whose validation and hook
    failures carry their reason in their own fields)."""
    status = raw.get("ResourceStatus") or (
        "VALIDATION_FAILED" if raw.get("ValidationStatus") == "FAILED" else "") or (
        "HOOK_FAILED" if str(raw.get("HookStatus", "")).endswith("FAILED") else "")
    return StackEvent(
        event_id=raw["EventId"],
        timestamp=raw["Timestamp"],
        logical_id=raw.get("LogicalResourceId", "") or raw.get("ValidationName", "") or "",
        resource_type=raw.get("ResourceType", "") or "",
        status=status,
        reason=(raw.get("ResourceStatusReason") or raw.get("ValidationStatusReason")
                or raw.get("HookStatusReason") or ""),
        physical_id=raw.get("PhysicalResourceId", "") or "",
        stack=stack,
    )


def is_operation_start(event: StackEvent, stack: str) -> bool:
    return event.logical_id == stack and event.status in OPERATION_STARTS


def nested_stack_failed(event: StackEvent) -> tuple[str, str] | None:
    """(ARN, name) of the nested stack a failure event blames, from its reason."""
    match = _EMBEDDED.search(event.reason)
    return (match.group(1), match.group(2)) if match else None


def latest_operation_failures(events: tuple[StackEvent, ...],
                              stack: str) -> tuple[StackEvent, ...]:
    """Failure events (newest first) since the stack-level event that began the latest
    operation: a failure fixed by a later successful update is history, not a finding."""
    failures: list[StackEvent] = []
    for event in events:
        if event.is_failure:
            failures.append(event)
        if event.logical_id == stack and event.status in OPERATION_STARTS:
            break
    return tuple(failures)


class StackProbe(Probe[StackSnapshot]):
    name = "stack"
    interval_s = 30.0
    busy_interval_s = 5.0

    def __init__(self, ctx: AwsContext, stack: str, *, interval_s: float | None = None,
                 keep_events: int = 200, first_read_pages: int = 1):
        super().__init__(ctx, interval_s=interval_s)
        self.stack = stack
        self._events: deque[StackEvent] = deque(maxlen=keep_events)
        self._seen_newest: str | None = None
        self._first_read_pages = first_read_pages
        self._describe_events = True  # until the endpoint or the role refuses it
        # (status, last updated) of the failed operation read in full -> its failures.
        self._operation: tuple[tuple[str, str], tuple[StackEvent, ...]] | None = None
        self._nested: dict[str, tuple[StackEvent, ...]] = {}  # blaming event id -> failures

    async def collect(self) -> StackSnapshot:
        cfn = await self.ctx.client("cloudformation")
        # The stack and its new events are independent reads: one round trip, not two.
        described, new_events = await asyncio.gather(cfn.describe_stacks(StackName=self.stack),
                                                     self._new_events(cfn))
        stack = described["Stacks"][0]
        for event in reversed(new_events):  # oldest first onto the left end
            self._events.appendleft(event)
        if new_events:
            self._seen_newest = new_events[0].event_id
        events = tuple(self._events)
        failures = latest_operation_failures(events, self.stack)
        if is_failure_status(stack.get("StackStatus", "")) and not any(
                is_operation_start(e, self.stack) for e in events):
            failures = _merge(failures, await self._operation_failures(cfn, stack))
        failures = _merge(failures, await self._nested_failures(cfn, failures))
        return StackSnapshot(
            name=stack.get("StackName", self.stack),
            status=stack.get("StackStatus", ""),
            status_reason=stack.get("StackStatusReason", "") or "",
            last_updated=stack.get("LastUpdatedTime") or stack.get("CreationTime"),
            events=events,
            failures=failures,
            stack_id=stack.get("StackId", ""),
        )

    async def _new_events(self, cfn) -> list[StackEvent]:
        """Events newer than the newest already seen, newest first."""
        found: list[StackEvent] = []
        kwargs = {"StackName": self.stack}
        pages = 0
        while True:
            page = await cfn.describe_stack_events(**kwargs)
            pages += 1
            for raw in page.get("StackEvents", []):
                if raw["EventId"] == self._seen_newest:
                    return found
                found.append(_event(raw))
                if len(found) >= (self._events.maxlen or 200):
                    return found
            token = page.get("NextToken")
            first_read = self._seen_newest is None
            if not token or (first_read and pages >= self._first_read_pages):
                return found
            kwargs["NextToken"] = token

    async def _operation_failures(self, cfn, stack: dict) -> tuple[StackEvent, ...]:
        """Every failure of the stack's latest operation, read once per operation."""
        key = (stack.get("StackStatus", ""),
               str(stack.get("LastUpdatedTime") or stack.get("CreationTime") or ""))
        if self._operation is not None and self._operation[0] == key:
            return self._operation[1]
        operations = [op["OperationId"] for op in stack.get("LastOperations") or []
                      if op.get("OperationId")]
        failures = None
        if operations and self._describe_events:
            failures = await self._failed_events(cfn, operations[:3])
        if failures is None:
            failures = await read_operation_failures(cfn, self.stack)
        self._operation = (key, failures)
        return failures

    async def _failed_events(self, cfn, operations: list[str]) -> tuple[StackEvent, ...] | None:
        """DescribeEvents(OperationId, FailedEvents) for each operation; None when the
        endpoint or the role refuses it (an emulator, an older partition, a missing
        cloudformation:DescribeEvents), which is then not asked again."""
        found: list[StackEvent] = []
        try:
            for operation in operations:
                kwargs = {"OperationId": operation, "Filters": {"FailedEvents": True}}
                for _ in range(MAX_PAGES_BACK):
                    page = await cfn.describe_events(**kwargs)
                    found += [_event(raw, _nested_name(raw, self.stack))
                              for raw in page.get("OperationEvents", [])]
                    if not page.get("NextToken"):
                        break
                    kwargs["NextToken"] = page["NextToken"]
        except (ClientError, BotoCoreError, ResponseParserError, AttributeError) as exc:
            code = exc.response.get("Error", {}).get("Code", "") if isinstance(
                exc, ClientError) else ""
            if "Throttl" not in code:  # refused, not busy: do not ask again
                self._describe_events = False
            return None
        return _merge((), [e for e in found if e.is_failure])

    async def _nested_failures(self, cfn, failures: tuple[StackEvent, ...],
                               depth: int = 0) -> tuple[StackEvent, ...]:
        """The failures inside nested stacks that `failures` blame, followed down; read once
        per blaming event (a finished operation's events do not change)."""
        found: list[StackEvent] = []
        for event in failures:
            blamed = nested_stack_failed(event)
            if blamed is None or any(e.stack == blamed[1] for e in failures):
                continue
            inner = self._nested.get(event.event_id)
            if inner is None:
                inner = await read_operation_failures(cfn, blamed[0], stack_name=blamed[1])
                if depth + 1 < MAX_NESTED_DEPTH:
                    inner = _merge(inner, await self._nested_failures(cfn, inner, depth + 1))
                self._nested[event.event_id] = inner
            found += inner
        return tuple(found)

    def next_interval(self, result: ProbeResult[StackSnapshot]) -> float:
        if result.data is not None and result.data.in_progress:
            return min(self.busy_interval_s, self.interval_s)
        return self.interval_s


def _nested_name(raw: dict, stack: str) -> str:
    """The stack an event of DescribeEvents belongs to, if not the probed one."""
    stack_id = raw.get("StackId", "") or ""
    name = stack_id.split(":stack/", 1)[-1].split("/", 1)[0] if ":stack/" in stack_id else ""
    return "" if name in ("", stack) else name


def _merge(*groups) -> tuple[StackEvent, ...]:
    """Events of several reads, each once, newest first."""
    by_id = {e.event_id: e for group in groups for e in group}
    return tuple(sorted(by_id.values(), key=lambda e: e.timestamp, reverse=True))


async def read_operation_failures(cfn, stack: str, *,
                                  stack_name: str | None = None) -> tuple[StackEvent, ...]:
    """Page DescribeStackEvents back (newest first) to the operation's first stack-level
    *_IN_PROGRESS; its failures, newest first. `stack` is a name or ARN; `stack_name` (for
    a nested stack) is the name its events carry and what they are labelled with."""
    name = stack_name or stack
    events: list[StackEvent] = []
    kwargs = {"StackName": stack}
    for _ in range(MAX_PAGES_BACK):
        page = await cfn.describe_stack_events(**kwargs)
        events += [_event(raw, stack_name or "") for raw in page.get("StackEvents", [])]
        if any(is_operation_start(e, name) for e in events) or not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    return latest_operation_failures(tuple(events), name)
