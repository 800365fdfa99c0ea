"""A fault-injecting HTTP proxy for the tests: 127.0.0.1, in front of the emulator.

Every request is forwarded unchanged, unless a fault is set for its IAM action (``ecs:
DescribeServices``). The action is read from the request as AWS reads it: the service from the
SigV4 credential scope, the operation from `X-Amz-Target` (JSON protocols), `Action=` (query
protocols) or the `/operation/X` path (CloudWatch's RPC v2 CBOR). Faults:

- ``drop``: read the request, close the connection without an answer;
- ``stall``: say nothing until `stall_s` has passed (past the client's read timeout), then close;
- ``denied``, ``throttled``, ``expired``: the error AWS returns, in the protocol's format, with
  AWS's message (an AccessDenied names ``service:Action``).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FAULTS = ("drop", "stall", "denied", "throttled", "expired")
ACCOUNT_USER = "arn:aws:iam::123456789012:user/x"
# The SigV4 signing name -> the IAM action prefix, where they differ.
_IAM_PREFIX = {"monitoring": "cloudwatch"}
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_QUERY_ERRORS = {"denied": (403, "AccessDenied"), "throttled": (400, "Throttling"),
                 "expired": (403, "ExpiredToken")}
_JSON_ERRORS = {"denied": (400, "AccessDeniedException"), "throttled": (400, "ThrottlingException"),
                "expired": (400, "ExpiredTokenException")}


def error_message(fault: str, action: str) -> str:
    if fault == "denied":
        return (f"User: {ACCOUNT_USER} is not authorized to perform: {action} on resource: "
                f"arn:aws:{action.split(':')[0]}:eu-west-1:123456789012:*")
    if fault == "throttled":
        return "Rate exceeded"
    return "The security token included in the request is expired"


def _cbor_text(value: str) -> bytes:
    data = value.encode()
    return _cbor_head(3, len(data)) + data


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    if length < 256:
        return bytes([major << 5 | 24, length])
    return bytes([major << 5 | 25]) + struct.pack(">H", length)


def cbor_map(values: dict[str, str]) -> bytes:
    """The little CBOR an RPC v2 error body needs: a map of text to text."""
    out = _cbor_head(5, len(values))
    for key, value in values.items():
        out += _cbor_text(key) + _cbor_text(value)
    return out


class FaultProxy:
    """`with FaultProxy(upstream) as proxy:` then point clients at `proxy.url`."""

    def __init__(self, upstream: str, *, stall_s: float = 3.0):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.stall_s = stall_s
        self.faults: dict[str, str] = {}
        self.seen: list[str] = []  # the action of every request, in order
        self.injected: list[str] = []
        self._custom = ("", "")
        self._cleared = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                proxy._handle(self)

            do_GET = do_POST

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ------------------------------------------------------------------ control
    def fail(self, action: str, fault: str) -> None:
        assert fault in FAULTS, fault
        self._cleared.clear()
        self.faults = {action: fault}

    def answer(self, action: str, code: str, message: str) -> None:
        """Answer `action` with this error code and message (status 400)."""
        self._cleared.clear()
        self._custom = (code, message)
        self.faults = {action: "custom"}

    def clear(self) -> None:
        self.faults = {}
        self._cleared.set()

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.clear()
        self._server.shutdown()
        self._server.server_close()

    # ------------------------------------------------------------------ requests
    @staticmethod
    def action_of(handler: BaseHTTPRequestHandler, body: bytes) -> tuple[str, str]:
        """(IAM action, protocol) of a request: protocol is json, query or cbor."""
        scope = _SCOPE.search(handler.headers.get("Authorization", ""))
        service = scope.group(1) if scope else "?"
        service = _IAM_PREFIX.get(service, service)
        target = handler.headers.get("X-Amz-Target")
        if target:
            return f"{service}:{target.rsplit('.', 1)[-1]}", "json"
        if "/operation/" in handler.path:
            return f"{service}:{handler.path.rsplit('/operation/', 1)[-1]}", "cbor"
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", ["?"])[0]
        return f"{service}:{action}", "query"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        try:
            self._serve(handler)
        except OSError:  # the client gave up first (its own timeout): nothing to answer
            handler.close_connection = True

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        action, protocol = self.action_of(handler, body)
        self.seen.append(action)
        fault = self.faults.get(action)
        if fault:
            self.injected.append(action)
        if fault == "drop":
            self._close(handler)
            return
        if fault == "stall":
            self._cleared.wait(self.stall_s)
            self._close(handler)
            return
        if fault:
            self._answer_error(handler, fault, action, protocol)
            return
        self._forward(handler, body)

    @staticmethod
    def _close(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        with contextlib.suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)

    def _answer_error(self, handler: BaseHTTPRequestHandler, fault: str, action: str,
                      protocol: str) -> None:
        message = self._custom[1] if fault == "custom" else error_message(fault, action)
        if protocol == "query":
            status, code = _QUERY_ERRORS[fault]
            payload = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                       f"<Message>{message}</Message></Error><RequestId>fault-1</RequestId>"
                       "</ErrorResponse>").encode()
            content_type = "text/xml"
            extra = {}
        else:
            status, code = (400, self._custom[0]) if fault == "custom" else _JSON_ERRORS[fault]
            if protocol == "cbor":
                payload = cbor_map({"__type": code, "message": message})
                content_type, extra = "application/cbor", {"smithy-protocol": "rpc-v2-cbor"}
            else:
                payload = json.dumps({"__type": code, "message": message}).encode()
                content_type, extra = "application/x-amz-json-1.1", {}
        self._respond(handler, status, {"Content-Type": content_type,
                                        "x-amzn-RequestId": "fault-1", **extra}, payload)

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items()
                       if k.lower() not in ("connection", "keep-alive")}
            upstream.request(handler.command, handler.path, body=body, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
            passed = {k: v for k, v in response.getheaders()
                      if k.lower() not in ("connection", "transfer-encoding", "content-length",
                                           "keep-alive", "date", "server")}
            self._respond(handler, response.status, passed, payload)
        finally:
            upstream.close()

    @staticmethod
    def _respond(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str],
                 payload: bytes) -> None:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(payload)
        handler.close_connection = True
