"""The emulator: moto's server, in this process, on a free local port, and silent.

In-process matters: the scenarios reach into moto's backend objects to set states its API cannot
produce (unhealthy targets, stopped tasks, failed stack events), which only works when the server
shares our memory. Silent matters: the console is a full-screen terminal app, and a single
werkzeug request line or moto warning written to stderr corrupts its screen.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
import warnings
from pathlib import Path
from types import TracebackType

from console.demo import backend

# Loggers the server and its backends write to; all of them are kept off the terminal.
EMULATOR_LOGGERS = ("werkzeug", "moto", "flask", "flask_cors", "py.warnings")
# ECS tasks would otherwise advance RUNNING -> ... -> STOPPED a step per DescribeTasks.
_FROZEN_TASK_TRANSITION = {
    "model_name": "ecs::task",
    "transition": {"progression": "manual", "times": 1_000_000},
}

# moto settings read from the environment, set unless the user set them. Every reset rebuilds
# the EC2 backends, and each would load ~9,000 default AMIs (0.3 s); the deployment uses none.
EMULATOR_ENVIRONMENT = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}

# Endpoints served by an Emulator of this process: only these can be given scenarios.
_in_process_endpoints: set[str] = set()


def is_in_process(endpoint_url: str) -> bool:
    """Whether `endpoint_url` is served by a running Emulator of this process."""
    return endpoint_url.rstrip("/") in _in_process_endpoints


def silence_emulator_output(log_path: Path | None = None) -> None:
    """Keep everything the emulator logs or warns off the terminal.

    Each logger gets level CRITICAL, a handler of our own (so werkzeug does not add its stderr
    handler) and no propagation to the root logger, which the console may point at stderr.
    With `log_path`, warnings and errors go to that file instead, for debugging the demo.
    """
    handler: logging.Handler = logging.NullHandler()
    level = logging.CRITICAL
    if log_path is not None:
        handler = logging.FileHandler(log_path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        level = logging.WARNING
    for name in EMULATOR_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.propagate = False
        for old in list(logger.handlers):
            logger.removeHandler(old)
        logger.addHandler(handler)
    for module in (r"moto(\..*)?", r"werkzeug(\..*)?", r"flask(\..*)?"):
        warnings.filterwarnings("ignore", module=module)


class Emulator:
    """moto's `ThreadedMotoServer` on 127.0.0.1 and a free port, started on entering the
    context (or by `start()`), with ECS task states frozen and every log silenced.

    moto keeps its state in module globals: every Emulator of one process serves the same
    resources, and a reset through one resets them all.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0,
                 log_path: Path | None = None):
        self._host = host
        self._port = port
        self._log_path = log_path
        self._server: object | None = None
        self._endpoint_url: str | None = None

    @property
    def endpoint_url(self) -> str:
        if self._endpoint_url is None:
            raise RuntimeError("the emulator is not running: call start() first")
        return self._endpoint_url

    @property
    def running(self) -> bool:
        return self._endpoint_url is not None

    def start(self) -> Emulator:
        """Start the server (idempotent) and wait until it answers."""
        if self.running:
            return self
        silence_emulator_output(self._log_path)
        for key, value in EMULATOR_ENVIRONMENT.items():
            os.environ.setdefault(key, value)
        from moto.server import ThreadedMotoServer  # ~0.3 s: only when a demo starts

        server = ThreadedMotoServer(ip_address=self._host, port=self._port, verbose=False)
        server.start()
        backend.quiet_server_errors(server)
        backend.install()
        host, port = server.get_host_and_port()
        self._server = server
        self._endpoint_url = f"http://{host}:{port}"
        _in_process_endpoints.add(self._endpoint_url)
        self._post("/moto-api/state-manager/set-transition", _FROZEN_TASK_TRANSITION)
        return self

    def reset(self) -> None:
        """Forget every resource and every injected state (the frozen task states stay)."""
        self._post("/moto-api/reset", None)
        backend.reset()

    def stop(self) -> None:
        """Stop serving; safe to call twice."""
        server, self._server = self._server, None
        if self._endpoint_url is not None:
            _in_process_endpoints.discard(self._endpoint_url)
            self._endpoint_url = None
        if server is not None:
            # moto's stop() joins its server thread, which can wait on a request thread that
            # a vanished client left behind: give it a few seconds, never hang the exit.
            stopper = threading.Thread(target=server.stop, daemon=True)  # type: ignore
            stopper.start()
            stopper.join(timeout=5)

    def observe_requests(self, listener: backend.RequestListener | None,
                         answerer: backend.RequestAnswerer | None = None) -> None:
        """Training mode: `listener` hears of every request the server answered with a 2xx,
        `answerer` may answer one instead of moto (None stops both)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running: call start() first")
        backend.observe_requests(self._server, listener, answerer)

    def _post(self, path: str, body: object) -> None:
        post_moto_api(self.endpoint_url, path, body)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def post_moto_api(endpoint_url: str, path: str, body: object) -> None:
    """POST to moto's own control API (`/moto-api/...`); raises on a non-2xx answer."""
    data = b"" if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{endpoint_url.rstrip('/')}{path}", data=data,
                                     method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
