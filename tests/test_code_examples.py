"""Every code example a user can copy is valid Python (issue 14).

The examples live in three places: the guides (``docs/*.rst``), the README,
and the docstrings of the package (read with ``help()`` or ``?`` and rendered
in the reference). Three forms count as Python, as Sphinx highlights them:

* ``.. code-block:: python`` (and ``py``, ``python3``, ``pycon``);
* a bare ``::`` literal block: Sphinx's default highlighting is Python, so a
  literal block that is something else must say so (``.. code-block:: text``
  or ``console``);
* ``>>>`` lines with their ``...`` continuations.

Each is compiled with :func:`compile`, never run. A ``pycon`` block or a
``>>>`` example is compiled from its prompts' lines only.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

import pytest

from .conftest import ROOT, report

PYTHON_LANGUAGES = {"python", "python3", "py", "pycon", "default"}
_DIRECTIVE = re.compile(r"^(\s*)\.\. (?:code-block|code|sourcecode)::\s*(\S*)\s*$")
_LITERAL = re.compile(r"^(\s*)(?!\.\. ).*::\s*$")


@dataclass
class Example:
    where: str
    """File and line (or docstring owner) the example comes from, for the failure message."""
    code: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _block(lines: List[str], start: int, base: int) -> List[str]:
    """The lines after ``start`` indented deeper than ``base`` (blank lines inside kept)."""
    out: List[str] = []
    j = start + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j < len(lines) and _indent(lines[j]) <= base and start == 0 and lines[j].strip():
        # A docstring whose summary line ends with "::" and whose example
        # follows flush left (docs/conf.py indents it back): up to a blank line.
        while j < len(lines) and lines[j].strip():
            out.append(lines[j])
            j += 1
        return out
    while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > base):
        out.append(lines[j])
        j += 1
    return out


def _prompts(code: str) -> str:
    """The statements of a ``>>>`` session: its prompt lines without the prompts."""
    kept = [line[4:] for line in code.splitlines() if line.startswith((">>> ", "... ")) or line in (">>>", "...")]
    return "\n".join(kept)


def examples_in_rst(text: str, where: str) -> Iterator[Example]:
    """The Python examples of one piece of reStructuredText (a page or a docstring)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = _DIRECTIVE.match(line)
        if directive:
            language = directive.group(2).lower() or "default"
            block = _block(lines, i, _indent(line))
            body = [b for b in block if not re.match(r"^\s*:[\w-]+:", b)]  # directive options
            code = textwrap.dedent("\n".join(body))
            if language in PYTHON_LANGUAGES:
                yield Example(f"{where}:{i + 1}", _prompts(code) if language == "pycon" else code)
            i += len(block) + 1
            continue
        if _LITERAL.match(line) and not line.strip().startswith(".."):
            block = _block(lines, i, _indent(line))
            code = textwrap.dedent("\n".join(block))
            if code.strip():
                yield Example(f"{where}:{i + 1}", _prompts(code) if code.lstrip().startswith(">>>") else code)
            i += len(block) + 1
            continue
        if line.lstrip().startswith(">>> "):
            session = []
            while i < len(lines) and lines[i].lstrip().startswith((">>>", "...")):
                session.append(lines[i].lstrip())
                i += 1
            yield Example(f"{where}:{i}", _prompts("\n".join(session)))
            continue
        i += 1


def _docstrings(path: Path) -> Iterator[tuple[str, str]]:
    """(owner, docstring) of a module, its classes and functions, and its attribute docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            name = getattr(node, "name", "(module)")
            for index, statement in enumerate(body):
                if (
                    isinstance(statement, ast.Expr)
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                    and (index == 0 or isinstance(body[index - 1], (ast.Assign, ast.AnnAssign)))
                ):
                    yield f"{name} (line {statement.lineno})", inspect.cleandoc(statement.value.value)


def all_examples() -> List[Example]:
    found: List[Example] = []
    pages = sorted((ROOT / "docs").glob("*.rst")) + [ROOT / "README.rst"]
    for page in pages:
        found += examples_in_rst(page.read_text(encoding="utf-8"), str(page.relative_to(ROOT)))
    for module in sorted((ROOT / "ethos_sdk").rglob("*.py")):
        relative = module.relative_to(ROOT)
        for owner, doc in _docstrings(module):
            found += examples_in_rst(doc, f"{relative} {owner}")
    return found


EXAMPLES = all_examples()


def test_there_are_examples_in_every_place() -> None:
    places = {example.where.split(":")[0].split(" ")[0] for example in EXAMPLES}
    assert "README.rst" in places and "docs/streaming.rst" in places
    assert "ethos_sdk/namespaces/chat.py" in places and "ethos_sdk/stream.py" in places
    report(f"code examples compiled: {len(EXAMPLES)} from {len(places)} files")


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
def test_example_compiles(example: Example) -> None:
    try:
        compile(example.code, example.where, "exec")
    except SyntaxError as error:
        pytest.fail(f"{example.where}: not valid Python ({error.msg}, line {error.lineno}):\n{example.code}")


def test_examples_import_names_that_exist() -> None:
    """``from ethos_sdk.x import Y`` in an example names a real module and a real name."""
    import importlib

    wrong = []
    for example in EXAMPLES:
        for node in ast.walk(ast.parse(example.code)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "ethos_sdk":
                module = importlib.import_module(node.module or "")
                wrong += [f"{example.where}: {node.module}.{a.name}" for a in node.names if not hasattr(module, a.name)]
    assert wrong == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Intro::\n\n    x = 1\n\nAfter.", ["x = 1"]),
        (".. code-block:: python\n   :caption: c\n\n   y = 2\n", ["y = 2"]),
        (".. code-block:: console\n\n   $ pip install x\n", []),
        ("Summary::\nprint(1)\n\nMore.", ["print(1)"]),
        ("Try:\n\n>>> a = 1\n>>> a\n1\n", ["a = 1\na"]),
        ("Text with ``code`` only.", []),
    ],
)
def test_extraction_finds_what_sphinx_renders_as_python(text: str, expected: List[str]) -> None:
    assert [e.code.strip() for e in examples_in_rst(text, "t")] == expected


def test_curly_quotes_are_not_valid_python() -> None:
    """The failure the chat.stream docstring had: prose with typographic quotes."""
    [example] = examples_in_rst("Like this::\n\n    print(\u201chi\u201d)\n", "t")
    with pytest.raises(SyntaxError):
        compile(example.code, example.where, "exec")
