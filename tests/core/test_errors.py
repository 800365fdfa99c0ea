"""Error classification from the error shapes AWS and botocore produce."""

import pytest
from botocore import exceptions as bx
from botocore.parsers import ResponseParserError

from probes.errors import ErrorKind, classify


def client_error(code: str, message: str = "", status: int = 400, op: str = "DescribeServices"):
    return bx.ClientError(
        {"Error": {"Code": code, "Message": message},
         "ResponseMetadata": {"HTTPStatusCode": status}}, op)


@pytest.mark.parametrize("code", ["ThrottlingException", "Throttling", "TooManyRequestsException",
                                  "RequestLimitExceeded"])
def test_throttling_codes(code):
    error = classify(client_error(code, "Rate exceeded"), action="ecs:DescribeServices")
    assert error.kind is ErrorKind.THROTTLED
    assert error.summary() == "throttled: ecs:DescribeServices"
    assert error.retryable


def test_access_denied_names_the_action_from_the_message():
    message = ("User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: "
               "ecs:DescribeServices on resource: arn:aws:ecs:eu-west-1:123456789012:service/x")
    error = classify(client_error("AccessDeniedException", message, 400))
    assert error.kind is ErrorKind.ACCESS_DENIED
    assert error.summary() == "access denied: ecs:DescribeServices"
    assert "ecs:DescribeServices" in error.fix


def test_moto_json_protocol_denial_is_a_bare_403():
    # moto answers json-protocol denials with an XML body: botocore reports code "403".
    error = classify(client_error("403", "", 403), action="logs:FilterLogEvents")
    assert error.kind is ErrorKind.ACCESS_DENIED
    assert error.action == "logs:FilterLogEvents"


@pytest.mark.parametrize("code", ["ExpiredToken", "ExpiredTokenException",
                                  "UnrecognizedClientException", "InvalidClientTokenId"])
def test_expired_credentials_carry_the_login_fix_and_are_not_retried(code):
    error = classify(client_error(code, "The security token included in the request is expired",
                                  403), profile="prod-oncall")
    assert error.kind is ErrorKind.CREDENTIALS
    assert "aws sso login --profile prod-oncall" in error.fix
    assert not error.retryable


def test_sso_token_error_and_missing_credentials():
    assert classify(bx.UnauthorizedSSOTokenError()).kind is ErrorKind.CREDENTIALS
    missing = classify(bx.NoCredentialsError())
    assert missing.kind is ErrorKind.CREDENTIALS
    assert missing.message == "no AWS credentials found"


def test_unknown_profile():
    error = classify(bx.ProfileNotFound(profile="nope"))
    assert error.kind is ErrorKind.CREDENTIALS
    assert "'nope'" in error.message


def test_not_found():
    error = classify(client_error("ValidationError", "Stack with id x does not exist"))
    assert error.kind is ErrorKind.NOT_FOUND
    assert classify(client_error("ClusterNotFoundException")).kind is ErrorKind.NOT_FOUND


def test_unreachable_and_timeouts():
    refused = classify(bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
                       endpoint="http://127.0.0.1:9")
    assert refused.kind is ErrorKind.UNREACHABLE
    assert refused.message == "cannot reach http://127.0.0.1:9"
    timeout = classify(bx.ReadTimeoutError(endpoint_url="https://ecs.eu-west-1.amazonaws.com"))
    assert timeout.kind is ErrorKind.TIMED_OUT
    assert "timed out" in timeout.message


def test_html_500_from_an_emulator_is_named():
    error = classify(ResponseParserError("Unable to parse response (syntax error)"))
    assert error.kind is ErrorKind.OTHER
    assert "not an AWS response" in error.message


# --- issue 9 / issue 14 point 9 -------------------------------------------------------------
def test_cost_explorer_limit_exceeded_is_its_throttle_and_data_unavailable_is_no_data():
    throttled = classify(client_error("LimitExceededException", "", 400, "GetCostAndUsage"),
                         action="ce:GetCostAndUsage")
    assert throttled.kind is ErrorKind.THROTTLED and throttled.retryable
    # Elsewhere LimitExceeded is a real quota (CloudFormation's stack count), not a throttle.
    quota = classify(client_error("LimitExceededException", "Stack limit", 400, "CreateStack"),
                     action="cloudformation:CreateStack")
    assert quota.kind is not ErrorKind.THROTTLED
    nodata = classify(client_error("DataUnavailableException", "", 400, "GetCostForecast"),
                      action="ce:GetCostForecast")
    assert nodata.kind is ErrorKind.NO_DATA
    assert nodata.summary().startswith("no data yet")


def test_the_action_aws_names_wins_over_the_attached_and_the_guessed_one():
    from probes.context import _attach_action_to_error

    message = ("User: arn:aws:sts::123456789012:assumed-role/base/alice is not authorized to "
               "perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/OnCall")
    # A credential refresh inside ecs:DescribeServices: STS's own ClientError comes out.
    exc = client_error("AccessDenied", message, 403, op="AssumeRole")
    _attach_action_to_error("ecs", exception=exc,
                            event_name="after-call-error.ecs.DescribeServices")
    error = classify(exc, action="ecs:DescribeServices")
    assert error.summary() == "access denied: sts:AssumeRole"
    # Without a message naming it, the operation of the STS call still wins over the guess.
    bare = client_error("AccessDenied", "", 403, op="AssumeRole")
    _attach_action_to_error("ecs", exception=bare,
                            event_name="after-call-error.ecs.DescribeServices")
    assert classify(bare, action="ecs:DescribeServices").action == "sts:AssumeRole"


def test_a_network_failure_is_named_with_the_action_attached_by_the_hook():
    from probes.context import _attach_action_to_error

    exc = bx.ConnectionClosedError(endpoint_url="https://elasticloadbalancing.eu-west-1."
                                   "amazonaws.com/")
    _attach_action_to_error("elbv2", exception=exc,
                            event_name="after-call-error.elastic-load-balancing-v2."
                            "DescribeTargetHealth")
    error = classify(exc, action="elasticloadbalancing:DescribeTargetGroups")  # a stale guess
    assert error.kind is ErrorKind.UNREACHABLE
    assert error.action == "elasticloadbalancing:DescribeTargetHealth"
    assert error.summary() == ("unreachable: https://elasticloadbalancing.eu-west-1."
                               "amazonaws.com/ closed the connection "
                               "(elasticloadbalancing:DescribeTargetHealth)")


def test_dns_and_tls_failures_and_a_5xx_page_are_classified_with_the_endpoint():
    import socket

    dns = classify(bx.EndpointConnectionError(endpoint_url="https://ecs.eu-west-9.amazonaws.com",
                                              error=socket.gaierror(-2, "Name or service not "
                                                                        "known")))
    assert dns.kind is ErrorKind.UNREACHABLE
    assert dns.message == "cannot resolve the host of https://ecs.eu-west-9.amazonaws.com"
    tls = classify(bx.SSLError(endpoint_url="https://ecs.eu-west-1.amazonaws.com",
                               error="CERTIFICATE_VERIFY_FAILED"))
    assert tls.kind is ErrorKind.UNREACHABLE and "AWS_CA_BUNDLE" in tls.fix
    page = classify(client_error("502", "Bad Gateway", 502), action="ecs:DescribeServices",
                    endpoint="https://proxy.internal")
    assert page.message == ("https://proxy.internal answered HTTP 502 Bad Gateway instead of an "
                            "AWS response")
    assert page.retryable


def test_environment_credentials_cannot_be_refreshed_and_no_fix_says_press_r(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    expired = classify(client_error("ExpiredToken", "The security token included in the "
                                    "request is expired", 403))
    assert not expired.refreshable
    assert "export new ones" in expired.fix
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    for error in (classify(client_error("ExpiredToken", "", 403), profile="oncall"),
                  classify(bx.NoCredentialsError())):
        assert error.refreshable
        assert "press r" not in error.fix


def test_an_invalid_filter_pattern_is_permanent_and_named():
    exc = bx.ClientError({"Error": {"Code": "InvalidParameterException",
                                    "Message": "Invalid filter pattern"},
                          "ResponseMetadata": {"HTTPStatusCode": 400,
                                               "IamAction": "logs:FilterLogEvents",
                                               "FilterPattern": "{ $.level = "}},
                         "FilterLogEvents")
    error = classify(exc)
    assert error.message == "invalid filter pattern '{ $.level = ': Invalid filter pattern"
    assert error.action == "logs:FilterLogEvents"
    assert not error.retryable


def test_an_mfa_session_that_cannot_refresh_says_to_restart_not_to_press_r():
    error = classify(bx.RefreshWithMFAUnsupportedError())
    assert error.kind is ErrorKind.CREDENTIALS and not error.refreshable
    assert "new MFA code" in error.fix
