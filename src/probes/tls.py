"""One TLS context for every AWS client of the process, its CA bundle loaded once, off the loop.

aiobotocore gives each client its own HTTP session, and each session builds its own SSL context
and loads the CA bundle into it (~20 ms of CPU on a quiet machine, several times that on a busy
one) before its first request: eight clients, eight loads, on the critical path of the first
round of requests. An `SSLContext` is made to be shared, so `SharedTlsHttpSession` hands every
client the same one; it is built once, in a thread started as soon as an `AwsContext` exists
(`prepare`), while the session and the first client are being set up.

aiohttp also builds two default contexts when it is imported, loading the system's CA
certificates (~0.1 s), which nothing here uses: aiobotocore always passes its own context.
`import_aiohttp` imports it with those two built empty; a caller that asks aiohttp for its
default verified context gets one that trusts nothing (verification fails, never passes).
Client certificates and proxies keep aiobotocore's own path.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import ssl
import sys
import threading
from typing import Any

_lock = threading.Lock()
_contexts: dict[object, concurrent.futures.Future[ssl.SSLContext]] = {}


def import_aiohttp() -> None:
    """Import aiohttp without loading the system CA store into its unused default contexts."""
    if "aiohttp.connector" in sys.modules:
        return
    original = ssl.create_default_context

    def empty_default_context(*_: Any, **__: Any) -> ssl.SSLContext:
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)

    ssl.create_default_context = empty_default_context  # type: ignore[assignment]
    original_verify_paths = ssl.SSLContext.set_default_verify_paths
    ssl.SSLContext.set_default_verify_paths = lambda self: None  # type: ignore[method-assign]
    try:
        import aiohttp.connector  # noqa: F401
    finally:
        ssl.create_default_context = original
        ssl.SSLContext.set_default_verify_paths = original_verify_paths  # type: ignore[method-assign]


def _build(verify: bool | str) -> ssl.SSLContext:
    """What botocore builds for a client (urllib3's context, the CA bundle), built once."""
    from botocore.httpsession import create_urllib3_context, get_cert_path

    context = create_urllib3_context()
    if verify:
        context.check_hostname = True
        ca_certs = get_cert_path(verify)
        if ca_certs:
            context.load_verify_locations(ca_certs, None, None)
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def prepare(verify: bool | str = True) -> concurrent.futures.Future[ssl.SSLContext]:
    """Start building the shared context (in a thread) if nobody has yet; its future."""
    with _lock:
        future = _contexts.get(verify)
        if future is None:
            future = concurrent.futures.Future()
            _contexts[verify] = future
            threading.Thread(target=_fill, args=(future, verify), daemon=True,
                             name="tls-context").start()
        return future


def _fill(future: concurrent.futures.Future[ssl.SSLContext], verify: bool | str) -> None:
    try:
        future.set_result(_build(verify))
    except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
        future.set_exception(exc)


async def shared_context(verify: bool | str = True) -> ssl.SSLContext:
    """The process's context for `verify`, waiting (without blocking the loop) if needed."""
    return await asyncio.wrap_future(prepare(verify))


@functools.cache
def http_session_class() -> type:
    """aiobotocore's HTTP session, giving every client the shared context."""
    from aiobotocore.httpsession import AIOHTTPSession, _ProxySSLTCPConnector

    class SharedTlsHttpSession(AIOHTTPSession):
        async def _create_connector(self, proxy_url: str | None) -> Any:
            if proxy_url or self._cert_file:
                return await super()._create_connector(proxy_url)
            return _ProxySSLTCPConnector(limit=self._max_pool_connections,
                                         ssl=await shared_context(self._verify),
                                         proxy_ssl_context=None, **self._connector_args)

    return SharedTlsHttpSession
