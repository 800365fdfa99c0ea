"""The table of AWS reason strings: every row matches the reason AWS returns for it (one test
per row), names what the text names, and an unknown reason is quoted, never guessed at."""

from __future__ import annotations

import pytest

from console.demo.history import SERVICE_UPDATE_FAILURE
from probes import reasons
from probes.reasons import RULES, explain


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_each_row_matches_its_aws_reason(rule):
    kind = rule.resource_types[0] if rule.resource_types else ""
    found = explain(rule.example, kind)
    assert found.rule == rule.id and found.known
    assert found.cause and found.fix and found.next_step
    assert "{" not in found.cause + found.fix + found.next_step  # every placeholder filled
    # Cause, fix and next step never point at a place on the screen.
    for text in (found.cause, found.fix, found.next_step):
        assert " below" not in text and " above" not in text


def test_every_row_has_a_real_example_and_a_unique_id():
    assert len({r.id for r in RULES}) == len(RULES)
    assert all(r.example for r in RULES)
    assert {r.source for r in RULES} == {"cloudformation", "ecs", "fargate", "elb"}


def test_the_container_cfn_rejected_is_named_in_cause_fix_and_values():
    found = explain(SERVICE_UPDATE_FAILURE, "AWS::ECS::Service")
    assert found.rule == "cfn.container-not-in-task-definition"
    assert found.value("container") == "app"
    assert "container 'app'" in found.cause and "'app'" in found.fix
    assert "redeploy" in found.fix and "redeploy" in found.next_step
    assert "VPC" not in found.cause and "delete" not in found.fix.lower()


def test_an_unknown_reason_is_quoted_not_guessed():
    found = explain("Something AWS never documented happened to LogGroup")
    assert not found.known and found.rule is None
    assert found.cause == ("Unknown cause: no known AWS reason matches. Here is the reason AWS "
                           "gave: Something AWS never documented happened to LogGroup")
    assert found.actions == () and found.runbooks == ()
    assert "no reason" in explain("").cause


def test_a_role_rule_needs_an_iam_role_and_a_vpc_id_is_read():
    text = "children-drawing-prod-ecs-task-role already exists in stack arn:aws:..."
    assert explain(text, "AWS::IAM::Role").rule == "cfn.role-exists"
    assert explain(text, "AWS::S3::Bucket").rule == "cfn.name-exists"
    assert explain("The vpc ID 'vpc-0abc' does not exist", "AWS::EC2::Subnet").rule == \
        "cfn.vpc-not-found"
    denied = explain("User: arn:aws:iam::1:user/x is not authorized to perform: "
                     "ecs:UpdateService on resource")
    assert denied.value("action") == "ecs:UpdateService" and "ecs:UpdateService" in denied.fix


def test_a_cascade_is_known_to_be_one_and_the_first_match_wins():
    assert explain("Resource creation cancelled").rule == "cfn.cancelled"
    # A Fargate OOM kill reads as OOM, not as "essential container exited".
    assert explain("OutOfMemoryError: Container killed due to memory usage; Essential "
                   "container in task exited").rule == "ecs.out-of-memory"
    assert reasons.explain("Target.Timeout").actions == ("force-new-deployment",)
