"""The emulator's strict mode: where moto is lenient and AWS is not, answer as AWS does.

Paging (stack events and ListTasks at 100 a page), composite alarms and DescribeAlarms'
AlarmTypes, FilterLogEvents refusing unknown stream names, and log events ingested late
(`delay_log_ingestion`: a late ingestionTime, unsearchable until then). Off by default; the tests'
`strict_emulator` fixture turns it on. moto internals, listed in `backend.INTERNALS`.
"""

from __future__ import annotations

import time
from typing import Any

from moto.core.responses import ActionResult

_PATCH_MARK = "_incident_console_demo_patch"

# -- strict mode: paging and alarms as AWS does them ------------------------------------------
# moto returns every DescribeStackEvents event and every ListTasks ARN in one page, serves no
# PutCompositeAlarm and ignores DescribeAlarms' AlarmTypes. With strict paging and alarms on,
# the same calls answer as AWS does: 100 stack events a page, ListTasks at most 100 a page
# (maxResults honoured), composite alarms stored, and only the AlarmTypes asked for (AWS's
# default: metric alarms only). Off by default; `enable_strict_paging_and_alarms()` turns it on.

STACK_EVENTS_PAGE = 100
LIST_TASKS_PAGE = 100
_strict = {"paging_and_alarms": False}
_STRICT_MARK = "_incident_console_strict"


def _page(items: list[Any], token: str | None, size: int) -> tuple[list[Any], str | None]:
    start = int(token) if token and token.isdigit() else 0
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


def _strict_describe_stack_events(self: Any) -> Any:
    events = self.cloudformation_backend.describe_stack_events(
        self._get_param("StackName"))[::-1]
    page, token = _page(events, self._get_param("NextToken"), STACK_EVENTS_PAGE)
    return ActionResult({"StackEvents": page, **({"NextToken": token} if token else {})})


def _strict_list_tasks(self: Any) -> Any:
    tasks = self.ecs_backend.list_tasks(
        self._get_param("cluster", "default"), self._get_param("containerInstance"),
        self._get_param("family"), self._get_param("startedBy"),
        self._get_param("serviceName"), self._get_param("desiredStatus"))
    size = min(int(self._get_param("maxResults") or LIST_TASKS_PAGE), LIST_TASKS_PAGE)
    page, token = _page([t.task_arn for t in tasks], self._get_param("nextToken"), size)
    return ActionResult({"taskArns": page, **({"nextToken": token} if token else {})})


def _strict_describe_alarms(self: Any, original: Any) -> Any:
    result = original(self)
    types = self._get_param("AlarmTypes") or ["MetricAlarm"]
    for alarm in result.result.get("CompositeAlarms", []):  # what AWS serves for a composite
        alarm.alarm_rule = alarm.rule
    return ActionResult({key: value for key, value in result.result.items()
                         if key.removesuffix("s") in types})


def _switch(cls: Any, name: str, strict: Any) -> None:
    """Route `cls.name` to `strict` while strict mode is on (installed once)."""
    original = getattr(cls, name, None)
    if getattr(original, _STRICT_MARK, False):
        return

    def dispatch(self: Any) -> Any:
        if _strict["paging_and_alarms"]:
            return strict(self, original) if name == "describe_alarms" else strict(self)
        if original is None:
            raise NotImplementedError(name)
        return original(self)

    setattr(dispatch, _STRICT_MARK, True)
    setattr(cls, name, dispatch)


def enable_strict_paging_and_alarms(on: bool = True) -> None:
    """Page stack events and tasks at 100, store composite alarms, honour AlarmTypes."""
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.ecs.responses import EC2ContainerServiceResponse

    _switch(CloudFormationResponse, "describe_stack_events", _strict_describe_stack_events)
    _switch(EC2ContainerServiceResponse, "list_tasks", _strict_list_tasks)
    _switch(CloudWatchResponse, "describe_alarms", _strict_describe_alarms)
    _switch(CloudWatchResponse, "put_composite_alarm", CloudWatchResponse.put_metric_alarm)
    _strict["paging_and_alarms"] = on


# -- strict logs ----------------------------------------------------------------------------

def strict_log_stream_names(enabled: bool = True) -> None:
    """Make FilterLogEvents reject a request naming a stream that does not exist, as AWS does
    (ResourceNotFoundException for the whole request); moto ignores unknown names. A piece of
    the emulator's strict mode: the strict-mode switch turns it on with the rest."""
    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.models import LogGroup

    current = LogGroup.filter_log_events
    original = getattr(current, "__wrapped__", current)
    if not enabled:
        LogGroup.filter_log_events = original  # type: ignore[method-assign]
        return
    if getattr(current, _PATCH_MARK, False):
        return

    def filter_log_events(self: LogGroup, log_group_name: str, log_stream_names: list[str],
                          *args: Any, **kwargs: Any) -> Any:
        if any(name not in self.streams for name in log_stream_names or ()):
            raise ResourceNotFoundException("The specified log stream does not exist.")
        return original(self, log_group_name, log_stream_names, *args, **kwargs)

    setattr(filter_log_events, _PATCH_MARK, True)
    filter_log_events.__wrapped__ = original  # type: ignore[attr-defined]
    LogGroup.filter_log_events = filter_log_events  # type: ignore[method-assign]


# -- strict logs: late ingestion ------------------------------------------------------------
# moto stores every PutLogEvents batch at once, with ingestionTime = now: no event ever becomes
# searchable after its neighbours, so late-event handling never meets a late event. AWS ingests
# a stream flushed late, or a client's buffered batch, well after its timestamps. With late
# ingestion on, the chosen batches get ingestionTime = put time + delay and stay invisible to
# FilterLogEvents (and GetLogEvents) until that time has passed on the emulator's clock.

_late = {"delay_ms": 0, "prefix": None, "every": 1, "clock": None}
_batches: dict[tuple[str, str], int] = {}
_delayed: set[str] = set()  # eventIds of the events ingested late


def _emulator_now_ms() -> int:
    clock = _late["clock"]
    return int(clock()) if clock is not None else int(time.time() * 1000)


def _visible(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not _late["delay_ms"]:
        return events
    now = _emulator_now_ms()
    return [e for e in events
            if e["ingestionTime"] <= now or str(e.get("eventId")) not in _delayed]


def delay_log_ingestion(delay_ms: int = 0, *, stream_prefix: str | None = None,
                        every: int = 1, clock: Any = None) -> None:
    """Ingest every `every`-th PutLogEvents batch of each stream (of the streams whose names
    start with `stream_prefix`; all when None) `delay_ms` late: its events carry that late
    ingestionTime and are found by FilterLogEvents/GetLogEvents only once the emulator's clock
    (`clock()`, ms; default the real time) reaches it. `delay_ms=0` turns it off."""
    from moto.logs.models import LogStream

    _late.update(delay_ms=max(0, int(delay_ms)), prefix=stream_prefix, every=max(1, every),
                 clock=clock)
    _batches.clear()
    _delayed.clear()
    if getattr(LogStream.put_log_events, _PATCH_MARK, False):
        return
    put, filtered, got = (LogStream.put_log_events, LogStream.filter_log_events,
                          LogStream.get_log_events)

    def put_log_events(self: LogStream, log_events: list[dict[str, Any]]) -> Any:
        before = len(self.events)
        result = put(self, log_events)
        name = self.log_stream_name
        if _late["delay_ms"] and name.startswith(_late["prefix"] or ""):
            key = (self.log_group.name, name)
            _batches[key] = _batches.get(key, 0) + 1
            if _batches[key] % _late["every"] == 0:
                arrives = _emulator_now_ms() + _late["delay_ms"]
                for event in self.events[before:]:
                    event.ingestion_time = arrives
                    _delayed.add(str(event.event_id))
        return result

    def filter_log_events(self: LogStream, *args: Any, **kwargs: Any) -> Any:
        return _visible(filtered(self, *args, **kwargs))

    def get_log_events(self: LogStream, *args: Any, **kwargs: Any) -> Any:
        events, back, forward = got(self, *args, **kwargs)
        if not _late["delay_ms"]:
            return events, back, forward
        now = _emulator_now_ms()
        hidden = {(e.timestamp, e.ingestion_time, e.message) for e in self.events
                  if e.ingestion_time > now and str(e.event_id) in _delayed}
        return [e for e in events if (e["timestamp"], e["ingestionTime"], e["message"])
                not in hidden], back, forward

    for name, patched in (("put_log_events", put_log_events),
                          ("filter_log_events", filter_log_events),
                          ("get_log_events", get_log_events)):
        setattr(patched, _PATCH_MARK, True)
        setattr(LogStream, name, patched)
