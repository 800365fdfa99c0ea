"""One AWS session per environment, and one client per service and region, created once.

`AwsContext` owns an aiobotocore session and every client made from it. Clients are created on
first use and reused: botocore's adaptive rate limiter, retry quota and connection pool belong to
the client object, so sharing one client per service and region is what keeps the console a good
citizen of the account's shared API quotas.
"""

from __future__ import annotations

import asyncio
import configparser
import contextlib
import contextvars
import functools
import getpass
import os
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from probes import tls

tls.import_aiohttp()  # before aiobotocore: see probes.tls

from aiobotocore.config import AioConfig  # noqa: E402
from aiobotocore.session import AioSession  # noqa: E402
from botocore.exceptions import ClientError, CredentialRetrievalError  # noqa: E402

from probes.aws_time import use_utc_timestamps  # noqa: E402
from probes.errors import (  # noqa: E402
    ACTION_ATTRIBUTE,
    ACTION_METADATA,
    FILTER_PATTERN_METADATA,
)
from probes.model_loader import shared_loader  # noqa: E402
from probes.request_budget import budget_for  # noqa: E402

# Services whose API lives in one region whatever the deployment's region.
GLOBAL_REGIONS = {"ce": "us-east-1", "budgets": "us-east-1", "support": "us-east-1",
                  "cloudfront": "us-east-1", "route53": "us-east-1", "iam": "us-east-1"}

# botocore service name -> IAM action prefix, where they differ.
_IAM_PREFIX = {"elbv2": "elasticloadbalancing", "service-quotas": "servicequotas"}

# The IAM action of the AWS call in flight in the current asyncio task, set by a botocore
# `before-call` hook. Only a hint for "what was in flight when a deadline expired": a call made
# in a child task of `asyncio.gather` sets it in the child's context, never the caller's. A
# failed call names its action on the exception itself (`_attach_action_*` below).
current_action: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_action", default=None
)


@dataclass(frozen=True)
class AwsSettings:
    """Where and as whom to reach AWS. Resolved from flags, config and environment by the CLI."""

    region: str = "eu-west-1"
    profile: str | None = None
    endpoint_url: str | None = None
    # Static credentials, used only by the demo and tests (the emulator accepts any).
    static_credentials: tuple[str, str] | None = field(default=None, repr=False)
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 3
    max_pool_connections: int = 10

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None, **overrides: Any) -> AwsSettings:
        """Settings as the AWS CLI reads them: AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION,
        AWS_ENDPOINT_URL. Keyword arguments that are not None win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {
            "profile": env.get("AWS_PROFILE") or None,
            "region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
            "endpoint_url": env.get("AWS_ENDPOINT_URL") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        # As the AWS CLI: no region given, the profile's `region` in the config file.
        values["region"] = (values["region"] or profile_region(env, values["profile"])
                            or "eu-west-1")
        return cls(**values)


def profile_region(env: Mapping[str, str], profile: str | None) -> str | None:
    """The `region` of `profile` ("default" when None) in the AWS config file (AWS_CONFIG_FILE,
    else ~/.aws/config of the HOME in `env`); None when absent or unreadable."""
    home = env.get("HOME") or env.get("USERPROFILE")
    path = env.get("AWS_CONFIG_FILE") or (os.path.join(home, ".aws", "config") if home else None)
    if not path:
        return None
    parser = configparser.RawConfigParser()
    try:
        parser.read(os.path.expanduser(path), encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return None
    name = profile or "default"
    for section in (f"profile {name}", name) if name == "default" else (f"profile {name}",):
        if parser.has_option(section, "region"):
            return parser.get(section, "region").strip() or None
    return None


def iam_action(service: str, operation: str) -> str:
    """The IAM action of a call: ("elbv2", "DescribeTargetHealth") ->
    ``elasticloadbalancing:DescribeTargetHealth``."""
    return f"{_IAM_PREFIX.get(service, service)}:{operation}"


def _record_action(model: Any = None, **_: Any) -> None:
    """botocore `before-call` hook: remember which action this task is performing."""
    if model is not None:
        current_action.set(iam_action(model.service_model.service_name, model.name))


def _attach_action_to_error(service: str, exception: BaseException | None = None,
                            event_name: str = "", **_: Any) -> None:
    """botocore `after-call-error` hook (no response: connection closed, timeout, DNS, TLS,
    credentials that could not be refreshed): name the failed action on the exception.

    A `ClientError` here was raised by another call made on our behalf (the STS AssumeRole
    of a credential refresh): it keeps its own action."""
    if exception is None or getattr(exception, ACTION_ATTRIBUTE, None):
        return
    operation = event_name.rsplit(".", 1)[-1]
    if isinstance(exception, ClientError):
        if exception.operation_name == operation:
            return
        action = iam_action("sts", exception.operation_name) if exception.operation_name \
            .startswith("AssumeRole") else None
    else:
        action = iam_action(service, operation)
    if action:
        # An exception type with __slots__ refuses: the caller's guess stays.
        with contextlib.suppress(AttributeError):
            setattr(exception, ACTION_ATTRIBUTE, action)


def _attach_action_to_response(service: str, http_response: Any = None, parsed: Any = None,
                               model: Any = None, context: Any = None, **_: Any) -> None:
    """botocore `after-call` hook: on an error response, name the action (and the filter
    pattern sent, if any) in the parsed response that becomes `ClientError.response`."""
    if http_response is None or model is None or not isinstance(parsed, dict):
        return
    if getattr(http_response, "status_code", 200) < 300:
        return
    metadata = parsed.setdefault("ResponseMetadata", {})
    metadata[ACTION_METADATA] = iam_action(service, model.name)
    if context and "filter_pattern" in context:
        metadata[FILTER_PATTERN_METADATA] = context["filter_pattern"]


def _remember_filter_pattern(params: Any = None, context: Any = None, **_: Any) -> None:
    """botocore `before-parameter-build` hook: keep the filter pattern a request sends, so
    that a rejected pattern can be named in the error."""
    if isinstance(params, dict) and isinstance(context, dict) and params.get("filterPattern"):
        context["filter_pattern"] = params["filterPattern"]


def _verify_value(session: AioSession) -> bool | str:
    """What botocore would verify TLS with: the profile's or AWS_CA_BUNDLE's ca_bundle, else
    REQUESTS_CA_BUNDLE, else its own bundle (True)."""
    try:
        bundle = session.get_config_variable("ca_bundle")
    except Exception:  # noqa: BLE001 - a bad profile is reported by the first call
        bundle = None
    return bundle or os.environ.get("REQUESTS_CA_BUNDLE") or True


class AwsContext:
    """An aiobotocore session and its clients for one environment.

    Use as an async context manager, or call `close()`; `client()` is safe to call from many
    tasks at once and always returns the same client for a service and region.
    """

    def __init__(self, settings: AwsSettings):
        self.settings = settings
        # While True, an MFA profile may ask for its code on the terminal. The dashboard sets
        # it to False before the full screen starts: a prompt there would be drawn over.
        self.interactive = True
        self._session = self._new_session()
        self._clients: dict[tuple[str, str], Any] = {}
        self._stack = AsyncExitStack()
        self._lock = asyncio.Lock()
        # One request budget per account and region, shared by every context of the process.
        keys = settings.static_credentials
        self.budget = budget_for(settings.profile, settings.endpoint_url, keys and keys[0])
        self._verify = _verify_value(self._session)
        tls.prepare(self._verify)  # the one TLS context, built in a thread meanwhile
        self._config = AioConfig(
            http_session_cls=tls.http_session_class(),
            retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            max_pool_connections=settings.max_pool_connections,
            # Emulators and custom endpoints do not serve host-prefixed endpoints.
            inject_host_prefix=settings.endpoint_url is None,
        )

    def _new_session(self) -> AioSession:
        session = AioSession(profile=self.settings.profile)
        # Service models and endpoint rules are read from botocore's JSON files once per
        # process, not once per session: a new session (after `aws sso login`) stays cheap.
        session.register_component("data_loader", shared_loader())
        use_utc_timestamps(session)
        if self.settings.static_credentials:
            session.set_credentials(*self.settings.static_credentials)
        else:
            with contextlib.suppress(Exception):  # no such provider: nothing ever prompts
                provider = session.get_component("credential_provider").get_provider(
                    "assume-role")
                provider._prompter = self._mfa_prompt
        return session

    def _mfa_prompt(self, prompt: str) -> str:
        """botocore's MFA prompter: the terminal before the full screen, never inside it."""
        if not self.interactive:
            raise CredentialRetrievalError(
                provider="assume-role with MFA",
                error_msg="the profile needs a new MFA code, which cannot be typed inside the "
                "dashboard: quit and start the console again to enter it")
        return getpass.getpass(prompt)

    async def resolve_credentials(self) -> None:
        """Resolve (and for an assume-role profile, assume) the credentials now, once: an MFA
        profile asks for its code here, on the terminal, before anything runs concurrently or
        the full screen starts. Errors are left for the first call to report."""
        with contextlib.suppress(Exception):
            credentials = await self._session.get_credentials()
            if credentials is not None:
                await credentials.get_frozen_credentials()

    @property
    def region(self) -> str:
        return self.settings.region

    def region_for(self, service: str) -> str:
        return GLOBAL_REGIONS.get(service, self.settings.region)

    async def client(self, service: str, region: str | None = None) -> Any:
        """The one client for `service` in `region` (default: the service's home region)."""
        region = region or self.region_for(service)
        key = (service, region)
        existing = self._clients.get(key)
        if existing is not None:
            return existing
        async with self._lock:
            existing = self._clients.get(key)
            if existing is not None:
                return existing
            creator = self._session.create_client(
                service,
                region_name=region,
                endpoint_url=self.settings.endpoint_url,
                config=self._config,
                verify=self._verify,
            )
            client = await self._stack.enter_async_context(creator)
            events = client.meta.events
            events.register("before-call", _record_action)
            events.register("after-call-error", functools.partial(_attach_action_to_error,
                                                                  service))
            events.register("after-call", functools.partial(_attach_action_to_response,
                                                            service))
            events.register("before-parameter-build", _remember_filter_pattern)
            self.budget.attach(client, service, region)
            self._clients[key] = client
            return client

    async def renew(self) -> None:
        """Drop every client and build a new session.

        After ``aws sso login`` in another shell a running process only sees the new token
        through a new session (aws-cli #7361): this is what `refresh` does after a credentials
        error.
        """
        async with self._lock:
            await self._stack.aclose()
            self._stack = AsyncExitStack()
            self._clients.clear()
            self._session = self._new_session()

    async def close(self) -> None:
        async with self._lock:
            await self._stack.aclose()
            self._clients.clear()

    async def __aenter__(self) -> AwsContext:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
