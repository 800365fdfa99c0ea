"""How a command ends when something goes wrong: one clear message, never a traceback."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from console.config import ConfigError, log_dir

log = logging.getLogger("console")
MAX_CONFIG_LINES = 20


class UsageError(Exception):
    """A flag value that cannot be used (e.g. an unknown scenario); exit code 2."""


def setup_logging() -> str:
    """Log to a file, never to the terminal (a TUI shares the terminal). Returns the path."""
    directory = log_dir()
    path = directory / "incident-console.log"
    root = logging.getLogger()
    if any(getattr(h, "_incident_console", False) for h in root.handlers):
        return str(path)
    try:
        # The log names stacks, accounts and errors: readable by its owner only.
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # a log file made by an older version
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler._incident_console = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # botocore at DEBUG logs request headers; keep it quiet so nothing sensitive is written.
    for noisy in ("botocore", "aiobotocore", "urllib3", "werkzeug", "moto", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return str(path)


def fail(prog: str, message: str, fix: str | None = None, code: int = 2,
         limit: int = 500) -> int:
    from console.sanitize import clean

    print(f"{prog}: {clean(message, limit=limit)}", file=sys.stderr)
    if fix:
        print(f"  fix: {clean(fix, limit=500)}", file=sys.stderr)
    return code


def run_guarded(command: Callable[[], int], *, prog: str) -> int:
    from probes.errors import EnvironmentUnusable

    log_path = setup_logging()
    try:
        return command()
    except ConfigError as exc:  # one line per mistake in the file
        lines = list(exc.lines or (str(exc),))
        if len(lines) > MAX_CONFIG_LINES:
            more = len(lines) - MAX_CONFIG_LINES + 1
            lines = [*lines[:MAX_CONFIG_LINES - 1], f"... and {more} more mistakes"]
        for line in lines:  # (a list of valid names can be long: 2,000 characters)
            fail(prog, line, limit=2000)
        return 2
    except UsageError as exc:
        return fail(prog, str(exc))
    except EnvironmentUnusable as exc:
        return fail(prog, exc.error.message, exc.error.fix)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `incident-console tail | head`: the reader left; that is not an error. Point stdout
        # at /dev/null so the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # the last line of defence against tracebacks
        log.exception("unexpected error")
        return fail(prog, f"unexpected error: {type(exc).__name__}: {exc}",
                    f"details are in {log_path}; please report it", code=1)
