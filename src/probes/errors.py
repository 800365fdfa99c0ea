"""Classify what went wrong when talking to AWS, in words an on-call engineer can act on.

Every probe failure becomes a `ProbeError`: a kind (throttled, access denied, credentials,
not found, unreachable, timed out, no data yet, held back, other), the IAM action that failed,
a one-line message and the fix. Nothing here raises; `classify` accepts any exception.

The failed action comes from the exception itself: `probes.context` attaches it in botocore's
`after-call` / `after-call-error` events (see `action_of`). The action AWS names in an
AccessDenied message wins over both that and the caller's guess: a denied `sts:AssumeRole`
while refreshing credentials is reported as such, not as the call that triggered the refresh.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, replace
from enum import StrEnum

from botocore import exceptions as bx
from botocore.parsers import ResponseParserError

from probes import error_codes as codes
from probes.token_bucket import BudgetRefusal

# Where `probes.context` records the failed call on an exception / in a ClientError response.
ACTION_ATTRIBUTE = "iam_action"
ACTION_METADATA = "IamAction"
FILTER_PATTERN_METADATA = "FilterPattern"


class ErrorKind(StrEnum):
    """The classes of failure a probe reports."""

    THROTTLED = "throttled"
    ACCESS_DENIED = "access denied"
    CREDENTIALS = "credentials"
    NOT_FOUND = "not found"
    UNREACHABLE = "unreachable"
    TIMED_OUT = "timed out"
    NO_DATA = "no data yet"
    HELD_BACK = "held back"  # not sent: the request budget said no (probes.request_budget)
    OTHER = "error"


@dataclass(frozen=True)
class ProbeError:
    """A classified failure: what happened, to which action, and what to do about it.

    `permanent`: retrying the same request cannot succeed (a malformed filter pattern).
    `refreshable`: a refresh (`r` in the dashboard) can pick up new credentials; false when
    they come from environment variables, which a running process cannot re-read.
    `retry_after_s`: held back by the request budget, whose next token is this far away.
    """

    kind: ErrorKind
    message: str
    fix: str
    action: str | None = None
    code: str | None = None
    permanent: bool = False
    refreshable: bool = True
    retry_after_s: float | None = None

    @property
    def retryable(self) -> bool:
        """Expired or missing credentials never fix themselves: retrying only spams AWS."""
        return self.kind is not ErrorKind.CREDENTIALS and not self.permanent

    def summary(self) -> str:
        """One short line, e.g. ``access denied: ecs:DescribeServices``."""
        if self.kind in (ErrorKind.ACCESS_DENIED, ErrorKind.THROTTLED) and self.action:
            return f"{self.kind.value}: {self.action}"
        line = f"{self.kind.value}: {self.message}"
        if self.action and self.action not in self.message:
            line += f" ({self.action})"
        return line

    def to_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind.value,
            "message": self.message,
            "fix": self.fix,
            "action": self.action,
            "code": self.code,
        }


class HeldBack(Exception):
    """A probe did not ask AWS because the request budget said no; `error` says why."""

    def __init__(self, error: ProbeError):
        super().__init__(error.message)
        self.error = error


HELD_BACK_FIX = ("nothing to do: the console asks again once the budget allows it (the quota "
                 "is shared with everyone in the account)")


class EnvironmentUnusable(Exception):
    """The environment cannot be used at all (no credentials, unknown stack, bad region).

    Raised by discovery and by the CLI's setup, never by a probe's `run()`.
    """

    def __init__(self, error: ProbeError):
        super().__init__(error.message)
        self.error = error


def credentials_from_environment(profile: str | None) -> bool:
    """botocore reads AWS_ACCESS_KEY_ID first unless a profile was chosen explicitly."""
    return profile is None and bool(os.environ.get("AWS_ACCESS_KEY_ID"))


def login_fix(profile: str | None) -> str:
    """How to get working credentials back, as the AWS CLI would say it. No "press r": only
    the dashboard has that key, and it says so itself."""
    if credentials_from_environment(profile):
        return ("the credentials come from environment variables (AWS_ACCESS_KEY_ID...), "
                "which a running console cannot re-read: export new ones and start it again")
    if profile:
        return (f"run `aws sso login --profile {profile}` (or refresh that profile's keys); "
                "the console builds a new session on its next refresh")
    return ("set credentials: `aws configure`, `aws sso login --profile NAME` with "
            "--profile NAME, or export AWS_PROFILE")


def action_of(exc: BaseException) -> str | None:
    """The IAM action `probes.context` attached to the exception of a failed call."""
    attached = getattr(exc, ACTION_ATTRIBUTE, None)
    if attached:
        return attached
    if isinstance(exc, bx.ClientError):
        return (exc.response.get("ResponseMetadata") or {}).get(ACTION_METADATA)
    return None


def classify(exc: BaseException, *, action: str | None = None, profile: str | None = None,
             endpoint: str | None = None) -> ProbeError:
    """Turn any exception raised while talking to AWS into a `ProbeError`.

    `action` is the caller's guess at the IAM action in flight; the action recorded on the
    exception by `probes.context` wins over it, and the one AWS names in its message wins
    over both.
    """
    action = action_of(exc) or action
    if isinstance(exc, HeldBack):  # raised `from` the BudgetRefusal, which says when
        due = exc.__cause__.wait_s if isinstance(exc.__cause__, BudgetRefusal) else None
        return exc.error if due is None else replace(exc.error, retry_after_s=due)
    if isinstance(exc, BudgetRefusal):
        return ProbeError(ErrorKind.HELD_BACK, str(exc), HELD_BACK_FIX, action,
                          retry_after_s=exc.wait_s)
    if isinstance(exc, bx.ClientError):
        return _classify_client_error(exc, action=action, profile=profile, endpoint=endpoint)
    if isinstance(exc, bx.ProfileNotFound):
        return ProbeError(
            ErrorKind.CREDENTIALS,
            f"the AWS profile {exc.kwargs.get('profile')!r} does not exist",
            "check `aws configure list-profiles`, or pass --profile with one of them",
            action, refreshable=False)
    if isinstance(exc, bx.RefreshWithMFAUnsupportedError) or (
            isinstance(exc, bx.CredentialRetrievalError) and "MFA" in str(exc)):
        return ProbeError(ErrorKind.CREDENTIALS, "the MFA session has expired",
                          "quit and start the console again: it asks for a new MFA code "
                          "before the screen opens", action, refreshable=False)
    if isinstance(exc, codes.CREDENTIAL_EXCEPTIONS):
        message = "no AWS credentials found" if isinstance(
            exc, bx.NoCredentialsError) else _first_line(exc)
        return ProbeError(ErrorKind.CREDENTIALS, message, login_fix(profile), action,
                          refreshable=not credentials_from_environment(profile))
    if isinstance(exc, bx.NoRegionError):
        return ProbeError(ErrorKind.OTHER, "no AWS region is set",
                          "pass --region eu-west-1 or set AWS_REGION", action)
    if isinstance(exc, ResponseParserError):
        return ProbeError(
            ErrorKind.OTHER,
            f"{_where(exc, endpoint)} answered with something that is not an AWS response",
            "the endpoint may not implement this API (emulators often do not), or a proxy "
            "answered for it; check --endpoint-url and any HTTPS_PROXY",
            action)
    if isinstance(exc, codes.UNREACHABLE_EXCEPTIONS):
        return _classify_network_error(exc, action=action, endpoint=endpoint)
    if isinstance(exc, bx.ParamValidationError):
        return ProbeError(ErrorKind.OTHER, _first_line(exc),
                          "a name or parameter is malformed: check the flags and config", action,
                          permanent=True)
    return ProbeError(ErrorKind.OTHER, f"{type(exc).__name__}: {_first_line(exc)}",
                      "see the console log for details", action)


def _where(exc: BaseException, endpoint: str | None) -> str:
    """The endpoint a failed call went to: the configured one, else the URL botocore tried."""
    if endpoint:
        return endpoint
    url = (getattr(exc, "kwargs", None) or {}).get("endpoint_url")
    return str(url) if url else "the AWS endpoint"


def _classify_network_error(exc: BaseException, *, action: str | None,
                            endpoint: str | None) -> ProbeError:
    where = _where(exc, endpoint)
    if isinstance(exc, codes.TIMEOUT_EXCEPTIONS):
        return ProbeError(ErrorKind.TIMED_OUT, f"{where} timed out",
                          "the endpoint accepted the connection but did not answer in time: "
                          "check the network (VPN, proxy) and AWS Health", action)
    cause = getattr(exc, "kwargs", {}).get("error") if hasattr(exc, "kwargs") else None
    if isinstance(exc, bx.SSLError):
        return ProbeError(ErrorKind.UNREACHABLE, f"TLS handshake with {where} failed",
                          "a proxy may be intercepting HTTPS: set AWS_CA_BUNDLE to its "
                          "certificate, or check --endpoint-url", action)
    if isinstance(cause, socket.gaierror) or "Name or service not known" in str(exc) or \
            "nodename nor servname" in str(exc):
        return ProbeError(ErrorKind.UNREACHABLE, f"cannot resolve the host of {where}",
                          "check DNS, the VPN, and --region / --endpoint-url", action)
    if isinstance(exc, bx.ConnectionClosedError) or "disconnected" in str(exc).lower():
        return ProbeError(ErrorKind.UNREACHABLE, f"{where} closed the connection",
                          "check the network (VPN, proxy) and --endpoint-url; a proxy or "
                          "load balancer may be cutting requests", action)
    return ProbeError(ErrorKind.UNREACHABLE, f"cannot reach {where}",
                      "check the network (VPN, proxy) and --endpoint-url / --region",
                      action)


def _classify_client_error(exc: bx.ClientError, *, action: str | None, profile: str | None,
                           endpoint: str | None) -> ProbeError:
    error = exc.response.get("Error", {}) or {}
    metadata = exc.response.get("ResponseMetadata") or {}
    code = str(error.get("Code") or "")
    message = str(error.get("Message") or "").strip()
    status = metadata.get("HTTPStatusCode")
    action = _action_from_message(message) or action or getattr(exc, "operation_name", None)
    service = (action or "").split(":", 1)[0]

    if (code in codes.THROTTLE_CODES or status == 429 or "rate exceeded" in message.lower()
            or (service == "ce" and code in codes.CE_THROTTLE_CODES)):
        return ProbeError(
            ErrorKind.THROTTLED,
            message or "AWS is rate-limiting this call",
            "backing off automatically; the quota is shared with everyone in the account",
            action,
            code,
        )
    if code in codes.NO_DATA_CODES:
        return ProbeError(ErrorKind.NO_DATA, message or "AWS has no data for this yet",
                          "Cost Explorer data appears about 24 h after it is enabled; "
                          "nothing to fix, the probe asks again later", action, code)
    if code in codes.CREDENTIAL_CODES:
        return ProbeError(ErrorKind.CREDENTIALS, message or "credentials rejected",
                          login_fix(profile), action, code,
                          refreshable=not credentials_from_environment(profile))
    if code in codes.DENIED_CODES or status == 403:
        return ProbeError(
            ErrorKind.ACCESS_DENIED,
            message or f"not authorized to perform {action}",
            f"grant {action} to this identity (README: the read-only IAM policy)"
            if action else "grant the missing permission (README: the read-only IAM policy)",
            action,
            code,
        )
    pattern = metadata.get(FILTER_PATTERN_METADATA)
    if pattern is not None and code in ("InvalidParameterException", "ValidationException") \
            and "pattern" in message.lower():
        return ProbeError(ErrorKind.OTHER, f"invalid filter pattern {pattern!r}: {message}",
                          "fix the pattern (CloudWatch Logs filter syntax); retrying the same "
                          "pattern cannot succeed", action, code, permanent=True)
    lowered = message.lower()
    if (code in codes.NOT_FOUND_CODES or status == 404 or "does not exist" in lowered
            or "not found" in lowered):
        return ProbeError(
            ErrorKind.NOT_FOUND,
            message or "resource not found",
            "check the name (--stack, --cluster, --service, --log-group) and the region",
            action,
            code,
        )
    if isinstance(status, int) and status >= 500 and (not code or code.isdigit()):
        return ProbeError(
            ErrorKind.OTHER,
            f"{_where(exc, endpoint)} answered HTTP {status} "
            f"{message or ''}".rstrip() + " instead of an AWS response",
            "a proxy or the service is failing; the call is retried (check AWS Health, "
            "HTTPS_PROXY and --endpoint-url if it persists)",
            action, code or str(status))
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
