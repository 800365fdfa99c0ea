"""CloudFormation: the stack's status, its recent events, and the failures of its last operation.

Events are read incrementally: DescribeStackEvents returns newest first, so paging stops at the
first event already seen. The probe keeps a bounded window of recent events.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from probes.context import AwsContext
from probes.result import Probe, ProbeResult

# Stack-level statuses that begin an operation (a rollback belongs to the operation it undoes).
OPERATION_STARTS = frozenset({
    "CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "IMPORT_IN_PROGRESS",
})


_CANCELLED = ("Resource creation cancelled", "Resource update cancelled",
              "Resource deletion cancelled", "Resource import cancelled")


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


def _event(raw: dict) -> StackEvent:
    return StackEvent(
        event_id=raw["EventId"],
        timestamp=raw["Timestamp"],
        logical_id=raw.get("LogicalResourceId", ""),
        resource_type=raw.get("ResourceType", ""),
        status=raw.get("ResourceStatus", ""),
        reason=raw.get("ResourceStatusReason", "") or "",
        physical_id=raw.get("PhysicalResourceId", "") or "",
    )


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
        return StackSnapshot(
            name=stack.get("StackName", self.stack),
            status=stack.get("StackStatus", ""),
            status_reason=stack.get("StackStatusReason", "") or "",
            last_updated=stack.get("LastUpdatedTime") or stack.get("CreationTime"),
            events=events,
            failures=latest_operation_failures(events, self.stack),
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

    def next_interval(self, result: ProbeResult[StackSnapshot]) -> float:
        if result.data is not None and result.data.in_progress:
            return min(self.busy_interval_s, self.interval_s)
        return self.interval_s
