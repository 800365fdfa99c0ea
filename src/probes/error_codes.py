"""The AWS error codes and botocore exceptions behind each class of `probes.errors`.

Kept apart from the classifier so that adding a code AWS documents is a one-line change.
"""

from __future__ import annotations

import asyncio

import aiohttp
from botocore import exceptions as bx

THROTTLE_CODES = frozenset(
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
DENIED_CODES = frozenset(
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
CREDENTIAL_CODES = frozenset(
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
NOT_FOUND_CODES = frozenset(
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
CREDENTIAL_EXCEPTIONS = (
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
UNREACHABLE_EXCEPTIONS = (
    bx.EndpointConnectionError,
    bx.ConnectTimeoutError,
    bx.ReadTimeoutError,
    bx.ConnectionClosedError,
    bx.HTTPClientError,
    bx.SSLError,
    bx.ProxyConnectionError,
    aiohttp.ClientError,
    TimeoutError,
    asyncio.TimeoutError,
    ConnectionError,
    OSError,
)
# Of those, the ones that mean "no answer in time" rather than "no connection".
TIMEOUT_EXCEPTIONS = (bx.ConnectTimeoutError, bx.ReadTimeoutError, aiohttp.ServerTimeoutError,
                      TimeoutError, asyncio.TimeoutError)
# Cost Explorer's throttle is `LimitExceededException` (elsewhere that code is a real quota).
CE_THROTTLE_CODES = frozenset({"LimitExceededException", "RequestLimitExceeded"})
# Cost Explorer before an account's first day of data.
NO_DATA_CODES = frozenset({"DataUnavailableException"})

