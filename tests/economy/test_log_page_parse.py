"""FilterLogEvents events parsed by json.loads (`probes.log_page_parse`) are what botocore's
own parser gives, against the emulator's answers; anything else is left to botocore."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from probes.context import AwsContext
from probes.log_page_parse import parse_events_directly, take_events
from probes.logs import now_ms

GROUP = "/ecs/economy-parse"
MESSAGES = ["plain", "ünïcödé ✓ 日本", "tab\there", "esc \x1b[2J and bell \x07",
            '{"json": "body", "n": 1}', "x" * 5_000]


def _seed(demo) -> None:
    logs = boto3.client("logs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="x", aws_secret_access_key="x")
    logs.create_log_group(logGroupName=GROUP)
    start = now_ms() - 10_000
    for n in range(3):
        logs.create_log_stream(logGroupName=GROUP, logStreamName=f"s{n}")
        logs.put_log_events(logGroupName=GROUP, logStreamName=f"s{n}", logEvents=[
            {"timestamp": start + i, "message": f"{MESSAGES[i % len(MESSAGES)]} {n}/{i}"}
            for i in range(400)])


async def _pages(settings, fast: bool) -> list[dict]:
    """Every page of the group in pages of 500, with or without the direct parse."""
    async with AwsContext(settings) as ctx:
        logs = await ctx.client("logs")
        if fast:
            parse_events_directly(logs)
            parse_events_directly(logs)  # idempotent: registered once
        pages, request = [], {"logGroupName": GROUP, "limit": 500, "interleaved": True}
        while True:
            page = await logs.filter_log_events(**request)
            pages.append(page)
            if not page.get("nextToken"):
                return pages
            request["nextToken"] = page["nextToken"]


async def test_events_are_what_botocores_parser_gives(scenario):
    demo = scenario("healthy")
    _seed(demo)
    settings = demo.settings()
    slow, fast = await _pages(settings, False), await _pages(settings, True)
    assert sum(len(p["events"]) for p in fast) == 1_200
    assert len(fast) == len(slow) == 3
    for mine, theirs in zip(fast, slow, strict=True):
        assert mine["events"] == theirs["events"]
        assert mine.get("nextToken") == theirs.get("nextToken")
        assert mine.get("searchedLogStreams") == theirs.get("searchedLogStreams")
        assert mine["ResponseMetadata"]["HTTPStatusCode"] == 200


async def test_an_error_is_still_botocores(faulty):
    _, proxy, settings = faulty
    proxy.fail("logs:FilterLogEvents", "throttled")
    async with AwsContext(settings) as ctx:
        logs = await ctx.client("logs")
        parse_events_directly(logs)
        with pytest.raises(ClientError) as raised:
            await logs.filter_log_events(logGroupName="/ecs/anything")
    assert raised.value.response["Error"]["Code"] == "ThrottlingException"


def _answer(events, status: int = 200) -> tuple[dict, dict]:
    body = json.dumps({"events": events, "nextToken": "t"}).encode()
    return {"status_code": status, "headers": {}, "body": body}, {}


@pytest.mark.parametrize("events", [
    [{"eventId": "1", "timestamp": 1, "message": "m", "extra": "botocore drops it"}],
    [{"eventId": "1", "timestamp": None, "message": "m"}],  # botocore drops a null
    [["not", "an", "event"]],
    {"events": "not a list"},
])
def test_an_event_botocore_would_change_is_left_to_it(events):
    answer, custom = _answer(events)
    body = answer["body"]
    take_events(response_dict=answer, customized_response_dict=custom)
    assert custom == {} and answer["body"] == body


def test_only_successful_answers_are_taken():
    events = [{"eventId": "1", "timestamp": 1, "message": "m", "logStreamName": "s",
               "ingestionTime": 2}]
    answer, custom = _answer(events, status=400)
    take_events(response_dict=answer, customized_response_dict=custom)
    assert custom == {}
    answer, custom = _answer(events)
    take_events(response_dict=answer, customized_response_dict=custom)
    assert custom == {"events": events}
    assert json.loads(answer["body"]) == {"nextToken": "t"}
