"""Live Tail on the wire, for tests: moto answers StartLiveTail with one snapshot and closes the
stream, so these tests serve the stream themselves, in AWS's binary event-stream encoding
(application/vnd.amazon.eventstream: prelude, CRCs, `:message-type`/`:event-type` headers),
with the event shapes of botocore's logs model (LiveTailSessionStart, LiveTailSessionUpdate,
SessionTimeoutException, SessionStreamingException). The real aiobotocore client parses them
(`before-send` hands it the response), so what the follower sees is what AWS would send; every
other call still goes to the emulator. The test pushes each update: no clock, no sleeps.
"""

from __future__ import annotations

import asyncio
import binascii
import json
import struct
import uuid
from email.utils import formatdate
from typing import Any

from aiobotocore.awsrequest import AioAWSResponse


def _header(name: str, value: str) -> bytes:
    n, v = name.encode(), value.encode()
    return struct.pack(">B", len(n)) + n + b"\x07" + struct.pack(">H", len(v)) + v


def message(headers: dict[str, str], payload: dict[str, Any]) -> bytes:
    """One event-stream message, as AWS frames it."""
    head = b"".join(_header(k, v) for k, v in headers.items())
    body = json.dumps(payload).encode()
    total = 12 + len(head) + len(body) + 4
    prelude = struct.pack(">II", total, len(head))
    prelude += struct.pack(">I", binascii.crc32(prelude) & 0xFFFFFFFF)
    frame = prelude + head + body
    return frame + struct.pack(">I", binascii.crc32(frame) & 0xFFFFFFFF)


def event(kind: str, payload: dict[str, Any]) -> bytes:
    return message({":message-type": "event", ":event-type": kind,
                    ":content-type": "application/json"}, payload)


def exception(kind: str, text: str) -> bytes:
    return message({":message-type": "exception", ":exception-type": kind,
                    ":content-type": "application/json"}, {"message": text})


class _Content:
    def __init__(self, queue: asyncio.Queue[Any]) -> None:
        self._queue = queue

    async def iter_chunks(self):
        while True:
            chunk = await self._queue.get()
            if chunk is None:
                return
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk, True


class _Raw:
    """What aiobotocore's AioEventStream reads: `.content.iter_chunks()` and `close()`."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.content = _Content(self.queue)
        self.closed = False

    def close(self) -> None:
        self.closed = True
        self.queue.put_nowait(None)

    async def read(self) -> bytes:
        return b""


class LiveTailWire:
    """Answers StartLiveTail on `client` with a stream the test writes to."""

    def __init__(self) -> None:
        self.sessions: list[_Raw] = []
        self.requests: list[dict[str, Any]] = []
        self.refuse: tuple[int, str, str] | None = None  # (status, __type, message)
        self.started = 0  # sessions sent their sessionStart

    @property
    def pending(self) -> bool:
        """A session was asked for and has not started yet."""
        return len(self.sessions) > self.started

    def install(self, client: Any) -> None:
        client.meta.events.register("before-send.cloudwatch-logs.StartLiveTail", self._send)
        client.meta.events.register("before-call.cloudwatch-logs.StartLiveTail", self._record)

    def _record(self, params: Any = None, **_: Any) -> None:
        self.requests.append(json.loads(params["body"]) if params else {})

    def _send(self, request: Any = None, **_: Any) -> AioAWSResponse:
        headers = {"content-type": "application/vnd.amazon.eventstream",
                   "date": formatdate(usegmt=True), "x-amzn-requestid": str(uuid.uuid4())}
        raw = _Raw()
        if self.refuse is not None:
            status, kind, text = self.refuse
            body = json.dumps({"__type": kind, "message": text}).encode()
            raw.read = _bytes(body)  # type: ignore[method-assign]
            return AioAWSResponse(request.url, status, {"content-type":
                                  "application/x-amz-json-1.1", **headers}, raw)
        raw.queue.put_nowait(event("initial-response", {}))
        self.sessions.append(raw)
        return AioAWSResponse(request.url, 200, headers, raw)

    # ---------------------------------------------------------------- what the test sends
    @property
    def stream(self) -> _Raw:
        return self.sessions[-1]

    def start(self, groups: list[str]) -> None:
        self.started = len(self.sessions)
        self.stream.queue.put_nowait(event("sessionStart", {
            "requestId": str(uuid.uuid4()), "sessionId": str(uuid.uuid4()),
            "logGroupIdentifiers": groups, "logStreamNames": [], "logStreamNamePrefixes": [],
            "logEventFilterPattern": ""}))

    def update(self, results: list[dict[str, Any]], sampled: bool = False) -> None:
        self.stream.queue.put_nowait(event("sessionUpdate", {
            "sessionMetadata": {"sampled": sampled}, "sessionResults": results}))

    def fail(self, kind: str, text: str) -> None:
        self.stream.queue.put_nowait(exception(kind, text))

    def close(self) -> None:
        self.stream.queue.put_nowait(None)

    def drop(self) -> None:
        """The connection breaks mid-stream (as aiohttp reports it)."""
        from aiohttp import ClientPayloadError

        self.stream.queue.put_nowait(ClientPayloadError("Response payload is not completed"))


def _bytes(body: bytes):
    async def read() -> bytes:
        return body
    return read


def result(group_arn: str, stream: str, timestamp: int, message: str,
           ingestion_time: int) -> dict[str, Any]:
    """One LiveTailSessionLogEvent (the model's members: no eventId)."""
    return {"logStreamName": stream, "logGroupIdentifier": group_arn, "message": message,
            "timestamp": timestamp, "ingestionTime": ingestion_time}
