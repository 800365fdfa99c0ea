"""Training mode's view of the emulator: every write request moto answers, observed.

The WSGI app of moto's server (an internal listed in `backend.INTERNALS`) is wrapped so that the
demo's training rules (console.demo.training) see what the console asked for.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any

# -- training mode: what the server was asked, tasks that age out ---------------------------
# (method, path, query string, headers, body) of a request moto answered with a 2xx.
RequestListener = Callable[[str, str, str, dict[str, str], bytes], None]
# The same, asked before moto: an XML body to answer with instead of moto, or None.
RequestAnswerer = Callable[[str, str, str, dict[str, str], bytes], bytes | None]
_LISTENER_ATTRIBUTE = "_incident_console_request_listener"


def observe_requests(server: Any, listener: RequestListener | None,
                     answerer: RequestAnswerer | None = None) -> None:
    """Call `listener` for every request moto answers with a 2xx, on the request's thread,
    after moto has handled it and before the answer is sent; `answerer` first, for a request
    moto cannot serve on the demo's resources. None stops observing. Neither may raise (a
    failure is swallowed: the client still gets moto's answer)."""
    wsgi_server = server._server
    app = wsgi_server.app
    if not hasattr(app, _LISTENER_ATTRIBUTE):
        app = _ObservedApp(app)
        wsgi_server.app = app
    setattr(app, _LISTENER_ATTRIBUTE, listener)
    app.answerer = answerer if listener is not None else None


class _ObservedApp:
    """moto's WSGI app, wrapped: reads the body once, hands the request on, then tells the
    listener about a successful one."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._incident_console_request_listener: RequestListener | None = None
        self.answerer: RequestAnswerer | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        listener = self._incident_console_request_listener
        if listener is None or environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        headers = {key[5:].replace("_", "-").lower(): str(value)
                   for key, value in environ.items() if key.startswith("HTTP_")}
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        request = (environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""),
                   environ.get("QUERY_STRING", ""), headers, body)
        answerer, instead = self.answerer, None
        if answerer is not None:
            with contextlib.suppress(Exception):
                instead = answerer(*request)
        if instead is not None:
            start_response("200 OK", [("Content-Type", "text/xml"),
                                      ("Content-Length", str(len(instead)))])
            return [instead]
        status: list[str] = []

        def recording_start_response(code: str, headers: Any, *args: Any) -> Any:
            status.append(code)
            return start_response(code, headers, *args)

        answer = self.app(environ, recording_start_response)
        if status and status[0].startswith("2"):
            with contextlib.suppress(Exception):
                listener(*request)
        return answer
