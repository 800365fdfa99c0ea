"""FilterLogEvents pages parsed by `json.loads` alone, not walked shape by shape by botocore.

botocore's JSON parser visits every member of every event through its service model: in a
burst, a page of 10,000 events cost ~0.1 s of the event loop (most of the tail's CPU, and the
largest part of its latency after the poll interval). The members of a `FilteredLogEvent`
(logStreamName, timestamp, message, ingestionTime, eventId) are strings and longs, which
botocore's JSON parser hands out as `json.loads` made them, so an event with only those members,
none of them null, is already what botocore would give.

`parse_events_directly(client)` registers a `before-parse` handler (botocore's documented hook
for this: what it puts in `customized_response_dict` is merged into the parsed response): it
takes the `events` list out of a successful answer's body and leaves the rest (nextToken,
searchedLogStreams, the response metadata, every error) to botocore. An events list of any
other shape is left to botocore too.
"""

from __future__ import annotations

import json
from typing import Any

EVENT = "before-parse.cloudwatch-logs.FilterLogEvents"
HANDLER_ID = "incident-console-filter-log-events-events"
MEMBERS = frozenset({"logStreamName", "timestamp", "message", "ingestionTime", "eventId"})


def parse_events_directly(client: Any) -> None:
    """Parse `client`'s FilterLogEvents events with `json.loads` (idempotent; a client that is
    not botocore's, such as the tests' in-memory store, is left as it is)."""
    emitter = getattr(getattr(client, "meta", None), "events", None)
    if emitter is not None:
        emitter.register(EVENT, take_events, unique_id=HANDLER_ID)


def take_events(response_dict: dict[str, Any] | None = None,
                customized_response_dict: dict[str, Any] | None = None, **_: Any) -> None:
    """Move a 200 answer's events from the body into `customized_response_dict`."""
    if (response_dict is None or customized_response_dict is None
            or response_dict.get("status_code") != 200):
        return
    body = response_dict.get("body")
    if not isinstance(body, bytes | str) or not body:
        return
    try:
        document = json.loads(body)
    except ValueError:
        return  # botocore reports what is wrong with it
    if not isinstance(document, dict):
        return
    events = document.get("events")
    if not isinstance(events, list) or not all(map(_plain_event, events)):
        return
    del document["events"]
    response_dict["body"] = json.dumps(document).encode()
    customized_response_dict["events"] = events


def _plain_event(event: Any) -> bool:
    """Whether botocore would hand `event` out unchanged: it keeps only the model's members
    and drops those that are null; the values themselves it passes through."""
    return type(event) is dict and event.keys() <= MEMBERS and None not in event.values()
