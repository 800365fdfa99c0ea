"""Credentials never reach a timeline, in structured fields or in free text."""

from __future__ import annotations

import pytest
from tests.incidents.helpers import ALICE

from console.incidents.scrub import (
    MAX_ITEMS,
    MAX_STRING,
    REDACTED,
    is_secret_key,
    scrub,
    scrub_text,
)

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEHEaCWV1LXdlc3QtMSJHMEUCIQD" + "Xk9aB3" * 40


@pytest.mark.parametrize("key", ["Password", "db_password", "SecretString", "SecretAccessKey",
                                 "aws_secret_access_key", "SessionToken", "x-amz-security-token",
                                 "Authorization", "api_key", "PrivateKey", "ClientSecret"])
def test_secret_keys_are_recognised(key):
    assert is_secret_key(key)


@pytest.mark.parametrize("key", ["SecretId", "SecretArn", "AccessKeyId", "KmsKeyId", "name",
                                 "VersionIdsToStages", "LastRotatedDate", "desiredCount"])
def test_keys_that_only_name_a_secret_are_kept(key):
    assert not is_secret_key(key)


def test_values_under_secret_keys_are_redacted_at_any_depth():
    value = {"SecretId": "prod-admin-password", "SecretString": '{"password": "hunter2"}',
             "nested": [{"Credentials": {"AccessKeyId": ACCESS_KEY, "SessionToken": "abc"}}],
             "count": 3, "empty_password": ""}
    out = scrub(value)
    assert out["SecretId"] == "prod-admin-password"
    assert out["SecretString"] == REDACTED
    assert out["nested"][0]["Credentials"] == REDACTED
    assert out["count"] == 3 and out["empty_password"] == ""
    assert value["SecretString"].startswith("{")  # the caller's object is not changed


@pytest.mark.parametrize("text", [
    f"keys {ACCESS_KEY} and {SECRET_KEY}",
    f"export AWS_SESSION_TOKEN={SESSION_TOKEN}",
    "ASIAY34FZKBOKMUTVV7A was the temporary key",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    "tried password=hunter2 and token: s3cr3t",
    'body {"password": "hunter2"}',
    "DATABASE_URL=postgres://app:hunter2@db.internal:5432/app",
])
def test_credentials_in_free_text_are_redacted(text):
    out = scrub_text(text)
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN[:60], "ASIAY34FZKBOKMUTVV7A", "MIIEow",
                   "hunter2", "s3cr3t"):
        assert secret not in out
    assert REDACTED in out


def test_ordinary_operational_text_is_left_alone():
    for text in ("arn:aws:ecs:eu-west-1:123456789012:task/children-drawing-prod-cluster/"
                 "0123456789abcdef0123456789abcdef",
                 "Threshold Crossed: 1 datapoint [95.0] was greater than the threshold (80.0).",
                 "deployment ecs-svc/1234567890123456789 COMPLETED",
                 "git sha 4b825dc642cb6eb9a060e54bf8d69288fbee4904"):
        assert scrub_text(text) == text


def test_huge_values_are_cut_and_say_so():
    out = scrub({"log": "x" * (MAX_STRING + 10), "rows": list(range(MAX_ITEMS + 5))})
    assert out["log"].endswith("[+10 chars cut]")
    assert len(out["rows"]) == MAX_ITEMS + 1 and "+5 items cut" in out["rows"][-1]


def test_nothing_secret_reaches_the_file(recorder):
    incident = recorder.open("P0", f"leaked {ACCESS_KEY} in title", ALICE)
    recorder.note(f"aws configure set aws_secret_access_key {SECRET_KEY}", ALICE)
    recorder.record_action("rotate-secret", "Rotate the admin secret", ALICE,
                           params={"SecretId": "prod-admin-password",
                                   "ClientRequestToken": "tok-123"},
                           calls=[{"service": "secretsmanager", "operation": "PutSecretValue",
                                   "params": {"SecretString": "new-password-value"}}],
                           result="rotated", request_ids=["req-9"])
    recorder.record_check("creds", True, {"env": {"AWS_SESSION_TOKEN": SESSION_TOKEN}}, ALICE)
    text = incident.path.read_text()
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN[:40], "new-password-value", "tok-123"):
        assert secret not in text
    assert "prod-admin-password" in text and "req-9" in text
