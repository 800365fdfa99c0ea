"""Keep credentials out of timelines, and keep each entry a reasonable size.

A timeline outlives the incident: it is attached to tickets, pasted into post-mortems and kept
for years, so a secret written into it is a leak. Everything an entry carries goes through
`scrub()` before it is written:

* a value whose key looks like a secret (password, secret, token, credential, private key,
  access key, signature, authorization, session token...) is replaced whole by `REDACTED`;
  keys that merely *name* a secret (``SecretId``, ``SecretArn``, ``KmsKeyId``) are kept, since
  the report needs to say which secret was rotated;
* inside every string: AWS access key ids (``AKIA…``/``ASIA…``), 40-character secret access
  keys, long base64 blobs (session tokens), PEM private keys, ``password=…``-style pairs and
  the password of ``scheme://user:password@host`` URLs are redacted;
* strings are cut at `MAX_STRING` characters and lists at `MAX_ITEMS` items, saying how much
  was cut, so one huge piece of evidence cannot make a line of megabytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from probes.serialize import to_jsonable

REDACTED = "[redacted]"
MAX_STRING = 20_000
MAX_ITEMS = 500
MAX_DEPTH = 12

_SECRET_KEY = re.compile(
    r"pass(word|wd|phrase)?$|^pwd$|secret|token|credential|private.?key|access.?key|api.?key"
    r"|signature|authori[sz]ation|cookie|session.?key|^auth$|secretstring|secretbinary",
    re.IGNORECASE)
# Names of a secret, not its value: the report must say which secret was rotated.
_NAMING_KEY = re.compile(r"(id|arn|name|names|ids|arns|count|type|version|versions|"
                         r"stage|stages|date|time|rotated|length|policy)$"
                         # ECS container definitions: `secrets` lists references (a name
                         # and a `valueFrom` ARN), never values.
                         r"|^secrets$", re.IGNORECASE)
_ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])")
_SECRET_ACCESS_KEY = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_LONG_BLOB = re.compile(r"[A-Za-z0-9/+_-]{100,}={0,2}")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----"
                  r"|$)", re.DOTALL)
# `password=x`, `token: x`, `"password": "x"`. Not after ':' or '/' (``…:secret:name`` in
# an ARN names a secret). Only the value is replaced: quotes, brackets and separators around
# it stay, so a command or a JSON document stays whole and parseable.
_PAIR = re.compile(r"(?i)(?<![a-z:/])((?:password|passwd|pwd|secret(?:_access_key)?|"
                   r"session_token|token|api[_-]?key)[\"']?\s*[=:]\s*)"
                   r"(?:\"([^\"\\]*)\"|'([^']*)'|([^\s,;&\"'\]}){}]+))")
_URL_PASSWORD = re.compile(r"(://[^/\s:@]+:)[^/\s@]+@")


def is_secret_key(key: str) -> bool:
    """True for a key whose value is a secret (``Password``, ``SessionToken``,
    ``SecretAccessKey``), False for one that names it (``SecretId``, ``AccessKeyId``)."""
    return bool(_SECRET_KEY.search(key)) and not _NAMING_KEY.search(key)


def _looks_like_secret_access_key(match: re.Match[str]) -> str:
    word = match.group()
    mixed = (any(c.isupper() for c in word) and any(c.islower() for c in word)
             and any(c.isdigit() for c in word))
    return REDACTED if mixed else word


def _redact_pair_value(match: re.Match[str]) -> str:
    """Keep the key and the value's own quotes; replace what is between them."""
    if match.group(2) is not None:
        return f'{match.group(1)}"{REDACTED}"'
    if match.group(3) is not None:
        return f"{match.group(1)}'{REDACTED}'"
    return match.group(1) + REDACTED


def scrub_text(text: str) -> str:
    """`text` with every credential-shaped substring redacted, cut at `MAX_STRING`."""
    if len(text) > MAX_STRING:
        text = text[:MAX_STRING] + f" … [+{len(text) - MAX_STRING:,} chars cut]"
    text = _PEM.sub(REDACTED, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + REDACTED + "@", text)
    text = _PAIR.sub(_redact_pair_value, text)
    text = _ACCESS_KEY_ID.sub(REDACTED, text)
    text = _LONG_BLOB.sub(REDACTED, text)
    return _SECRET_ACCESS_KEY.sub(_looks_like_secret_access_key, text)


def scrub(value: Any, *, depth: int = 0) -> Any:
    """A JSON-able copy of `value` (dataclasses, datetimes and enums converted) with secrets
    redacted and sizes capped. Never mutates `value`."""
    value = to_jsonable(value) if depth == 0 else value
    if depth > MAX_DEPTH:
        return "[nested too deep: cut]"
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            key = scrub_text(str(key))
            secret = is_secret_key(key) and item not in (None, "", [], {})
            out[key] = REDACTED if secret else scrub(item, depth=depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        items = [scrub(item, depth=depth + 1) for item in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            items.append(f"… [+{len(value) - MAX_ITEMS:,} items cut]")
        return items
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub_text(str(value))
