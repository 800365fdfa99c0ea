"""14.3: the stack's root cause is read however many events followed it, and inside nested
stacks. Against the strict emulator (DescribeStackEvents paged at 100 as on AWS) and, for
DescribeEvents (which moto does not serve), from the response shape AWS documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import boto3
from aiobotocore.awsrequest import AioAWSResponse

from console.demo import backend
from console.demo import names as n
from console.demo.specs import StackEventSpec
from probes.context import AwsContext
from probes.diagnostics.stack import evaluate_stack
from probes.stack import StackProbe

ROOT_REASON = ("children-drawing-production-drawings-123456789012 already exists in stack "
               "arn:aws:cloudformation:eu-west-1:123456789012:stack/other/1")
NESTED_REASON = ("Resource handler returned message: \"Invalid request provided: "
                 "CannotPullContainerError\" (RequestToken: 1, HandlerErrorCode: InvalidRequest)")
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def failed_create(stack: str, resources: int, failing: str, reason: str,
                  rtype: str = "AWS::S3::Bucket") -> list[StackEventSpec]:
    """A create of `resources` resources in which `failing` fails first: CloudFormation cancels
    the others, rolls back and deletes them all (oldest first, as DescribeStackEvents'
    reverse)."""
    t = iter(T0 + timedelta(seconds=i) for i in range(10_000))
    stack_type = "AWS::CloudFormation::Stack"
    names = [failing] + [f"Resource{i:02d}" for i in range(1, resources)]
    events = [StackEventSpec(next(t), stack, stack_type, "CREATE_IN_PROGRESS", "User Initiated")]
    events += [StackEventSpec(next(t), name, "AWS::SNS::Topic", "CREATE_IN_PROGRESS")
               for name in names]
    events.append(StackEventSpec(next(t), failing, rtype, "CREATE_FAILED", reason))
    events += [StackEventSpec(next(t), name, "AWS::SNS::Topic", "CREATE_FAILED",
                              "Resource creation cancelled") for name in names[1:]]
    events.append(StackEventSpec(next(t), stack, stack_type, "ROLLBACK_IN_PROGRESS",
                                 f"The following resource(s) failed to create: [{failing}]."))
    for status in ("DELETE_IN_PROGRESS", "DELETE_COMPLETE"):
        events += [StackEventSpec(next(t), name, "AWS::SNS::Topic", status) for name in names]
    events.append(StackEventSpec(next(t), stack, stack_type, "ROLLBACK_COMPLETE"))
    return events


def cfn(handle):
    return boto3.client("cloudformation", region_name=n.REGION, endpoint_url=handle.endpoint_url,
                        aws_access_key_id="x", aws_secret_access_key="x")


async def collect(handle, tamper=None):
    async with AwsContext(handle.settings()) as ctx:
        if tamper is not None:
            await tamper(await ctx.client("cloudformation"))
        return await StackProbe(ctx, n.STACK).collect()


def root_cause_line(snapshot) -> str:
    [finding] = evaluate_stack(snapshot)
    return dict(finding.evidence)["root cause"]


async def test_root_cause_found_after_more_than_a_page_of_rollback_events(strict_emulator):
    handle = strict_emulator("healthy")
    events = failed_create(n.STACK, 40, "DrawingsBucket", ROOT_REASON)
    first_failure = next(i for i, e in enumerate(events) if e.status == "CREATE_FAILED")
    assert len(events) - first_failure - 1 > 100  # the failure is not on the first page
    backend.set_stack_history(n.STACK, events, status="ROLLBACK_COMPLETE", created_at=T0)

    snapshot = await collect(handle)

    assert root_cause_line(snapshot) == f"DrawingsBucket: {ROOT_REASON}"
    assert snapshot.root_causes[0].logical_id == "DrawingsBucket"


async def test_a_nested_stacks_failure_is_followed_into_its_events(strict_emulator):
    handle = strict_emulator("healthy")
    nested = f"{n.STACK}-ServiceStack-1ABCDEF"
    nested_id = cfn(handle).create_stack(StackName=nested, TemplateBody=(
        '{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}'))["StackId"]
    backend.set_stack_history(nested, failed_create(nested, 5, "Service", NESTED_REASON,
                                                    "AWS::ECS::Service"),
                              status="ROLLBACK_COMPLETE", created_at=T0)
    embedded = (f"Embedded stack {nested_id} was not successfully created: The following "
                "resource(s) failed to create: [Service].")
    parent = failed_create(n.STACK, 3, "ServiceStack", embedded, "AWS::CloudFormation::Stack")
    backend.set_stack_history(n.STACK, parent, status="ROLLBACK_COMPLETE", created_at=T0)

    snapshot = await collect(handle)

    assert root_cause_line(snapshot) == f"Service: {NESTED_REASON}"
    inner = [e for e in snapshot.failures if e.stack == nested]
    assert [e.logical_id for e in inner if e.reason == NESTED_REASON] == ["Service"]


# DescribeEvents: the documented response (moto answers it with an HTML 500).
OPERATION_ID = "1c5e5a6e-0f1d-4d3b-9c3a-6f0a1f2b3c4d"
DESCRIBE_EVENTS = f"""<DescribeEventsResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeEventsResult><OperationEvents><member>
    <EventId>DrawingsBucket-CREATE_FAILED-2026-11-28T09:00:41.000Z</EventId>
    <StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/{n.STACK}/1</StackId>
    <OperationId>{OPERATION_ID}</OperationId><OperationType>CREATE_STACK</OperationType>
    <EventType>PROVISIONING_ERROR</EventType><LogicalResourceId>DrawingsBucket</LogicalResourceId>
    <ResourceType>AWS::S3::Bucket</ResourceType><Timestamp>2026-11-28T09:00:41.000Z</Timestamp>
    <ResourceStatus>CREATE_FAILED</ResourceStatus>
    <ResourceStatusReason>{ROOT_REASON}</ResourceStatusReason>
  </member></OperationEvents></DescribeEventsResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</DescribeEventsResponse>""".encode()


class _Body:
    def __init__(self, body: bytes):
        self.body = body

    async def read(self) -> bytes:
        return self.body


def with_last_operations(parsed, **_):
    """DescribeStacks as the pinned botocore models it: the stack's LastOperations."""
    for stack in parsed.get("Stacks", []):
        stack["LastOperations"] = [{"OperationType": "CREATE_STACK",
                                    "OperationId": OPERATION_ID}]


async def test_describe_events_is_asked_for_the_operations_failures(strict_emulator):
    handle = strict_emulator("healthy")
    backend.set_stack_history(n.STACK, failed_create(n.STACK, 40, "Other", "not this one"),
                              status="ROLLBACK_COMPLETE", created_at=T0)
    sent: list[dict] = []

    def answer(request, **_):
        sent.append(parse_qs(request.body.decode() if isinstance(request.body, bytes)
                             else request.body))
        return AioAWSResponse(request.url, 200, {"Content-Type": "text/xml"},
                              _Body(DESCRIBE_EVENTS))

    async def tamper(client) -> None:
        client.meta.events.register("after-call.cloudformation.DescribeStacks",
                                    with_last_operations)
        client.meta.events.register("before-send.cloudformation.DescribeEvents", answer)

    snapshot = await collect(handle, tamper)

    assert sent and sent[0]["OperationId"] == [OPERATION_ID]
    assert sent[0]["Filters.FailedEvents"] == ["true"]
    assert root_cause_line(snapshot) == f"DrawingsBucket: {ROOT_REASON}"


async def test_an_endpoint_without_describe_events_falls_back_to_paging(strict_emulator):
    handle = strict_emulator("healthy")
    backend.set_stack_history(n.STACK, failed_create(n.STACK, 40, "DrawingsBucket", ROOT_REASON),
                              status="ROLLBACK_COMPLETE", created_at=T0)

    async def tamper(client) -> None:  # moto answers DescribeEvents with an HTML 500
        client.meta.events.register("after-call.cloudformation.DescribeStacks",
                                    with_last_operations)

    snapshot = await collect(handle, tamper)

    assert root_cause_line(snapshot) == f"DrawingsBucket: {ROOT_REASON}"
