"""Student text made safe for a machine-readable format: control characters become visible escapes.

Messages and captured output come from student code and may hold anything: ANSI colour codes, NUL bytes,
carriage returns, lone surrogates. XML 1.0 cannot carry most control characters at all, and a stray
carriage return or escape sequence garbles a Markdown table or a CI log. :func:`visible_controls` writes
each such character as ``\\xNN`` (``\\uNNNN`` above U+00FF), so the text stays readable and nothing is lost.
:func:`json_text` writes JSON that stays encodable whatever the strings hold.
"""

from __future__ import annotations

import json
import re

# Everything outside XML 1.0's Char production (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-]),
# plus DEL and the C1 controls, which are legal in XML but unreadable in a report.
_UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible_controls(text: str, keep: str = "\t\n\r") -> str:
    """``text`` with every control character not in ``keep`` (tab, newline, CR by default) escaped."""
    unsafe = _UNSAFE + "".join(re.escape(c) for c in "\t\n\r" if c not in keep)
    return re.sub(f"[{unsafe}]", _escape, text)


def json_text(data: object, indent: int | None = 2) -> str:
    """``data`` as JSON (UTF-8 text, non-ASCII kept) that any encoder accepts.

    A lone surrogate from student output (``print("\\ud800")``) cannot be encoded as UTF-8; it is written as
    the JSON escape ``\\ud800`` instead, which JSON readers decode back to the same string.
    """
    separators = None if indent is not None else (",", ":")
    text = json.dumps(data, indent=indent, ensure_ascii=False, separators=separators)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
