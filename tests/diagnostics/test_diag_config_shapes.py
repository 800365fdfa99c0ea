"""Stack failures, backups and DATABASE_URL, log delivery, IAM policies and the admin secret,
from data in the shapes AWS documents (DescribeStackEvents, GetRolePolicy, DescribeSecret)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.diagnostics.findings import evidence_text

from probes.diagnostics import Severity
from probes.diagnostics import guide as g
from probes.diagnostics.backups import (
    ABSOLUTE,
    MEMORY,
    RELATIVE,
    BackupListing,
    classify_database_url,
    evaluate_backups,
    evaluate_database_url,
)
from probes.diagnostics.logs import ContainerLogging, LogSetup, evaluate_logs
from probes.diagnostics.policy import DENIED, NOT_ALLOWED, Decision, decide, resource_policy_denials
from probes.diagnostics.resources import parse_policy_document
from probes.diagnostics.role_access import POLICIES, RoleAccess
from probes.diagnostics.security import (
    SecretState,
    evaluate_admin_secret,
    evaluate_s3_access,
    references,
)
from probes.diagnostics.stack import evaluate_stack
from probes.stack import StackEvent, StackSnapshot

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
STACK = "children-drawing-prod"
BUCKET = "children-drawing-production-backups-123456789012"


def stack_event(seconds: int, logical: str, kind: str, status: str, reason: str = "") -> StackEvent:
    return StackEvent(f"e{seconds}", NOW + timedelta(seconds=seconds), logical, kind, status,
                      reason)


def snapshot(status: str, *failures: StackEvent) -> StackSnapshot:
    return StackSnapshot(STACK, status, "", NOW, failures, failures)


def test_a_create_rolled_back_on_an_existing_bucket_is_critical_and_names_it():
    bucket = stack_event(10, "DrawingsBucket", "AWS::S3::Bucket", "CREATE_FAILED",
                         f"{BUCKET} already exists")
    cancelled = stack_event(11, "TaskRole", "AWS::IAM::Role", "CREATE_FAILED",
                            "Resource creation cancelled")
    [finding] = evaluate_stack(snapshot("ROLLBACK_COMPLETE", cancelled, bucket))
    assert (finding.id, finding.severity) == ("stack.failed", Severity.CRITICAL)
    assert finding.guide == g.RESOURCE_EXISTS
    assert f"root cause: DrawingsBucket: {BUCKET} already exists" in evidence_text(finding)
    assert finding.actions[0] == g.REBUILD_STACK and "deleted and recreated" in finding.fix


def test_an_existing_iam_role_points_at_the_iam_entry():
    role = stack_event(5, "TaskRole", "AWS::IAM::Role", "CREATE_FAILED",
                       "children-drawing-prod-ecs-task-role already exists in stack arn:...")
    [finding] = evaluate_stack(snapshot("ROLLBACK_IN_PROGRESS", role))
    assert finding.guide == g.IAM_ROLE_FAILED and "list-roles" in finding.fix


def test_a_missing_vpc_and_a_healthy_stack():
    vpc = stack_event(5, "PublicSubnet1", "AWS::EC2::Subnet", "CREATE_FAILED",
                      "The specified VPC does not exist")
    [finding] = evaluate_stack(snapshot("CREATE_FAILED", vpc))
    assert "VPC" in finding.cause and "describe-vpcs" in finding.fix
    assert evaluate_stack(snapshot("UPDATE_COMPLETE")) == []


CONTAINER_GONE = ('Resource handler returned message: "Invalid request provided: UpdateService '
                  'error: The container app does not exist in the task definition. (Service: '
                  'AmazonECS; Status Code: 400; Error Code: InvalidParameterException)"')


def test_an_update_rolled_back_is_stable_names_the_container_and_never_a_rebuild():
    service = stack_event(5, "Service", "AWS::ECS::Service", "UPDATE_FAILED", CONTAINER_GONE)
    alarm = stack_event(6, "LowTasksAlarm", "AWS::CloudWatch::Alarm", "CREATE_FAILED",
                        "Resource creation cancelled")
    [finding] = evaluate_stack(snapshot("UPDATE_ROLLBACK_COMPLETE", alarm, service))
    assert (finding.id, finding.severity) == ("stack.update-rolled-back", Severity.WARNING)
    assert "stable" in finding.title and "previous template" in finding.cause
    assert "Service failed" in finding.cause and "container 'app'" in finding.cause
    assert "'app'" in finding.fix and "redeploy" in finding.fix
    assert "VPC" not in finding.cause and "below" not in finding.fix
    assert finding.runbooks == (g.STACK_UPDATE_ROLLBACK,)
    assert g.REBUILD_STACK not in finding.actions and g.STACK_RECOVERY not in finding.runbooks
    assert ("failing resource", "Service (AWS::ECS::Service)") in finding.evidence
    assert dict(finding.action_args)["container"] == "app"
    assert any(v.startswith("UPDATE_ROLLBACK_COMPLETE (stable; the stack serves the previous")
               for _, v in finding.evidence)


def test_an_unknown_reason_is_quoted_as_unknown():
    odd = stack_event(5, "Queue", "AWS::SQS::Queue", "UPDATE_FAILED", "Something odd happened")
    [finding] = evaluate_stack(snapshot("UPDATE_ROLLBACK_COMPLETE", odd))
    assert finding.cause.startswith("Queue failed: Unknown cause: no known AWS reason matches. "
                                    "Here is the reason AWS gave: Something odd happened")


def test_a_stuck_rollback_is_continued_not_deleted():
    service = stack_event(5, "Service", "AWS::ECS::Service", "UPDATE_FAILED", CONTAINER_GONE)
    [finding] = evaluate_stack(snapshot("UPDATE_ROLLBACK_FAILED", service))
    assert finding.id == "stack.rollback-failed" and "continue-update-rollback" in finding.fix
    assert g.REBUILD_STACK not in finding.actions and "Do not delete" in finding.fix


@pytest.mark.parametrize(("url", "form"), [
    ("sqlite:////data/app.db", ABSOLUTE), ("sqlite:///absolute/path/to/database.db", ABSOLUTE),
    ("sqlite://relative/path/to/database.db", RELATIVE), ("sqlite://:memory:", MEMORY),
    ("sqlite://", MEMORY), ("sqlite:/data/app.db", "invalid"), ("sqlite3:///x.db", "invalid"),
    ("postgresql://app:hunter2@db:5432/app", "not SQLite"), (None, "missing"),
])
def test_the_guides_three_sqlite_url_forms(url, form):
    assert classify_database_url(url).form == form


def test_database_url_findings_and_password_masking():
    assert "hunter2" not in classify_database_url("postgresql://app:hunter2@db/app").shown
    [memory] = evaluate_database_url(classify_database_url("sqlite://:memory:"), "arn:td:1")
    assert memory.id == "backups.in-memory-database" and memory.severity is Severity.CRITICAL
    assert evaluate_database_url(classify_database_url("sqlite:////data/app.db"), "td") == []


def test_backups_missing_empty_and_stale():
    assert evaluate_backups(BackupListing(BUCKET, False), None, NOW)[0].id == \
        "backups.bucket-missing"
    assert evaluate_backups(BackupListing(BUCKET, True, 0), None, NOW)[0].id == "backups.none"
    stale = BackupListing(BUCKET, True, 3, "backup-2026-11-27-06-00.db",
                          NOW - timedelta(hours=33), 4096)
    [finding] = evaluate_backups(stale, None, NOW)
    assert (finding.id, finding.title) == ("backups.stale",
                                           "The newest database backup is 33 h old")
    fresh = BackupListing(BUCKET, True, 3, "b.db", NOW - timedelta(hours=5), 4096)
    assert evaluate_backups(fresh, None, NOW) == []


def logging_setup(group: str, existing: set[str], **extra) -> LogSetup:
    return LogSetup("arn:aws:ecs:eu-west-1:1:task-definition/children-drawing-prod-task:4",
                    "eu-west-1", (ContainerLogging("app", "awslogs", group, "eu-west-1"),),
                    frozenset(existing), ("/ecs/children-drawing-prod",), **extra)


def test_log_group_missing_differing_and_the_execution_role():
    assert [f.id for f in evaluate_logs(logging_setup("/ecs/children-drawing-prod",
                                                      {"/ecs/children-drawing-prod"}))] == []
    [missing] = evaluate_logs(logging_setup("/ecs/typo", {"/ecs/children-drawing-prod"}))
    assert missing.id == "logs.group-missing"
    [differs] = evaluate_logs(logging_setup("/ecs/other", {"/ecs/other"}))
    assert differs.id == "logs.group-mismatch"
    denied = Decision("logs:PutLogEvents", "arn:aws:logs:...", NOT_ALLOWED)
    [role] = evaluate_logs(logging_setup("/ecs/children-drawing-prod",
                                         {"/ecs/children-drawing-prod"},
                                         execution_role="exec-role", write_decision=denied))
    assert role.id == "logs.execution-role-denied"


def test_silent_logs_while_tasks_run():
    group = "/ecs/children-drawing-prod"
    [silent] = evaluate_logs(logging_setup(group, {group}, running_tasks=2, recent_events=0))
    assert silent.id == "logs.silent" and "2 task(s) run" in silent.title
    assert evaluate_logs(logging_setup(group, {group}, running_tasks=0, recent_events=0)) == []
    assert evaluate_logs(logging_setup(group, {group}, running_tasks=2, recent_events=7)) == []


S3_ACCESS = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
    "Resource": [f"arn:aws:s3:::{BUCKET}/*"]}]}
DENY_DELETE = {"Statement": {"Effect": "Deny", "NotAction": "s3:Get*", "Resource": "*"}}


def test_policy_evaluation_follows_iam_order():
    docs = [("S3Access", S3_ACCESS)]
    assert decide(docs, "s3:PutObject", f"arn:aws:s3:::{BUCKET}/db.bak").allowed
    assert decide(docs, "S3:getobject", f"arn:aws:s3:::{BUCKET}/x").allowed  # actions: any case
    assert decide(docs, "s3:ListBucket", f"arn:aws:s3:::{BUCKET}").verdict == NOT_ALLOWED
    denied = decide([*docs, ("Guard", DENY_DELETE)], "s3:PutObject", f"arn:aws:s3:::{BUCKET}/x")
    assert (denied.verdict, denied.by) == (DENIED, "Guard")


def test_policy_documents_in_every_shape_iam_returns():
    url_encoded = "%7B%22Statement%22%3A%5B%5D%7D"
    python_repr = "{'Version': '2012-10-17', 'Statement': []}"
    for raw in (S3_ACCESS, url_encoded, python_repr):
        assert "Statement" in parse_policy_document(raw)
    assert parse_policy_document("__import__('os')") == {}


def test_task_role_missing_s3_and_a_bucket_policy_deny():
    access = RoleAccess("task-role", True, POLICIES, (
        Decision("s3:PutObject", f"arn:aws:s3:::{BUCKET}/*", NOT_ALLOWED),))
    policy = {"Statement": [{"Sid": "DenyOutsideVpc", "Effect": "Deny", "Principal": "*",
                             "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}/*",
                             "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}]}
    denials = resource_policy_denials(policy, "arn:aws:iam::1:role/task-role", "1",
                                      [("s3:PutObject", f"arn:aws:s3:::{BUCKET}/*")])
    assert denials == [("s3:PutObject", f"arn:aws:s3:::{BUCKET}/*", "DenyOutsideVpc")]
    findings = evaluate_s3_access("arn:aws:iam::1:role/task-role", access,
                                  [(BUCKET, *denials[0])])
    assert [f.id for f in findings] == ["security.task-role-s3", "security.bucket-policy-denies"]
    assert findings[0].guide == g.S3_ACCESS and findings[1].guide == g.S3_BUCKET_ACCESS
    assert evaluate_s3_access("", None, [])[0].id == "security.no-task-role"


def test_the_admin_secret_gone_or_unreadable():
    gone = evaluate_admin_secret(SecretState("children-drawing-prod-admin-password", False),
                                 None, None, True)
    assert [(f.id, f.severity) for f in gone] == [("security.secret-missing", Severity.CRITICAL)]
    scheduled = SecretState("s", True, "arn:s", deleted_at=NOW + timedelta(days=7))
    assert "restore-secret" in evaluate_admin_secret(scheduled, None, None, True)[0].fix
    denied = RoleAccess("task-role", True, POLICIES, (
        Decision("secretsmanager:GetSecretValue", "arn:s", NOT_ALLOWED),))
    [finding] = evaluate_admin_secret(SecretState("s", True, "arn:s"), denied, None, True)
    assert finding.id == "security.task-role-secret" and finding.guide == g.ADMIN


def test_a_containers_secret_reference_in_each_form_ecs_accepts():
    arn = "arn:aws:secretsmanager:eu-west-1:1:secret:children-drawing-prod-admin-password-AbCdEf"
    secret = SecretState("children-drawing-prod-admin-password", True, arn)
    for value in (arn, f"{arn}:password::", arn[:-7], "children-drawing-prod-admin-password"):
        assert references(value, secret), value
    assert not references("arn:aws:secretsmanager:eu-west-1:1:secret:other-XyZ123", secret)
