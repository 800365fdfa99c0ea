"""DescribeAlarmHistory for the emulator: moto 5.2.5 records each alarm's earlier states
(`Alarm.history`) but serves no DescribeAlarmHistory (an HTML 500). Installed with the other
patches, this answers it as AWS documents: StateUpdate items with HistoryData JSON (oldState,
newState with its stateReason), newest first, filtered by AlarmName, HistoryItemType and
StartDate/EndDate, paged by MaxRecords/NextToken. A state set again with the same value is no
transition, as on AWS. moto internals, listed in `backend.INTERNALS`.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

from moto.core.responses import ActionResult

_PATCH_MARK = "_incident_console_demo_patch"


def _naive(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def transitions(alarm: Any) -> list[dict[str, Any]]:
    """The alarm's state changes, oldest first, as AlarmHistoryItems."""
    states = [(h[3], h[4], h[1]) for h in alarm.history if h and h[0] == "StateUpdate"]
    current_at = (getattr(alarm, "state_transitioned_timestamp", None)
                  or alarm.state_updated_timestamp)
    states.append((alarm.state_value, current_at, alarm.state_reason))
    items = []
    for (old, _, old_reason), (new, at, reason) in itertools.pairwise(states):
        if old == new:
            continue
        data = {"version": "1.0",
                "oldState": {"stateValue": old, "stateReason": old_reason},
                "newState": {"stateValue": new, "stateReason": reason}}
        items.append({
            "AlarmName": alarm.name,
            "AlarmType": "CompositeAlarm" if getattr(alarm, "rule", None) else "MetricAlarm",
            "Timestamp": at, "HistoryItemType": "StateUpdate",
            "HistorySummary": f"Alarm updated from {old} to {new}",
            "HistoryData": json.dumps(data)})
    return items


def describe_alarm_history(self: Any) -> ActionResult:
    name = self._get_param("AlarmName")
    kind = self._get_param("HistoryItemType")
    start, end = _naive(self._get_param("StartDate")), _naive(self._get_param("EndDate"))
    alarms = self.cloudwatch_backend.alarms
    items = [item for alarm in alarms.values() if not name or alarm.name == name
             for item in transitions(alarm)
             if (not kind or item["HistoryItemType"] == kind)
             and (start is None or item["Timestamp"] >= start)
             and (end is None or item["Timestamp"] <= end)]
    items.sort(key=lambda i: i["Timestamp"],
               reverse=self._get_param("ScanBy") != "TimestampAscending")
    token = self._get_param("NextToken")
    offset = int(token) if token and str(token).isdigit() else 0
    size = int(self._get_param("MaxRecords") or 100)
    page = items[offset:offset + size]
    more = offset + size < len(items)
    return ActionResult({"AlarmHistoryItems": page,
                         **({"NextToken": str(offset + size)} if more else {})})


def install() -> None:
    """Serve DescribeAlarmHistory (idempotent)."""
    from moto.cloudwatch.responses import CloudWatchResponse

    if getattr(getattr(CloudWatchResponse, "describe_alarm_history", None), _PATCH_MARK, False):
        return
    setattr(describe_alarm_history, _PATCH_MARK, True)
    CloudWatchResponse.describe_alarm_history = describe_alarm_history  # type: ignore[attr-defined]
