"""Reading a user's TOML file (the config, a runbook) without trusting it.

A file is read at most `MAX_BYTES` + 1 bytes (so `--config /dev/zero` ends at once), must be
UTF-8, and may not nest deeper than `MAX_DEPTH` levels: Python's TOML parser recurses on nested
arrays and inline tables (RecursionError) and slows down quadratically on very long dotted
keys, so both are refused before or while parsing. Every refusal is one `TomlFileError` line.
`shown()` renders a value for such a line, short and safe whatever its depth.
"""

from __future__ import annotations

import re
import reprlib
import tomllib
from pathlib import Path
from typing import Any

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32
_KEY_PART = re.compile(r"^\s*\[{0,2}\s*([A-Za-z0-9_.\s-]+?)\s*(?:\]|=)")
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel = 2
_SHOWN.maxstring = 60
_SHOWN.maxother = 60
_SHOWN.maxlist = _SHOWN.maxdict = 4


class TomlFileError(Exception):
    """The file cannot be used; the message says why (without the path: callers add it)."""


class MissingFile(TomlFileError):
    """There is no file at that path."""


def shown(value: Any) -> str:
    """``'yes'``, ``nan``, ``['stack-stable']``: a short repr for an error line."""
    try:
        return _SHOWN.repr(value)
    except RecursionError:  # pragma: no cover - reprlib limits depth itself
        return f"a {type(value).__name__}"


def read_toml(path: Path, what: str = "file") -> dict[str, Any]:
    """The parsed table of `path`; `what` names the file in messages (``config file``)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise MissingFile(f"there is no {what} here") from None
    except OSError as exc:
        raise TomlFileError(f"cannot read the {what} ({exc.strerror or exc})") from exc
    if len(raw) > MAX_BYTES:
        raise TomlFileError(f"larger than 1 MB: not a {what} (check the path)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TomlFileError(f"not UTF-8 text (byte {exc.start}): not a {what}") from None
    deepest = max((_dotted_depth(line) for line in text.splitlines()), default=0)
    if deepest > MAX_DEPTH:
        raise TomlFileError(f"keys nested {deepest} levels deep (at most {MAX_DEPTH}): "
                            f"not a {what}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlFileError(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise TomlFileError(f"arrays or inline tables nested too deeply: not a {what}"
                            ) from None


def _dotted_depth(line: str) -> int:
    """How many parts the key (or table header) of a line has: ``a.b.c = 1`` -> 3.
    A rough count (quoted keys with dots count more), enough to refuse absurd nesting."""
    match = _KEY_PART.match(line)
    return match.group(1).count(".") + 1 if match else 0
