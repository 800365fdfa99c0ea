"""Classify what went wrong when talking to AWS, in words an on-call engineer can act on.

Every probe failure becomes a `ProbeError`: a kind (throttled, access denied, credentials,
not found, unreachable, other), the IAM action that failed where known, a one-line message and
the fix. Nothing here raises; `classify` accepts any exception.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from enum import StrEnum

from botocore import exceptions as bx
from botocore.parsers import ResponseParserError


class ErrorKind(StrEnum):
    """The classes of failure a probe reports."""

    THROTTLED = "throttled"
    ACCESS_DENIED = "access denied"
    CREDENTIALS = "credentials"
    NOT_FOUND = "not found"
    UNREACHABLE = "unreachable"
    OTHER = "error"


@dataclass(frozen=True)
class ProbeError:
    """A classified failure: what happened, to which action, and what to do about it."""

    kind: ErrorKind
    message: str
    fix: str
    action: str | None = None
    code: str | None = None

    @property
    def retryable(self) -> bool:
        """Expired or missing credentials never fix themselves: retrying only spams AWS."""
        return self.kind is not ErrorKind.CREDENTIALS

    def summary(self) -> str:
        """One short line, e.g. ``access denied: ecs:DescribeServices``."""
        if self.kind is ErrorKind.ACCESS_DENIED and self.action:
            return f"access denied: {self.action}"
        if self.kind is ErrorKind.THROTTLED and self.action:
            return f"throttled: {self.action}"
        return f"{self.kind.value}: {self.message}"

    def to_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind.value,
            "message": self.message,
            "fix": self.fix,
            "action": self.action,
            "code": self.code,
        }


class EnvironmentUnusable(Exception):
    """The environment cannot be used at all (no credentials, unknown stack, bad region).

    Raised by discovery and by the CLI's setup, never by a probe's `run()`.
    """

    def __init__(self, error: ProbeError):
        super().__init__(error.message)
        self.error = error


_THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RateExceeded",
        "SlowDown",
        "PriorRequestNotComplete",
        "BandwidthLimitExceeded",
        "EC2ThrottledException",
    }
)
_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
        "403",
    }
)
_CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AuthFailure",
        "InvalidAccessKeyId",
        "TokenRefreshRequired",
        "MissingAuthenticationToken",
    }
)
_NOT_FOUND_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "ResourceNotFound",
        "NotFound",
        "NotFoundException",
        "NoSuchBucket",
        "NoSuchKey",
        "NoSuchEntity",
        "NoSuchDistribution",
        "NoSuchHostedZone",
        "ClusterNotFoundException",
        "ServiceNotFoundException",
        "ServiceNotActiveException",
        "TargetGroupNotFound",
        "LoadBalancerNotFound",
        "NoSuchBucketPolicy",
        "404",
    }
)
_CREDENTIAL_EXCEPTIONS = (
    bx.NoCredentialsError,
    bx.PartialCredentialsError,
    bx.UnauthorizedSSOTokenError,
    bx.SSOTokenLoadError,
    bx.TokenRetrievalError,
    bx.CredentialRetrievalError,
    bx.SSOError,
    bx.NoAuthTokenError,
    bx.RefreshWithMFAUnsupportedError,
)
_UNREACHABLE_EXCEPTIONS = (
    bx.EndpointConnectionError,
    bx.ConnectTimeoutError,
    bx.ReadTimeoutError,
    bx.ConnectionClosedError,
    bx.HTTPClientError,
    bx.SSLError,
    TimeoutError,
    asyncio.TimeoutError,
    ConnectionError,
    OSError,
)


def login_fix(profile: str | None) -> str:
    """How to get working credentials back, as the AWS CLI would say it."""
    if profile:
        return (
            f"run `aws sso login --profile {profile}` (or refresh that profile's keys), "
            "then press r: the console rebuilds its session"
        )
    return (
        "set credentials: `aws configure`, `aws sso login --profile NAME` with --profile NAME, "
        "or export AWS_PROFILE; then press r"
    )


def classify(exc: BaseException, *, action: str | None = None, profile: str | None = None,
             endpoint: str | None = None) -> ProbeError:
    """Turn any exception raised while talking to AWS into a `ProbeError`.

    `action` is the IAM action in flight (``ecs:DescribeServices``) when the caller knows it;
    for a `ClientError` the operation name fills it in when the caller does not.
    """
    if isinstance(exc, bx.ClientError):
        return _classify_client_error(exc, action=action, profile=profile)
    if isinstance(exc, bx.ProfileNotFound):
        return ProbeError(
            ErrorKind.CREDENTIALS,
            f"the AWS profile {exc.kwargs.get('profile')!r} does not exist",
            "check `aws configure list-profiles`, or pass --profile with one of them",
            action,
        )
    if isinstance(exc, _CREDENTIAL_EXCEPTIONS):
        message = "no AWS credentials found" if isinstance(
            exc, bx.NoCredentialsError) else _first_line(exc)
        return ProbeError(ErrorKind.CREDENTIALS, message, login_fix(profile), action)
    if isinstance(exc, bx.NoRegionError):
        return ProbeError(ErrorKind.OTHER, "no AWS region is set",
                          "pass --region eu-west-1 or set AWS_REGION", action)
    if isinstance(exc, ResponseParserError):
        return ProbeError(
            ErrorKind.OTHER,
            "the endpoint answered with something that is not an AWS response",
            "the endpoint may not implement this API (emulators often do not); "
            "check --endpoint-url",
            action,
        )
    if isinstance(exc, _UNREACHABLE_EXCEPTIONS):
        where = endpoint or "the AWS endpoint"
        timed_out = isinstance(exc, (bx.ConnectTimeoutError, bx.ReadTimeoutError, TimeoutError))
        message = f"{where} timed out" if timed_out else f"cannot reach {where}"
        return ProbeError(
            ErrorKind.UNREACHABLE,
            message,
            "check the network (VPN, proxy) and --endpoint-url / --region; "
            "the last good data stays on screen",
            action,
        )
    if isinstance(exc, bx.ParamValidationError):
        return ProbeError(ErrorKind.OTHER, _first_line(exc),
                          "a name or parameter is malformed: check the flags and config", action)
    return ProbeError(ErrorKind.OTHER, f"{type(exc).__name__}: {_first_line(exc)}",
                      "see the console log for details", action)


def _classify_client_error(exc: bx.ClientError, *, action: str | None,
                           profile: str | None) -> ProbeError:
    error = exc.response.get("Error", {}) or {}
    code = str(error.get("Code") or "")
    message = str(error.get("Message") or "").strip()
    status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    action = action or _action_from_message(message) or getattr(exc, "operation_name", None)

    if code in _THROTTLE_CODES or status == 429 or "rate exceeded" in message.lower():
        return ProbeError(
            ErrorKind.THROTTLED,
            message or "AWS is rate-limiting this call",
            "backing off automatically; the quota is shared with everyone in the account",
            action,
            code,
        )
    if code in _CREDENTIAL_CODES:
        return ProbeError(ErrorKind.CREDENTIALS, message or "credentials rejected",
                          login_fix(profile), action, code)
    if code in _DENIED_CODES or status == 403:
        return ProbeError(
            ErrorKind.ACCESS_DENIED,
            message or f"not authorized to perform {action}",
            f"grant {action} to this identity (README: the read-only IAM policy)"
            if action else "grant the missing permission (README: the read-only IAM policy)",
            action,
            code,
        )
    lowered = message.lower()
    if (code in _NOT_FOUND_CODES or status == 404 or "does not exist" in lowered
            or "not found" in lowered):
        return ProbeError(
            ErrorKind.NOT_FOUND,
            message or "resource not found",
            "check the name (--stack, --cluster, --service, --log-group) and the region",
            action,
            code,
        )
    return ProbeError(ErrorKind.OTHER, f"{code}: {message}" if message else code or "error",
                      "see the console log for details", action, code or None)


_ACTION_RE = re.compile(r"perform:\s*([a-z0-9-]+:[A-Za-z0-9]+)")


def _action_from_message(message: str) -> str | None:
    """AWS names the denied action in its message: ``... not authorized to perform: ecs:X``."""
    match = _ACTION_RE.search(message)
    return match.group(1) if match else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
