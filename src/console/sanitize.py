"""Make untrusted text (log lines, reasons, names, tags) safe to show.

Measured (aws-limits.md): Textual's Log and RichLog pass ESC sequences straight to the terminal;
an OSC 52 sequence in a log line set the terminal's clipboard. So every string that came from
AWS goes through here before any widget or stdout sees it:

* C0 controls, DEL and ESC become their visible Unicode "control pictures" (ESC -> ␛, NUL -> ␀),
  C1 controls (0x80-0x9F, the 8-bit CSI/OSC introducers) become ``<9B>``-style tags, and Unicode
  bidirectional overrides (text that reorders itself on screen) and the line/paragraph
  separators U+2028/U+2029 (which split a line in `Log`) become ``<U+202E>`` tags;
* lone surrogates (invalid UTF-8 that survived JSON decoding) become U+FFFD;
* tabs become spaces; in one-line mode newlines become ⏎ so a row stays one row;
* long text is cut with a marker saying how much was cut.

Rich markup needs no escaping here: callers put the result into `rich.text.Text` objects (never
into markup strings), so ``[bold]`` stays literal text.
"""

from __future__ import annotations

import re

DEFAULT_LINE_LIMIT = 2_000

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# U+2028/U+2029 (line and paragraph separators): str.splitlines() breaks on them, so one log
# line would become two rows in a `Log` widget (and could forge a line of its own).
_SEPARATORS = "\u2028\u2029"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff" + _BIDI + _SEPARATORS + "]")
_TAB = "    "


def _visible(char: str, one_line: bool) -> str:
    code = ord(char)
    if char == "\t":
        return _TAB
    if char == "\n":
        return "⏎" if one_line else "\n"
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟ (␛ for ESC, ␍ for CR)
    if code == 0x7F:
        return "␡"
    if code <= 0x9F:
        return f"<{code:02X}>"
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"<U+{code:04X}>"


def clean(text: str, *, one_line: bool = True, limit: int | None = DEFAULT_LINE_LIMIT) -> str:
    """`text` made inert for a terminal. `limit` cuts it (None: keep all)."""
    if not isinstance(text, str):
        text = str(text)
    cut = 0
    if limit is not None and len(text) > limit:
        cut = len(text) - limit
        text = text[:limit]
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(lambda m: _visible(m.group(), one_line), text)
    if cut:
        text += f" … [+{cut:,} chars]"
    return text


def clean_block(text: str, *, limit: int | None = 200_000) -> str:
    """Like `clean` but keeps newlines: for detail views of a whole message."""
    return clean(text, one_line=False, limit=limit)


def literal(text: object, limit: int | None = 300):
    """Untrusted text for a widget that would read a plain str as markup (border titles,
    Static, Label): sanitised, inside a `rich.text.Text`, which Textual shows as it is."""
    from rich.text import Text

    return Text(clean(str(text), limit=limit))
