"""Showing text that came from the agent or the server to a person: escaped, and never cut.

A terminal does what the bytes it prints say: ESC and C1 sequences move the
cursor, erase lines, hide text or retitle the window; a carriage return
overwrites the line; U+202E shows the rest of a line backwards; zero-width
characters hide between letters. Any of them in a tool's name, its arguments,
the reason for an approval or an agent's question could make a person consent
to something other than what they read. Everything the SDK shows of such text
-- the approval and question prompts, the messages of the pause errors, the
reprs and the notebook renderings -- goes through this module:

* :func:`visible` writes every character that is not plainly printable as a
  visible escape (``\\x1b``, ``\\u202e``, ``\\u200b``); ordinary letters of every
  script are left alone.
* :func:`visible_json` shows a value as JSON with the same escapes, so what is
  shown still parses back to exactly the value that runs.
* :func:`wrap` breaks a long line into lines of a terminal's width without
  dropping or changing a character.
* :func:`md_code`, :func:`md_block` and :func:`html_text` put escaped text
  into Markdown and HTML where it cannot become markup.

Nothing here shortens text. Only :func:`abbreviated` does, and only for what
nobody consents to (an error about a malformed event): each caller says why
it may.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, List

__all__ = ["visible", "visible_json", "abbreviated", "wrap", "columns", "md_code", "md_block", "html_text"]

# Characters str.isprintable() accepts but that show as nothing (fillers, joiners, variation selectors).
# The bidi controls, zero-width characters and line/paragraph separators are not printable, so
# isprintable() already catches them; they are listed here too so that an older Unicode database
# cannot let one through.
_INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x2800, 0x3164, 0xFFA0]
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0100, 0xE01F0))
    + [0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x2060, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)


def _hidden(char: str, keep: str) -> bool:
    return char not in keep and (not char.isprintable() or ord(char) in _INVISIBLE)


def _python_escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON writes a character beyond the BMP as its UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def visible(text: Any, *, lines: bool = False) -> str:
    """``text`` with every non-printing character written as a visible escape.

    Escaped: C0 controls (ESC, CR, BS...), DEL, C1 controls (U+0080-U+009F),
    bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C),
    zero-width characters (U+200B-U+200D, U+2060, U+FEFF), the line and
    paragraph separators (U+2028/9), lone surrogates, unassigned and
    private-use characters, spaces other than the ASCII space, and letters
    that show as nothing (Hangul fillers, variation selectors). ``\\x1b``
    style, as Python's ``repr`` writes them. ``lines=True`` keeps line feeds
    and tabs (for a question of several lines); otherwise they are escaped
    too. A value that is not a string is shown as ``str(value)``.
    """
    shown = text if isinstance(text, str) else str(text)
    keep = "\n\t" if lines else ""
    if shown.isprintable() and not any(ord(c) in _INVISIBLE for c in shown):
        return shown
    return "".join(_python_escape(c) if _hidden(c, keep) else c for c in shown)


def visible_json(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON, every non-printing character escaped as JSON escapes it (``\\u202e``).

    What is shown parses back (``json.loads``) to the very value, so it is
    exactly what the tool gets; nothing is cut. A value JSON cannot write is
    shown with :func:`visible` of its ``repr``.
    """
    try:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    except (TypeError, ValueError):
        return visible(repr(value))
    if text.isprintable() and not any(ord(c) in _INVISIBLE for c in text):
        return text
    return "".join(_json_escape(c) if _hidden(c, "\n") else c for c in text)


def abbreviated(text: str, limit: int) -> str:
    """:func:`visible` ``text`` cut to about ``limit`` characters, saying how much was left out.

    Only for text nobody consents to (an error about a malformed event, a log
    line): a request to approve or a question is always shown whole.
    """
    shown = visible(text)
    if len(shown) <= limit:
        return shown
    return f"{shown[:limit]}… ({len(shown) - limit:,} more characters not shown)"


def columns(text: str) -> int:
    """How many terminal columns ``text`` (already :func:`visible`) takes: wide characters take two."""
    return sum(_width(c) for c in text)


def _width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def wrap(text: str, width: int) -> List[str]:
    """``text`` (already :func:`visible`) as lines of at most ``width`` columns, nothing dropped.

    Line feeds in ``text`` start new lines; a longer line is broken where it
    reaches the width, in the middle of a word if need be, so that joining
    the pieces of each line gives the line back exactly.
    """
    width = max(width, 8)
    out: List[str] = []
    for line in text.split("\n"):
        if columns(line) <= width:
            out.append(line)
            continue
        piece: List[str] = []
        used = 0
        for char in line:
            step = _width(char)
            if used + step > width and piece:
                out.append("".join(piece))
                piece, used = [], 0
            piece.append(char)
            used += step
        out.append("".join(piece))
    return out


def md_code(text: str) -> str:
    """``text`` as one Markdown code span: shown literally, never a link, an image or HTML."""
    shown = visible(text)
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def md_block(text: str, info: str = "") -> str:
    """``text`` (already :func:`visible`, lines kept) as a fenced Markdown block no line of it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def html_text(text: str, *, lines: bool = False) -> str:
    """``text`` made :func:`visible`, then HTML-escaped (a browser would honour a bidi control too)."""
    import html  # for notebook renderings only

    return html.escape(visible(text, lines=lines))
