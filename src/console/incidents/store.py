"""Timeline files on disk: create, append durably, read back whatever survived.

One file per incident, ``<data dir>/incidents/<id>.jsonl``, append-only. Each entry is one
line written with a single `write()` on an ``O_APPEND`` descriptor and then `os.fsync`, so a
dropped SSH session, a killed process or a power cut loses at most the entry being written,
and two consoles recording the same incident never interleave inside a line. If a previous
writer died mid-line (no newline at the end of the file), the next append starts with a
newline so that the torn fragment stays one bad line instead of spoiling a good one.

Reading never raises on content: a line that is not a complete, valid entry is reported as a
`LineProblem` with its number and skipped, and the rest loads.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.incidents.model import ENVELOPE, Entry, LineProblem, TimelineWriteError

SUFFIX = ".jsonl"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")
_SLUG_LIMIT = 16  # ids stay short enough for `incident list` in 80 columns
PEEK_BYTES = 64 * 1024
TRUNCATED = "truncated: the entry stops mid-line (the writer died mid-write)"


def format_time(moment: datetime) -> str:
    """``2026-11-28T03:14:07.123Z``: UTC, millisecond precision, sortable as text."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def slug(title: str) -> str:
    """A filename-safe, lower-case ASCII slug of `title` (``ALB 503s!`` -> ``alb-503s``)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(words) > _SLUG_LIMIT:  # cut at a word when one ends early enough
        cut = words[:_SLUG_LIMIT + 1].rsplit("-", 1)[0]
        words = cut if _SLUG_LIMIT // 2 <= len(cut) <= _SLUG_LIMIT else words[:_SLUG_LIMIT]
    return words.rstrip("-") or "incident"


def incident_id(opened_at: datetime, severity: str, title: str) -> str:
    """``2026-11-28-0314-p0-alb-503s``: sorts by opening time, says what it is, is safe as a
    filename on every OS. `create_timeline` makes it unique."""
    return f"{opened_at.astimezone(UTC):%Y-%m-%d-%H%M}-{severity.lower()}-{slug(title)}"


def is_valid_id(value: str) -> bool:
    """Ids are file stems: no separators, no ``..``, nothing a shell or a path could abuse."""
    return bool(_SAFE_ID.match(value)) and ".." not in value


def timeline_path(directory: Path, incident: str) -> Path:
    return directory / f"{incident}{SUFFIX}"


def create_timeline(directory: Path, base_id: str) -> tuple[str, Path]:
    """Create an empty timeline named `base_id` (or ``base_id-2``, ``-3``… if taken) with
    O_EXCL, so two consoles opening at the same minute never share a file."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, 1000):
            candidate = base_id if attempt == 1 else f"{base_id}-{attempt}"
            path = timeline_path(directory, candidate)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            os.close(fd)
            _fsync_directory(directory)
            return candidate, path
    except OSError as exc:
        raise TimelineWriteError(f"cannot create a timeline in {directory}: "
                                 f"{exc.strerror or exc}") from exc
    raise TimelineWriteError(f"cannot create a timeline in {directory}: every name is taken")


def _fsync_directory(directory: Path) -> None:
    """Make the new file's name durable too (POSIX; a no-op where directories cannot be
    opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def encode(record: Mapping[str, Any]) -> bytes:
    """One line of UTF-8 JSON. Control characters are escaped by JSON itself; lone
    surrogates (from undecodable input) are replaced so the line is always valid UTF-8."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.encode("utf-8", errors="replace") + b"\n"


def append_records(path: Path, records: Sequence[Mapping[str, Any]]) -> None:
    """Append `records` (usually one) with one write() on an unbuffered O_APPEND descriptor
    (nothing waits in a user-space buffer), then fsync before returning. The file must exist:
    a timeline deleted under us is an error, not silently restarted without its opening.
    Raises `TimelineWriteError`: the caller must know the entry was not recorded."""
    payload = b"".join(encode(r) for r in records)
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                payload = b"\n" + payload  # a torn last line stays its own (bad) line
            view = memoryview(payload)
            while view:  # one write() in practice; loop only on a partial write
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise TimelineWriteError(f"cannot write to {path}: {exc.strerror or exc}") from exc


def parse_line(number: int, raw: bytes, last: bool) -> Entry | LineProblem | None:
    """One line as an entry, a problem, or None for a blank line."""
    if not raw.strip():
        return None
    if not raw.rstrip(b"\r\n").strip(b"\x00"):
        return LineProblem(number, "only NUL bytes (the data never reached the disk before a "
                                   "crash)")
    torn = last and not raw.endswith(b"\n")
    try:
        text = raw.decode("utf-8")
        record = json.loads(text)
    except UnicodeDecodeError as exc:
        if torn or exc.start >= len(raw.rstrip(b"\r\n")) - 3:  # cut inside a character
            return LineProblem(number, TRUNCATED)
        return LineProblem(number, "not UTF-8 text")
    except json.JSONDecodeError as exc:
        if torn or _ran_out(exc, text):
            return LineProblem(number, TRUNCATED)
        return LineProblem(number, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(record, dict):
        return LineProblem(number, "not a JSON object")
    kind = record.get("kind")
    if not isinstance(kind, str) or not kind:
        return LineProblem(number, "no 'kind'")
    try:
        moment = datetime.fromisoformat(record["t"])
    except (KeyError, TypeError, ValueError):
        return LineProblem(number, "no valid UTC time ('t')")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    who = record.get("who")
    fields = {k: v for k, v in record.items() if k not in ENVELOPE}
    return Entry(number, moment.astimezone(UTC), kind, who if isinstance(who, str) else None,
                 fields)


def _ran_out(error: json.JSONDecodeError, text: str) -> bool:
    """The JSON stops before it is complete: the input ended, or a ``\\uXXXX`` escape was cut
    at the very end. (A torn line that a later append ended with a newline looks like this.)"""
    end = len(text.rstrip())
    return error.pos >= end or ("escape" in error.msg and error.pos >= end - 6)


def parse_lines(data: bytes, first_line: int = 1,
                whole_file: bool = True) -> tuple[list[Entry], list[LineProblem]]:
    entries: list[Entry] = []
    problems: list[LineProblem] = []
    lines = data.splitlines(keepends=True)
    for offset, raw in enumerate(lines):
        parsed = parse_line(first_line + offset, raw, whole_file and offset == len(lines) - 1)
        if isinstance(parsed, Entry):
            entries.append(parsed)
        elif parsed is not None:
            problems.append(parsed)
    return entries, problems


def read_timeline(path: Path) -> tuple[list[Entry], list[LineProblem]]:
    """Every readable entry of the file and a problem per unreadable line."""
    return parse_lines(path.read_bytes())


def peek(path: Path) -> tuple[Entry | None, bool]:
    """The opening entry and whether the incident is closed, reading only the head and the
    tail of a large file: enough to find the open incident at start-up without parsing
    every timeline ever written."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size <= 2 * PEEK_BYTES:
            entries, _ = parse_lines(file.read())
            head, tail = entries, entries
        else:
            head, _ = parse_lines(file.read(PEEK_BYTES), whole_file=False)
            file.seek(size - PEEK_BYTES)
            tail, _ = parse_lines(file.read().split(b"\n", 1)[-1], whole_file=True)
    opened = next((e for e in head if e.kind == "opened"), None)
    return opened, any(e.kind == "closed" for e in tail)


def timeline_files(directory: Path) -> list[Path]:
    """Every timeline in `directory`, oldest first (ids sort by opening time)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob(f"*{SUFFIX}") if is_valid_id(p.stem))


@contextlib.contextmanager
def directory_lock(directory: Path) -> Iterator[None]:
    """Serialise "is an incident open? then open one" between consoles on one machine."""
    try:
        import fcntl
    except ImportError:  # not POSIX: O_EXCL names still keep files apart
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
