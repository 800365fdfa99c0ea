"""Names that differ where the resources differ (issue 11 point 1).

Every resource of a deployment carries the stack's name (``children-drawing-prod-ecs-cpu-high``),
so a narrow column cut at its end shows the same prefix on every row. Tables show the part
after the deployment's common prefix, AWS service names by their short forms (ECS, ELB…), and
when a name must still be cut, they cut it in the middle and keep its tail: the part that
tells rows apart. The detail, the filter and copying keep the full name.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
_SEPARATORS = "-_/.: "
STACK_ITSELF = "(stack)"  # the stack's own row: its logical id is the stack's name

# Cost Explorer's SERVICE dimension values, as AWS spells them, and their short forms.
SERVICE_SHORT_NAMES = {
    "Amazon Elastic Container Service": "ECS",
    "Amazon Elastic Container Service for Kubernetes": "EKS",
    "Amazon EC2 Container Registry (ECR)": "ECR",
    "Amazon Elastic Load Balancing": "ELB",
    "Amazon Elastic Compute Cloud - Compute": "EC2",
    "EC2 - Other": "EC2-Other",
    "Amazon Virtual Private Cloud": "VPC",
    "Amazon Simple Storage Service": "S3",
    "Amazon Simple Notification Service": "SNS",
    "Amazon Simple Queue Service": "SQS",
    "Amazon Simple Email Service": "SES",
    "Amazon Relational Database Service": "RDS",
    "Amazon Elastic File System": "EFS",
    "Amazon Elastic Block Store": "EBS",
    "Amazon DynamoDB": "DynamoDB",
    "Amazon CloudFront": "CloudFront",
    "AmazonCloudWatch": "CloudWatch",
    "Amazon CloudWatch": "CloudWatch",
    "CloudWatch Events": "EventBridge",
    "Amazon Route 53": "Route 53",
    "AWS Data Transfer": "Data Transfer",
    "AWS Secrets Manager": "Secrets Manager",
    "AWS Key Management Service": "KMS",
    "AWS Certificate Manager": "ACM",
    "AWS Lambda": "Lambda",
    "AWS WAF": "WAF",
    "AWS Backup": "Backup",
    "AWS CloudTrail": "CloudTrail",
    "AWS Systems Manager": "SSM",
    "AWS Config": "Config",
    "Amazon GuardDuty": "GuardDuty",
    "NAT Gateway": "NAT Gateway",
    "Tax": "Tax",
}
_TRAILING_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9]{1,9})\)\s*$")
_VENDOR = re.compile(r"^(?:Amazon|AWS)\s*")


def service_short_name(service: str) -> str:
    """``Amazon Elastic Container Service`` -> ``ECS``; an unknown ``Amazon Foo Bar (FB)``
    -> ``FB``, else without its ``Amazon``/``AWS`` vendor word (``Foo Bar``)."""
    if service in SERVICE_SHORT_NAMES:
        return SERVICE_SHORT_NAMES[service]
    acronym = _TRAILING_ACRONYM.search(service)
    if acronym:
        return acronym.group(1)
    return _VENDOR.sub("", service).strip() or service


def common_prefix(stack_name: str) -> str:
    """The deployment's common prefix: the stack's name (its separators follow it)."""
    return stack_name.strip()


def without_prefix(name: str, prefix: str) -> str:
    """``children-drawing-prod-ecs-cpu-high`` -> ``ecs-cpu-high`` for the prefix
    ``children-drawing-prod``; the stack's own name -> ``(stack)``. A name that only starts
    with the prefix's letters (``children-drawing-production-drawings``) is kept whole: the
    prefix must end at a separator."""
    if not prefix or not name.lower().startswith(prefix.lower()):
        return name
    rest = name[len(prefix):]
    if not rest:
        return STACK_ITSELF
    if rest[0] not in _SEPARATORS:
        return name
    stripped = rest.lstrip(_SEPARATORS)
    return stripped or STACK_ITSELF


def middle_cut(text: str, width: int) -> str:
    """``children-dr…-cpu-high``: `text` cut to `width` in the middle, the tail kept longer than
    the head (the tail tells resources apart: ``…-cpu-high`` vs ``…-memory-high``)."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    if width == 1:
        return ELLIPSIS
    keep = width - 1
    head = keep // 3
    tail = keep - head
    return text[:head] + ELLIPSIS + text[len(text) - tail:]
