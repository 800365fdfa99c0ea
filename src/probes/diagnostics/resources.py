"""Shared fetches no probe makes: the service's task definition and a role's policies.

Each is fetched once per run (`DiagnosticInputs.shared`) and parsed into frozen data that the
diagnostics' pure evaluations take, so tests can build the same data from documented shapes.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from probes.diagnostics.inputs import DiagnosticInputs


@dataclass(frozen=True)
class ContainerSpec:
    """One container definition, reduced to what the diagnostics read."""

    name: str
    image: str
    ports: tuple[int, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()
    secrets: tuple[tuple[str, str], ...] = ()  # (name, valueFrom): never the value
    log_driver: str = ""
    log_options: tuple[tuple[str, str], ...] = ()
    memory: int | None = None

    def env(self, name: str) -> str | None:
        return next((v for k, v in self.environment if k == name), None)

    def log_option(self, name: str) -> str | None:
        return next((v for k, v in self.log_options if k == name), None)


@dataclass(frozen=True)
class TaskDefinitionSpec:
    arn: str
    cpu: str
    memory: str
    task_role_arn: str
    execution_role_arn: str
    containers: tuple[ContainerSpec, ...]

    @property
    def revision(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


def parse_task_definition(raw: dict[str, Any]) -> TaskDefinitionSpec:
    """From DescribeTaskDefinition's ``taskDefinition`` object."""
    containers = tuple(
        ContainerSpec(
            name=c.get("name", ""),
            image=c.get("image", ""),
            ports=tuple(int(p["containerPort"]) for p in c.get("portMappings", [])
                        if p.get("containerPort") is not None),
            environment=tuple((e.get("name", ""), str(e.get("value", "")))
                              for e in c.get("environment", [])),
            secrets=tuple((s.get("name", ""), s.get("valueFrom", ""))
                          for s in c.get("secrets", [])),
            log_driver=(c.get("logConfiguration") or {}).get("logDriver", "") or "",
            log_options=tuple(sorted(
                ((c.get("logConfiguration") or {}).get("options") or {}).items())),
            memory=c.get("memory"),
        )
        for c in raw.get("containerDefinitions", [])
    )
    return TaskDefinitionSpec(
        arn=raw.get("taskDefinitionArn", ""),
        cpu=str(raw.get("cpu", "") or ""),
        memory=str(raw.get("memory", "") or ""),
        task_role_arn=raw.get("taskRoleArn", "") or "",
        execution_role_arn=raw.get("executionRoleArn", "") or "",
        containers=containers,
    )


def current_task_definition_arn(inputs: DiagnosticInputs) -> str | None:
    """The service's current task definition (from the ECS snapshot), else discovery's."""
    service = inputs.snapshot_or_none("ecs")
    if service is not None and service.task_definition:
        return service.task_definition
    return inputs.deployment.task_definition


async def task_definition(inputs: DiagnosticInputs) -> TaskDefinitionSpec | None:
    """The service's task definition, fetched once per run; None when none is known."""
    arn = current_task_definition_arn(inputs)
    if not arn:
        return None

    async def fetch() -> TaskDefinitionSpec:
        ecs = await inputs.ctx.client("ecs")
        described = await ecs.describe_task_definition(taskDefinition=arn)
        return parse_task_definition(described["taskDefinition"])

    return await inputs.shared(f"task-definition:{arn}", fetch)


@dataclass(frozen=True)
class RolePolicies:
    """Every policy document attached to a role, inline and managed."""

    role_name: str
    role_arn: str
    documents: tuple[tuple[str, dict[str, Any]], ...]  # (policy name, document)
    exists: bool = True


def role_name_of(arn_or_name: str) -> str:
    """``arn:aws:iam::1:role/path/name`` -> ``name``."""
    return arn_or_name.rsplit("/", 1)[-1]


def parse_policy_document(document: Any) -> dict[str, Any]:
    """A policy document as IAM may return it: a dict (botocore decodes it), URL-encoded
    JSON (the raw API), or the Python repr some emulators store. Unreadable -> empty."""
    if isinstance(document, dict):
        return document
    if not isinstance(document, str):
        return {}
    for text in (document, unquote(document)):
        try:
            parsed = json.loads(text)
        except ValueError:
            try:
                parsed = ast.literal_eval(text)  # literals only: safe on untrusted text
            except (ValueError, SyntaxError):
                continue
        if isinstance(parsed, dict):
            return parsed
    return {}


async def role_policies(inputs: DiagnosticInputs, role: str) -> RolePolicies:
    """Inline and attached policies of `role` (name or ARN), fetched once per run."""
    name = role_name_of(role)

    async def fetch() -> RolePolicies:
        iam = await inputs.ctx.client("iam")
        try:
            arn = (await iam.get_role(RoleName=name))["Role"].get("Arn", role)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "NoSuchEntity":
                return RolePolicies(name, role, (), exists=False)
            raise
        documents: list[tuple[str, dict[str, Any]]] = []
        async for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
            for policy_name in page.get("PolicyNames", []):
                got = await iam.get_role_policy(RoleName=name, PolicyName=policy_name)
                documents.append((policy_name, parse_policy_document(got["PolicyDocument"])))
        attached = iam.get_paginator("list_attached_role_policies")
        async for page in attached.paginate(RoleName=name):
            for policy in page.get("AttachedPolicies", []):
                policy_arn = policy["PolicyArn"]
                meta = (await iam.get_policy(PolicyArn=policy_arn))["Policy"]
                version = await iam.get_policy_version(
                    PolicyArn=policy_arn, VersionId=meta["DefaultVersionId"])
                documents.append((policy.get("PolicyName", policy_arn), parse_policy_document(
                    version["PolicyVersion"].get("Document"))))
        return RolePolicies(name, arn, tuple(documents))

    return await inputs.shared(f"role:{name}", fetch)
