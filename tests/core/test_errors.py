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
