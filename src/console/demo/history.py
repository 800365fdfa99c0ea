"""CloudFormation event timelines: how the stack was created, routinely updated, and (in the
stack-rollback scenario) how an update failed and rolled back.

moto records only stack-level events and never a failure; these timelines are what
DescribeStackEvents returns once backend.set_stack_history installs them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from console.demo import names as n
from console.demo.specs import StackEventSpec

STACK_TYPE = "AWS::CloudFormation::Stack"
# How long each resource type takes to create, roughly as on AWS (seconds).
_CREATE_SECONDS = {
    "AWS::CloudFront::Distribution": 290, "AWS::CertificateManager::Certificate": 160,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": 185, "AWS::ECS::Service": 95,
    "AWS::IAM::Role": 17, "AWS::Route53::HostedZone": 48, "AWS::Route53::RecordSet": 41,
}
FAILED_CONTAINER = "web"  # the failed update renamed the container `app` to this

SERVICE_UPDATE_FAILURE = (
    'Resource handler returned message: "Invalid request provided: UpdateService error: '
    f"The container {n.CONTAINER} does not exist in the task definition. (Service: AmazonECS; "
    "Status Code: 400; Error Code: InvalidParameterException; Request ID: "
    '6f3c1a52-9b7e-4d0e-8a41-2c5d7e9f0b13; Proxy: null)" (RequestToken: '
    "b1e7d4a2-3c58-6f90-2e14-7a9b0c3d5e61, HandlerErrorCode: InvalidRequest)"
)


def creation_events(resources: list[tuple[str, str, str]],
                    start: datetime) -> tuple[list[StackEventSpec], datetime]:
    """The stack's CREATE timeline for (logical id, type, physical id) in creation order.
    Returns the events (oldest first) and when the stack reached CREATE_COMPLETE."""
    events = [StackEventSpec(start, n.STACK, STACK_TYPE, "CREATE_IN_PROGRESS",
                             "User Initiated")]
    clock = start + timedelta(seconds=3)
    for index, (logical, kind, physical) in enumerate(resources):
        began = clock + timedelta(seconds=index % 3)
        events.append(StackEventSpec(began, logical, kind, "CREATE_IN_PROGRESS"))
        events.append(StackEventSpec(began + timedelta(seconds=1), logical, kind,
                                     "CREATE_IN_PROGRESS", "Resource creation Initiated",
                                     physical))
        done = began + timedelta(seconds=_CREATE_SECONDS.get(kind, 2 + index % 5))
        events.append(StackEventSpec(done, logical, kind, "CREATE_COMPLETE", "", physical))
        clock = max(clock, done if kind in _CREATE_SECONDS else clock + timedelta(seconds=1))
    finished = max(e.timestamp for e in events) + timedelta(seconds=2)
    events.append(StackEventSpec(finished, n.STACK, STACK_TYPE, "CREATE_COMPLETE"))
    events.sort(key=lambda e: e.timestamp)
    return events, finished


def routine_update_events(start: datetime, log_group: str) -> list[StackEventSpec]:
    """A successful update (log retention 14 -> 30 days), oldest first."""
    kind = "AWS::Logs::LogGroup"
    return [
        StackEventSpec(start, n.STACK, STACK_TYPE, "UPDATE_IN_PROGRESS", "User Initiated"),
        StackEventSpec(start + timedelta(seconds=4), "LogGroup", kind, "UPDATE_IN_PROGRESS",
                       "", log_group),
        StackEventSpec(start + timedelta(seconds=5), "LogGroup", kind, "UPDATE_COMPLETE", "",
                       log_group),
        StackEventSpec(start + timedelta(seconds=7), n.STACK, STACK_TYPE,
                       "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"),
        StackEventSpec(start + timedelta(seconds=8), n.STACK, STACK_TYPE, "UPDATE_COMPLETE"),
    ]


def failed_update_events(start: datetime, service_arn: str, old_task_definition: str,
                         new_task_definition: str) -> list[StackEventSpec]:
    """An update that registered a task definition whose container is no longer named `app`;
    UpdateService rejected it (the load balancer still names `app`), a new alarm's creation
    was cancelled, and the stack rolled back. Oldest first."""
    td, svc = "AWS::ECS::TaskDefinition", "AWS::ECS::Service"
    alarm, alarm_type = "EcsRunningTasksLowAlarm", "AWS::CloudWatch::Alarm"

    def at(seconds: int) -> datetime:
        return start + timedelta(seconds=seconds)

    return [
        StackEventSpec(at(0), n.STACK, STACK_TYPE, "UPDATE_IN_PROGRESS", "User Initiated"),
        StackEventSpec(at(6), "TaskDefinition", td, "UPDATE_IN_PROGRESS",
                       "Requested update requires the creation of a new physical resource; "
                       "hence creating one.", old_task_definition),
        StackEventSpec(at(7), "TaskDefinition", td, "UPDATE_IN_PROGRESS",
                       "Resource creation Initiated", new_task_definition),
        StackEventSpec(at(7), alarm, alarm_type, "CREATE_IN_PROGRESS"),
        StackEventSpec(at(8), "TaskDefinition", td, "UPDATE_COMPLETE", "", new_task_definition),
        StackEventSpec(at(10), "Service", svc, "UPDATE_IN_PROGRESS", "", service_arn),
        StackEventSpec(at(12), "Service", svc, "UPDATE_FAILED", SERVICE_UPDATE_FAILURE,
                       service_arn),
        StackEventSpec(at(13), alarm, alarm_type, "CREATE_FAILED",
                       "Resource creation cancelled"),
        StackEventSpec(at(14), n.STACK, STACK_TYPE, "UPDATE_ROLLBACK_IN_PROGRESS",
                       f"The following resource(s) failed to create: [{alarm}]. The following "
                       "resource(s) failed to update: [Service]. "),
        StackEventSpec(at(19), "Service", svc, "UPDATE_IN_PROGRESS", "", service_arn),
        StackEventSpec(at(83), "Service", svc, "UPDATE_COMPLETE", "", service_arn),
        StackEventSpec(at(85), n.STACK, STACK_TYPE,
                       "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"),
        StackEventSpec(at(87), alarm, alarm_type, "DELETE_COMPLETE"),
        StackEventSpec(at(87), "TaskDefinition", td, "DELETE_IN_PROGRESS", "",
                       new_task_definition),
        StackEventSpec(at(88), "TaskDefinition", td, "DELETE_COMPLETE", "", new_task_definition),
        StackEventSpec(at(89), n.STACK, STACK_TYPE, "UPDATE_ROLLBACK_COMPLETE"),
    ]


def nat_gateway_update_events(start: datetime, eip: str,
                              nat_gateway_id: str) -> list[StackEventSpec]:
    """The update that added a NAT gateway (and its Elastic IP) to the VPC; oldest first."""
    eip_type, nat_type = "AWS::EC2::EIP", "AWS::EC2::NatGateway"
    return [
        StackEventSpec(start, n.STACK, STACK_TYPE, "UPDATE_IN_PROGRESS", "User Initiated"),
        StackEventSpec(start + timedelta(seconds=5), "NatGatewayEip", eip_type,
                       "CREATE_IN_PROGRESS"),
        StackEventSpec(start + timedelta(seconds=7), "NatGatewayEip", eip_type,
                       "CREATE_IN_PROGRESS", "Resource creation Initiated", eip),
        StackEventSpec(start + timedelta(seconds=9), "NatGatewayEip", eip_type,
                       "CREATE_COMPLETE", "", eip),
        StackEventSpec(start + timedelta(seconds=11), "NatGateway", nat_type,
                       "CREATE_IN_PROGRESS"),
        StackEventSpec(start + timedelta(seconds=13), "NatGateway", nat_type,
                       "CREATE_IN_PROGRESS", "Resource creation Initiated", nat_gateway_id),
        StackEventSpec(start + timedelta(seconds=107), "NatGateway", nat_type,
                       "CREATE_COMPLETE", "", nat_gateway_id),
        StackEventSpec(start + timedelta(seconds=110), n.STACK, STACK_TYPE,
                       "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"),
        StackEventSpec(start + timedelta(seconds=111), n.STACK, STACK_TYPE, "UPDATE_COMPLETE"),
    ]
