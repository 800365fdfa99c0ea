"""The AWS records the changes timeline reads: stack events, task-definition revisions and the
alarms' state history. Each reader returns `ChangeEntry` items at or after `since`, built from
AWS's own text (the event's status and reason, the alarm's state reason).

Calls: DescribeStackEvents (newest first, paged back until `since` or an event already read),
ListTaskDefinitions + DescribeTaskDefinition (the newest revisions of the service's family,
until one registered before `since`), DescribeAlarmHistory (state updates since `since`, paged,
kept for the deployment's alarms).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from datetime import datetime

from probes.change_entry import ChangeEntry
from probes.stack import StackEvent, _event

MAX_STACK_EVENT_PAGES = 60  # 6,000 events: far more than any 24 h of one stack
MAX_TASK_DEFINITIONS = 10  # newest revisions described per read
MAX_ALARM_HISTORY_PAGES = 20  # 2,000 state updates
_REVISION = re.compile(r":(\d+)$")


# -- CloudFormation -----------------------------------------------------------------------

def stack_entry(event: StackEvent, stack: str) -> ChangeEntry:
    """`ServiceDefinition UPDATE_FAILED: <AWS's reason>`."""
    reason = f": {event.reason}" if event.reason else ""
    resource = stack if event.logical_id == stack else f"{stack}/{event.logical_id}"
    return ChangeEntry(
        at=event.timestamp, kind="stack", resource=resource,
        summary=f"{event.logical_id} {event.status}{reason}",
        detail=(("event id", event.event_id), ("resource type", event.resource_type),
                ("physical id", event.physical_id), ("status", event.status),
                ("reason", event.reason), ("source", "CloudFormation DescribeStackEvents")))


async def read_stack_events(cfn, stack: str, since: datetime,
                            known: Collection[str] = ()) -> tuple[list[StackEvent], bool]:
    """Events at or after `since`, newest first, stopping at the first event id in `known`
    (read by an earlier call). Returns (events, complete): not complete when the page limit
    stopped the read before reaching `since`."""
    found: list[StackEvent] = []
    kwargs = {"StackName": stack}
    for _ in range(MAX_STACK_EVENT_PAGES):
        page = await cfn.describe_stack_events(**kwargs)
        for raw in page.get("StackEvents", []):
            if raw["EventId"] in known:
                return found, True
            event = _event(raw)
            if event.timestamp < since:
                return found, True
            found.append(event)
        token = page.get("NextToken")
        if not token:
            return found, True
        kwargs["NextToken"] = token
    return found, False


# -- ECS task definitions -------------------------------------------------------------------

def _revision_number(arn: str) -> int:
    match = _REVISION.search(arn)
    return int(match.group(1)) if match else -1


def family_of(task_definition_arn: str) -> str:
    """`children-drawing-prod-app` from `arn:...:task-definition/children-drawing-prod-app:7`."""
    return task_definition_arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]


def task_definition_entry(raw: dict) -> ChangeEntry | None:
    """A revision's registration; None when AWS gave no registeredAt."""
    at = raw.get("registeredAt")
    if at is None:
        return None
    name = f"{raw.get('family', '')}:{raw.get('revision', '')}"
    images = ", ".join(c.get("image", "") for c in raw.get("containerDefinitions", [])
                       if c.get("image"))
    sizes = "/".join(v for v in (raw.get("cpu"), raw.get("memory")) if v)
    summary = f"task definition {name} registered" + (f": {images}" if images else "")
    return ChangeEntry(
        at=at, kind="task-definition", resource=name, summary=summary,
        detail=(("task definition", raw.get("taskDefinitionArn", "")),
                ("registered by", raw.get("registeredBy", "")),
                ("images", images), ("cpu/memory", sizes), ("status", raw.get("status", "")),
                ("source", "ECS DescribeTaskDefinition")))


async def read_task_definitions(ecs, family: str, since: datetime) -> list[ChangeEntry]:
    """Registrations of `family` at or after `since`, newest first (at most
    MAX_TASK_DEFINITIONS described)."""
    arns: list[str] = []
    kwargs = {"familyPrefix": family, "sort": "DESC", "maxResults": MAX_TASK_DEFINITIONS}
    page = await ecs.list_task_definitions(**kwargs)
    arns.extend(a for a in page.get("taskDefinitionArns", []) if family_of(a) == family)
    found: list[ChangeEntry] = []
    for arn in sorted(arns, key=_revision_number, reverse=True)[:MAX_TASK_DEFINITIONS]:
        described = await ecs.describe_task_definition(taskDefinition=arn)
        entry = task_definition_entry(described.get("taskDefinition", {}))
        if entry is None:
            continue
        if entry.at < since:
            break
        found.append(entry)
    return found


# -- CloudWatch alarm history ---------------------------------------------------------------

def alarm_history_entry(item: dict) -> ChangeEntry:
    """`OK -> ALARM: Threshold Crossed: ...` from HistoryData (JSON, as AWS documents it);
    AWS's HistorySummary when HistoryData cannot be read."""
    name = item.get("AlarmName", "")
    summary = item.get("HistorySummary", "") or "state updated"
    old = new = reason = ""
    try:
        data = json.loads(item.get("HistoryData") or "{}")
        old = str((data.get("oldState") or {}).get("stateValue", ""))
        new = str((data.get("newState") or {}).get("stateValue", ""))
        reason = str((data.get("newState") or {}).get("stateReason", ""))
    except (ValueError, AttributeError):
        pass
    if old and new:
        summary = f"{old} -> {new}" + (f": {reason}" if reason else "")
    return ChangeEntry(
        at=item["Timestamp"], kind="alarm", resource=name, summary=summary,
        detail=(("alarm", name), ("from", old), ("to", new), ("reason", reason),
                ("history", item.get("HistorySummary", "")), ("source", "DescribeAlarmHistory")))


def alarm_filter(names: Collection[str], prefix: str | None) -> Callable[[str], bool]:
    """The deployment's alarms: by name when discovery listed them, else by prefix."""
    wanted = set(names)
    return lambda name: name in wanted or bool(prefix and name.startswith(prefix))


async def read_alarm_history(cloudwatch, since: datetime, until: datetime,
                             wanted: Callable[[str], bool]) -> tuple[list[ChangeEntry], bool]:
    """State updates of the wanted alarms between `since` and `until`, newest first; (entries,
    complete)."""
    found: list[ChangeEntry] = []
    kwargs = {"HistoryItemType": "StateUpdate", "StartDate": since, "EndDate": until,
              "AlarmTypes": ["MetricAlarm", "CompositeAlarm"], "MaxRecords": 100,
              "ScanBy": "TimestampDescending"}
    for _ in range(MAX_ALARM_HISTORY_PAGES):
        page = await cloudwatch.describe_alarm_history(**kwargs)
        found.extend(alarm_history_entry(item) for item in page.get("AlarmHistoryItems", [])
                     if wanted(item.get("AlarmName", "")) and item.get("Timestamp"))
        token = page.get("NextToken")
        if not token:
            return found, True
        kwargs["NextToken"] = token
    return found, False
