"""The built reference answers "what does this return?" (issue 14).

The docs are built once, offline, from the repository (as ``sphinx-build -W``
does in CI, plus nitpicky mode to see every cross-reference that does not
resolve). Then: every field of ``SessionPage`` and ``Session`` is on the
sessions page with its type, whether it is required or nullable, and its
meaning; the return types link to those entries; the event union lists its
events; ``TurnStream`` is documented once, under its public name; docstring
examples render as code; and the guides name only scopes the contract has.
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path
from typing import Any, Dict, List, get_type_hints

import pytest

from ethos_sdk.types.events import StreamEvent
from ethos_sdk.types.sessions import Session, SessionPage

from .conftest import CONTRACT_PATH, ROOT, report
from .test_code_examples import _docstrings, examples_in_rst

sphinx = pytest.importorskip("sphinx", reason="Sphinx is not installed (pip install -e '.[test]')")

pytestmark = pytest.mark.filterwarnings("ignore:The mapping interface for autodoc options")
"""Sphinx's own deprecation notice about napoleon, not ours."""

_UNRESOLVED = re.compile(r"reference target not found: (\S+)")


class Built:
    def __init__(self, out: Path, warnings: str) -> None:
        self.out = out
        self.warnings = warnings

    def page(self, name: str) -> str:
        return (self.out / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    from sphinx.application import Sphinx

    out = tmp_path_factory.mktemp("html")
    warnings = io.StringIO()
    app = Sphinx(
        srcdir=str(ROOT / "docs"),
        confdir=str(ROOT / "docs"),
        outdir=str(out),
        doctreedir=str(out / ".doctrees"),
        buildername="html",
        confoverrides={"nitpicky": True},
        status=None,
        warning=warnings,
        freshenv=True,
    )
    app.build(force_all=True)
    return Built(out, warnings.getvalue())


def _section(page: str, anchor: str) -> str:
    """The HTML of one documented object, from its anchor to the next object of the same kind."""
    start = page.index(f'id="{anchor}"')
    end = page.find('<dl class="py ', start)
    return page[start:] if end < 0 else page[start:end]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_the_build_has_no_warning_but_unresolved_outside_links(built: Built) -> None:
    """What ``sphinx-build -W`` would fail on: anything but a nitpicky unresolved reference."""
    problems = [
        line for line in built.warnings.splitlines()
        if "WARNING" in line and "reference target not found" not in line
    ]
    assert problems == []


def test_no_reference_to_an_sdk_type_is_left_unresolved(built: Built) -> None:
    unresolved = sorted(set(_UNRESOLVED.findall(built.warnings)))
    ours = [t for t in unresolved if t.startswith(("ethos_sdk.types", "ethos_sdk.Turn", "ethos_sdk._turn", "StreamEvent"))]
    assert ours == []
    report(f"docs: {len(unresolved)} distinct unresolved references outside the SDK's types (nitpicky build)")


@pytest.mark.parametrize("typed_dict", [SessionPage, Session])
def test_the_sessions_page_lists_every_field(built: Built, typed_dict: Any) -> None:
    page = built.page("reference/namespaces/sessions.html")
    section = _section(page, f"ethos_sdk.types.sessions.{typed_dict.__name__}")
    fields = list(get_type_hints(typed_dict))
    for field in fields:
        assert f'<span class="pre">{field}</span>' in section, field
    text = _text(section)
    assert "Required" in text and "Nullable" in text and "Meaning" in text


def test_a_field_row_says_type_required_nullable_and_meaning(built: Built) -> None:
    section = _section(built.page("reference/namespaces/sessions.html"), "ethos_sdk.types.sessions.Session")
    rows = {cells[0]: cells[1:] for cells in _rows(section)}
    assert rows["updatedAt"][:3] == ["str", "yes", "no"]
    assert rows["title"][:3] == ["str | null", "yes", "yes"]
    assert "until a title is set" in rows["title"][3]
    page_rows = {cells[0]: cells[1:] for cells in _rows(_section(
        built.page("reference/namespaces/sessions.html"), "ethos_sdk.types.sessions.SessionPage"))}
    assert page_rows["items"][0] == "list[Session]" and page_rows["nextCursor"][2] == "yes"


def _rows(section: str) -> List[List[str]]:
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S):
        cells = [" ".join(_text(c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if cells:
            rows.append(cells)
    return rows


def test_the_return_type_links_to_the_fields(built: Built) -> None:
    page = built.page("reference/namespaces/sessions.html")
    method = _section(page, "ethos_sdk.namespaces.sessions.Sessions.list")
    returns = method[method.index("Return type"):]
    assert 'href="#ethos_sdk.types.sessions.SessionPage"' in returns[:600]
    # A field's type links to the nested type's own entry.
    listing = _section(page, "ethos_sdk.types.sessions.SessionPage")
    assert 'href="#ethos_sdk.types.sessions.Session"' in listing


def test_the_event_union_lists_and_links_every_event(built: Built) -> None:
    page = built.page("reference/namespaces/events.html")
    union = _section(page, "ethos_sdk.types.events.StreamEvent")
    members = StreamEvent.__args__  # type: ignore[attr-defined]
    for member in members:
        assert f'href="#ethos_sdk.types.events.{member.__name__}"' in union, member.__name__
        assert f'id="ethos_sdk.types.events.{member.__name__}"' in page
    done = {cells[0]: cells[1:] for cells in _rows(_section(page, "ethos_sdk.types.events.DoneEvent"))}
    assert done["type"][0] == '"done"' and "text" in done


def test_turn_stream_is_documented_once_under_its_public_name(built: Built) -> None:
    pages = [p.read_text(encoding="utf-8") for p in built.out.rglob("*.html")]
    anchors = sum(p.count('id="ethos_sdk.TurnStream"') for p in pages)
    assert anchors == 1
    assert not any("ethos_sdk._turn" in p for p in pages)  # not even in a link's title
    client = _text(_section(built.page("reference/client.html"), "ethos_sdk.TurnStream"))
    assert "class ethos_sdk.TurnStream" in client
    for member in ("text", "state", "result"):
        assert f'id="ethos_sdk.TurnStream.{member}"' in built.page("reference/client.html")


def test_docstring_examples_render_as_code(built: Built) -> None:
    """Each ``::`` example of a namespace docstring is a code block on its page, not prose."""
    checked = 0
    for module in sorted((ROOT / "ethos_sdk" / "namespaces").glob("[a-z]*.py")):
        page = built.page(f"reference/namespaces/{module.stem}.html")
        code = " ".join(_text(block) for block in re.findall(r"<pre>(.*?)</pre>", page, re.S))
        code = " ".join(code.split())
        for owner, doc in _docstrings(module):
            for example in examples_in_rst(doc, owner):
                first = " ".join(example.code.strip().splitlines()[0].split())
                assert first in code, f"{module.name} {owner}: {first!r} is not rendered as code"
                checked += 1
    assert checked >= 10
    report(f"docs: {checked} namespace docstring examples rendered as code blocks")


def test_the_guides_name_only_scopes_the_contract_has() -> None:
    procedures: Dict[str, Any] = json.loads(CONTRACT_PATH.read_text())["procedures"]
    scopes = {p["bearerScope"] for p in procedures.values() if p["bearerScope"]}
    scopes.discard("cookie-only")
    # and every scope a key can be minted with (metrics:read guards /metrics, a route beside /rpc)
    scopes.update(procedures["apiKeys.create"]["input"]["properties"]["scopes"]["items"]["enum"])
    named: Dict[str, str] = {}
    for path in [*sorted((ROOT / "docs").glob("*.rst")), ROOT / "README.rst", *sorted((ROOT / "examples").glob("*.py"))]:
        for scope in re.findall(r"``([a-z]+(?:[A-Z][a-z]+)*:[a-z]+)``", path.read_text(encoding="utf-8")):
            named[scope] = path.name
    assert named and all(scope in scopes for scope in named), {s: f for s, f in named.items() if s not in scopes}


def test_the_tools_passages_agree_with_the_contract() -> None:
    """The contract lets keys with ``tools:approve`` call ``tools.*``; no guide may say keys cannot."""
    procedures: Dict[str, Any] = json.loads(CONTRACT_PATH.read_text())["procedures"]
    tools = {name: p["bearerScope"] for name, p in procedures.items() if name.startswith("tools.")}
    assert set(tools.values()) == {"tools:approve"}
    for path in (ROOT / "docs" / "streaming.rst", ROOT / "examples" / "approve_tool_call.py"):
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert "``tools:approve``" in text, path.name
        assert "API keys cannot" not in text, path.name


def test_a_derived_type_shows_the_fields_and_meanings_it_inherits(built: Built) -> None:
    section = _section(built.page("reference/namespaces/tasks.html"), "ethos_sdk.types.tasks.TaskDetail")
    rows = {cells[0]: cells[1:] for cells in _rows(section)}
    assert "What the task has cost so far" in rows["spendUsd"][3]  # written under Task, its base


def test_every_public_typed_dict_has_an_entry(built: Built) -> None:
    import importlib

    from typing_extensions import is_typeddict

    pages = "".join(p.read_text(encoding="utf-8") for p in (built.out / "reference" / "namespaces").glob("*.html"))
    missing, fields, explained = [], 0, 0
    for module_path in sorted((ROOT / "ethos_sdk" / "types").glob("[a-z]*.py")):
        module = importlib.import_module(f"ethos_sdk.types.{module_path.stem}")
        for name in module.__all__:
            obj = getattr(module, name)
            if is_typeddict(obj) and obj.__module__ == module.__name__:
                anchor = f'id="{module.__name__}.{name}"'
                if anchor not in pages:
                    missing.append(f"{module.__name__}.{name}")
                    continue
                rows = _rows(_section(pages, f"{module.__name__}.{name}"))
                fields += len(rows)
                explained += sum(1 for row in rows if len(row) > 4 and row[4])
    assert missing == []
    report(f"docs: {fields} TypedDict fields listed, {explained} with a meaning from their docstring")


def test_the_field_tables_fit_the_content_column(built: Built) -> None:
    """Issue 22: a fixed-layout table with wrapping cells, whatever the length of a type name."""
    page = built.page("reference/namespaces/sessions.html")
    assert 'class="ethos-fields' in page and "ethos.css" in page
    css = (built.out / "_static" / "ethos.css").read_text(encoding="utf-8")
    assert "table-layout: fixed" in css and "width: 100%" in css and "overflow-wrap: anywhere" in css


def test_the_chat_page_lists_the_methods_most_used_first(built: Built) -> None:
    page = built.page("reference/namespaces/chat.html")
    order = [page.index(f'id="ethos_sdk.namespaces.chat.Chat.{name}"') for name in ("ask", "stream", "send", "steer", "abort")]
    assert order == sorted(order)


def test_the_procedures_page_counts_and_lists_each_procedure_once(built: Built, contract: Dict[str, Any]) -> None:
    """Issue 28: 225 rows there, 221 in the README. One row per procedure, the count the contract serves."""
    html_page = built.page("reference/namespaces/procedures.html")
    page = " ".join(_text(html_page).split())
    served = sorted(name for name, procedure in contract["procedures"].items() if procedure["served"])
    unserved = sorted(set(contract["procedures"]) - set(served))
    stated = re.search(r"The server serves (\d+) procedures", page)
    assert stated and int(stated.group(1)) == len(served)
    body = html_page[html_page.index("<tbody>"):html_page.index("</tbody>")]
    rows = [_text("<tr" + row.split("</td>")[0]).strip() for row in body.split("<tr")[1:]]
    assert sorted(rows) == sorted(served + unserved) and len(rows) == len(set(rows))
    assert rows[-len(unserved):] == unserved  # the ones no server routes yet come last
    assert "client.batch.get(), client.batch.wait()" in page  # two methods, one row
