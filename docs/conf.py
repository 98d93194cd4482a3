"""Sphinx configuration of the ethos-sdk documentation.

Build: ``sphinx-build -W -b html docs docs/_build/html`` (warnings are errors).
The namespace pages are written from the package at build time by
``_ext/ethos_namespaces.py``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

from ethos_sdk import __version__  # noqa: E402

project = "ethos-sdk"
author = "The ethos-sdk authors"
copyright = "the ethos-sdk authors"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "ethos_namespaces",
]

exclude_patterns = ["_build", "_inventories"]
templates_path: list[str] = []
html_theme = "alabaster"
html_static_path: list[str] = ["_static"]
html_css_files = ["ethos.css"]  # field tables that fit the content column

autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_member_order = "bysource"
autodoc_class_signature = "separated"
autodoc_default_options = {"show-inheritance": False}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# Intersphinx links ``requests.Session`` and the standard library to their own
# docs. Builds must work offline, so an inventory is used only when it is
# available: a copy saved in docs/_inventories/<name>.inv, or the network when
# ETHOS_DOCS_ONLINE=1. Without either, those names render as plain text.
_INVENTORY_URLS = {
    "python": "https://docs.python.org/3",
    "requests": "https://requests.readthedocs.io/en/latest",
}
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
for _name, _url in _INVENTORY_URLS.items():
    _local = HERE / "_inventories" / f"{_name}.inv"
    if _local.exists():
        intersphinx_mapping[_name] = (_url, str(_local))
    elif os.environ.get("ETHOS_DOCS_ONLINE") == "1":
        intersphinx_mapping[_name] = (_url, None)
intersphinx_timeout = 10


def _indent_example_after_summary(app: object, what: str, name: str, obj: object,
                                  options: object, lines: list[str]) -> None:
    """Indent a ``::`` example that directly follows a one-line summary.

    When the example is the only text after the summary line, docstring
    dedenting leaves it flush left and reST sees no literal block. Indent it
    back, up to the next blank line.
    """
    for i in range(len(lines) - 2):
        if lines[i].rstrip().endswith("::") and not lines[i + 1].strip():
            base = len(lines[i]) - len(lines[i].lstrip())
            j = i + 2
            if j < len(lines) and lines[j].strip() and len(lines[j]) - len(lines[j].lstrip()) <= base:
                while j < len(lines) and lines[j].strip():
                    lines[j] = "    " + lines[j]
                    j += 1


_NAPOLEON_SECTIONS = {
    "args", "arguments", "attention", "attributes", "caution", "danger", "error", "example",
    "examples", "hint", "important", "keyword args", "keyword arguments", "methods", "note",
    "notes", "other parameters", "parameters", "receive", "receives", "return", "returns",
    "raise", "raises", "references", "see also", "tip", "todo", "warning", "warnings",
    "warn", "warns", "yield", "yields",
}
# A line ending in "::" introduces a literal block (an example), never a heading.
_HEADING = re.compile(r"^(\S[^`]{0,60}[^:]):\s*$")


def _own_sections(app: object, what: str, name: str, obj: object,
                  options: object, lines: list[str]) -> None:
    """Render grouped argument lists under headings napoleon does not know.

    Some docstrings group a long list (``config.update``'s settings) under
    headings such as ``Memory:`` or ``Raises (while iterating):``, with
    ``name: what it is`` entries indented below. napoleon only knows its own
    section names, so turn each such group into a rubric and a bullet list.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _HEADING.match(lines[i])
        if match and match.group(1).lower() not in _NAPOLEON_SECTIONS:
            j = i + 1
            block: list[str] = []
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                if not lines[j].strip() and (j + 1 >= len(lines) or not lines[j + 1].startswith("    ")):
                    break
                block.append(lines[j])
                j += 1
            # An entry starts at four spaces; deeper lines continue it.
            groups: list[list[str]] = []
            for line in block:
                if line.startswith("    ") and not line.startswith("     "):
                    groups.append([line.strip()])
                elif line.strip() and groups:
                    groups[-1].append(line.strip())
            entries: list[tuple[str, str]] = []
            for group in groups:
                names, sep, text = " ".join(group).partition(": ")
                if not sep and names.endswith(":"):
                    names, sep = names[:-1], ":"
                if not sep:
                    entries = []
                    break
                entries.append((names, text))
            if entries:
                out += ["", f".. rubric:: {match.group(1)}", ""]
                out += [f"* **{names}**: {text}" for names, text in entries]
                out.append("")
                i = j
                continue
        out.append(lines[i])
        i += 1
    lines[:] = out


def _resolve_method_types(app: object, obj: Any, bound_method: bool) -> None:
    """Give autodoc the answer types the namespace modules import for type checkers only.

    They are imported under ``if TYPE_CHECKING:`` (to keep a script's first
    call cheap), so the annotations are names autodoc cannot resolve alone
    (``OkResult`` is defined in several modules).
    """
    from ethos_sdk._hints import get_type_hints

    function = getattr(obj, "__func__", obj)
    if not (getattr(function, "__module__", None) or "").startswith("ethos_sdk.namespaces.") or isinstance(function, type):
        return
    try:
        function.__annotations__ = get_type_hints(function, include_extras=True)
    except Exception:  # left as written: autodoc shows the names
        pass


def setup(app: object) -> None:
    app.connect("autodoc-before-process-signature", _resolve_method_types)  # type: ignore[attr-defined]
    # Before napoleon (priority 500), so it sees ordinary reST.
    app.connect("autodoc-process-docstring", _own_sections, priority=400)  # type: ignore[attr-defined]
    # First of all, so that no other hook takes the example's lines for text.
    app.connect("autodoc-process-docstring", _indent_example_after_summary, priority=300)  # type: ignore[attr-defined]
