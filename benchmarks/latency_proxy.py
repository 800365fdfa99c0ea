"""A TCP proxy on 127.0.0.1 in front of the emulator that models the network and counts.

- Each new connection waits `2 x latency` before its first byte goes on: a connection's set-up
  (TCP handshake, TLS handshake) costs two round trips on a real network.
- Each request (a chunk the client sends) waits `latency` before it is passed on: its round
  trip (the emulator answers in about a millisecond).
- Every request is logged with its operation (from the SigV4 scope and X-Amz-Target, Action=
  or the RPC v2 path), when it was sent and when its answer came back; `rounds()` counts the
  dependent round trips (a request sent after another's answer arrived is one round later).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

_SCOPE = re.compile(rb"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_TARGET = re.compile(rb"(?i)x-amz-target:\s*([^\r\n]+)")


@dataclass
class Request:
    op: str
    sent: float
    answered: float = 0.0


@dataclass
class Log:
    connections: list[float] = field(default_factory=list)  # when each was opened
    requests: list[Request] = field(default_factory=list)

    def clear(self) -> None:
        self.connections.clear()
        self.requests.clear()

    def by_operation(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.requests:
            counts[r.op] = counts.get(r.op, 0) + 1
        return dict(sorted(counts.items()))

    def rounds(self) -> int:
        """Dependent round trips: round(r) = 1 + the highest round answered before r left."""
        done: list[tuple[float, int]] = []
        best = 0
        for r in sorted(self.requests, key=lambda q: q.sent):
            level = 1 + max((lvl for answered, lvl in done if answered <= r.sent), default=0)
            done.append((r.answered or r.sent, level))
            best = max(best, level)
        return best


def operation(chunk: bytes) -> str:
    scope = _SCOPE.search(chunk)
    service = scope.group(1).decode() if scope else "?"
    target = _TARGET.search(chunk)
    if target:
        return f"{service}:{target.group(1).decode().strip().rsplit('.', 1)[-1]}"
    head, _, body = chunk.partition(b"\r\n\r\n")
    path = head.split(b" ", 2)[1] if head.count(b" ") >= 2 else b""
    if b"/operation/" in path:
        return f"{service}:{path.rsplit(b'/operation/', 1)[-1].decode()}"
    action = parse_qs(body.decode("utf-8", "replace")).get("Action", ["?"])[0]
    return f"{service}:{action}"


class LatencyProxy:
    def __init__(self, target_port: int, latency_s: float) -> None:
        self.target_port = target_port
        self.latency_s = latency_s
        self.log = Log()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.port = 0
        threading.Thread(target=self._serve, args=(ready,), daemon=True).start()
        ready.wait()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _client(self, reader, writer) -> None:
        self.log.connections.append(time.perf_counter())
        if self.latency_s:
            await asyncio.sleep(2 * self.latency_s)  # connection set-up: two round trips
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        pending: list[Request] = []
        await asyncio.gather(self._requests(reader, up_writer, pending),
                             self._answers(up_reader, writer, pending))

    async def _requests(self, reader, writer, pending: list[Request]) -> None:
        try:
            while data := await reader.read(65536):
                if data[:4] in (b"POST", b"GET ", b"PUT ", b"DELE", b"HEAD"):
                    request = Request(operation(data), time.perf_counter())
                    self.log.requests.append(request)
                    pending.append(request)
                if self.latency_s:
                    await asyncio.sleep(self.latency_s)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _answers(self, reader, writer, pending: list[Request]) -> None:
        try:
            while data := await reader.read(65536):
                if data[:5] == b"HTTP/" and pending:
                    pending.pop(0).answered = time.perf_counter()
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()


class KeepAliveLatencyProxy(LatencyProxy):
    """`LatencyProxy`, with connections kept open across requests as AWS's endpoints keep
    them. moto answers every request with `Connection: close`, so through `LatencyProxy` each
    request of a process pays a connection's set-up again, which a client with a connection
    pool (the console's aiohttp) does not pay on AWS. Here each request read from a client's
    connection goes upstream on a connection of its own, and the answer goes back without
    `Connection: close`: set-up is paid once per connection the client opens. A process that
    makes one request (an `aws` call) pays the same as through `LatencyProxy`."""

    async def _client(self, reader, writer) -> None:
        self.log.connections.append(time.perf_counter())
        if self.latency_s:
            await asyncio.sleep(2 * self.latency_s)  # connection set-up: two round trips
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                data = head + await reader.readexactly(_content_length(head))
                request = Request(operation(data), time.perf_counter())
                self.log.requests.append(request)
                if self.latency_s:
                    await asyncio.sleep(self.latency_s)
                answer = await self._upstream(data, head.startswith(b"HEAD "))
                request.answered = time.perf_counter()
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError,
                OSError):
            pass
        finally:
            writer.close()

    async def _upstream(self, data: bytes, head_request: bool) -> bytes:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        try:
            up_writer.write(data)
            await up_writer.drain()
            head = await up_reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            if head_request or status in (204, 304) or status < 200:
                body = b""
            elif re.search(rb"(?im)^content-length:", head):
                body = await up_reader.readexactly(_content_length(head))
            else:
                body = await up_reader.read()  # no length: the body ends with the connection
        finally:
            up_writer.close()
        kept = re.sub(rb"(?im)^connection:[^\r\n]*\r\n", b"", head)
        if not re.search(rb"(?im)^content-length:", kept):
            kept = kept[:-2] + b"Content-Length: %d\r\n\r\n" % len(body)
        return kept + body


def _content_length(head: bytes) -> int:
    found = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return int(found.group(1)) if found else 0
