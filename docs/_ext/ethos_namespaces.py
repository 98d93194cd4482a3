"""Write one reference page per ``EthosClient`` namespace, from the package itself, at build time.

The pages go to ``docs/reference/namespaces/`` (git-ignored), so adding a
namespace or a method to the SDK is all it takes for the docs to show it.
Nested namespaces (``client.a2a.peers``) get their own section on their
parent's page. ``procedures.rst`` lists every procedure the SDK has a method
for, read from the last line of each method's docstring.

Each page ends with the types of its namespace (``ethos_sdk.types.<name>``,
see ``ethos_types.py``): every ``TypedDict`` with its fields, so the return
types of the methods above link to them. Types modules without a namespace
(``events``, the stream's events) get a page of their own.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Dict, List, Tuple

from sphinx.application import Sphinx

from ethos_types import module_entries

_TYPES_PAGES = {"events": ("Stream events", "What ``client.events(...)`` and ``client.chat.stream(...)`` yield: "
                           "one ``TypedDict`` per event type, and "
                           ":data:`~ethos_sdk.types.events.StreamEvent`, their union."),
               "system": ("Beyond RPC: types", "What ``client.health()``, ``client.system_events()`` and "
                          "``client.goals.events(...)`` return: :doc:`../../beyond-rpc` shows them in use.")}
"""Types modules that have no namespace: page name -> (title, summary)."""

_PROCEDURE_LINE = re.compile(r"``([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+)``\s*·\s*([A-Za-z-]+)\s*·")


def _namespace_properties(cls: type) -> List[Tuple[str, cached_property[Any]]]:
    return [
        (name, attr)
        for name, attr in vars(cls).items()
        if isinstance(attr, cached_property) and not name.startswith("_")
    ]


def _procedure(obj: Any) -> Tuple[str, str] | None:
    match = _PROCEDURE_LINE.search(inspect.getdoc(obj) or "")
    return (match.group(1), match.group(2)) if match else None


def _underline(title: str, char: str) -> str:
    return f"{title}\n{char * len(title)}\n"


_BY_USE = {"ethos_sdk.namespaces.chat.Chat": ["ask", "stream", "follow", "send", "steer", "abort"]}
"""Namespaces whose methods are listed most used first rather than in source order."""


def _ordered_by_use(cls: type, qualname: str, first: List[str]) -> str:
    """An ``autoclass`` entry listing ``first`` in that order, then the other public methods as in the source."""
    public = [name for name, value in vars(cls).items() if inspect.isfunction(value) and not name.startswith("_")]
    missing = [name for name in first if name not in public]
    if missing:
        raise RuntimeError(f"{qualname} has no method {missing}: update _BY_USE in docs/_ext/ethos_namespaces.py")
    order = first + [name for name in public if name not in first]
    methods = "".join(f"\n   .. automethod:: {qualname}.{name}\n" for name in order)
    return f".. autoclass:: {qualname}\n{methods}"


def _walk(
    namespace: Any, path: str, out: List[str], procedures: List[Tuple[str, str, str, str]], level: int
) -> None:
    from ethos_sdk.namespaces._base import Namespace

    cls = type(namespace)
    qualname = f"{cls.__module__}.{cls.__qualname__}"
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_"):
            continue
        found = _procedure(member)
        if found:
            procedures.append((found[0], found[1], f"{path}.{name}", f"{qualname}.{name}"))
    first = _BY_USE.get(qualname)
    if first is None:
        out.append(f".. autoclass:: {qualname}\n   :members:\n   :member-order: bysource\n")
    else:
        out.append(_ordered_by_use(cls, qualname, first))
    for name, _prop in _namespace_properties(cls):
        child = getattr(namespace, name)
        if isinstance(child, Namespace):
            out.append(_underline(f"{path}.{name}", "-" if level == 0 else "~"))
            _walk(child, f"{path}.{name}", out, procedures, level + 1)


def generate(app: Sphinx) -> None:
    from ethos_sdk import EthosClient
    from ethos_sdk.namespaces._base import Namespace

    target = Path(app.srcdir) / "reference" / "namespaces"
    target.mkdir(parents=True, exist_ok=True)
    # A client that is never used to send anything: it only builds the namespace objects.
    client = EthosClient("http://127.0.0.1:9", api_key="sk-ethos-" + "0" * 64)

    pages: Dict[str, str] = {}
    procedures: List[Tuple[str, str, str, str]] = []
    rows: List[Tuple[str, str]] = []
    for name, prop in sorted(_namespace_properties(EthosClient)):
        namespace = getattr(client, name)
        if not isinstance(namespace, Namespace):
            continue
        summary = (inspect.getdoc(prop.func) or "").split("\n", 1)[0]
        out = [
            f".. This page is generated from the package at build time; do not edit it.\n",
            _underline(f"client.{name}", "="),
            f"{summary}\n",
            f".. currentmodule:: {type(namespace).__module__}\n",
        ]
        _walk(namespace, f"client.{name}", out, procedures, 0)
        if importlib.util.find_spec(f"ethos_sdk.types.{name}") is not None:
            out.append(_underline("Types", "-"))
            out.append(
                f"What the methods above take and return, from ``ethos_sdk.types.{name}``. Every "
                "result is a plain ``dict``; *Required* says whether the server always sends the "
                "key, *Nullable* whether its value may be ``null`` (``None``).\n"
            )
            out += module_entries(f"ethos_sdk.types.{name}")
        pages[name] = "\n".join(out)
        rows.append((name, summary))
    client.close()
    for name, (title, summary) in _TYPES_PAGES.items():
        out = [
            ".. This page is generated from the package at build time; do not edit it.\n",
            _underline(title, "="),
            f"{summary}\n",
        ]
        pages[name] = "\n".join(out + module_entries(f"ethos_sdk.types.{name}"))

    index = [
        ".. This page is generated from the package at build time; do not edit it.\n",
        _underline("Namespaces", "="),
        "Each namespace of the Ethos contract is a property of :class:`~ethos_sdk.EthosClient`, "
        "built on first use; each procedure is one of its methods. The last line of every "
        "method's description names the procedure, its stability tier and the API-key scope "
        "it needs. :doc:`procedures` lists them all.\n",
        ".. list-table::\n   :header-rows: 1\n   :widths: 25 75\n\n   * - Namespace\n     - What it is for\n",
    ]
    for name, summary in rows:
        index.append(f"   * - :doc:`client.{name} <{name}>`\n     - {summary}\n")
    for name, (title, summary) in _TYPES_PAGES.items():
        index.append(f":doc:`{title} <{name}>`: {summary}\n")
    index.append(
        ".. toctree::\n   :hidden:\n\n   procedures\n"
        + "".join(f"   {n}\n" for n, _ in rows)
        + "".join(f"   {n}\n" for n in _TYPES_PAGES)
    )
    pages["index"] = "\n".join(index)

    from ethos_sdk._catalog import NOT_ROUTED_YET

    methods: Dict[str, List[str]] = {}
    tiers: Dict[str, str] = {}
    for procedure, tier, path, target_name in sorted(procedures):
        methods.setdefault(procedure, []).append(f":meth:`{path}() <{target_name}>`")
        tiers[procedure] = tier
    served = sorted(set(methods) - NOT_ROUTED_YET)
    unrouted = sorted(set(methods) & NOT_ROUTED_YET)
    table = [
        ".. This page is generated from the package at build time; do not edit it.\n",
        _underline("Every procedure", "="),
        # What "procedure" counts, said once: the README and check-server count the same.
        f"The server serves {len(served)} procedures: each is one route "
        "``POST /rpc/<namespace>/<method>`` of its contract. This SDK has a method for every one "
        "of them (two, for a procedure that also has a helper built on it), listed here by "
        "contract name"
        + (
            f", and for {len(unrouted)} more that the contract declares and no server routes yet "
            f"({', '.join(f'``{name}``' for name in unrouted)}, last in the table)"
            if unrouted else ""
        )
        + ". A procedure that is not here (a newer server's) is still reachable with "
        ":meth:`EthosClient.call <ethos_sdk.EthosClient.call>`.\n",
        ".. list-table::\n   :header-rows: 1\n   :widths: 35 15 50\n\n"
        "   * - Procedure\n     - Tier\n     - Method\n",
    ]
    for procedure in served + unrouted:
        table.append(f"   * - ``{procedure}``\n     - {tiers[procedure]}\n     - {', '.join(methods[procedure])}\n")
    pages["procedures"] = "\n".join(table)

    for name, text in pages.items():
        page = target / f"{name}.rst"
        # Rewrite only what changed, so incremental builds stay incremental.
        if not page.exists() or page.read_text(encoding="utf-8") != text:
            page.write_text(text, encoding="utf-8")
    for stale in target.glob("*.rst"):
        if stale.stem not in pages:
            stale.unlink()


def _public_alias(app: Sphinx, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve ``ethos_sdk.NotFoundError`` to where it is documented (``ethos_sdk.errors.NotFoundError``).

    Docstrings name classes by the path users import them from; the reference
    documents some under their own module. Follow the import to the class and
    link to its entry, when it has one.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("ethos_sdk."):
        return None
    import ethos_sdk

    head, _, member = target[len("ethos_sdk."):].partition(".")
    try:
        obj = getattr(ethos_sdk, head)
    except AttributeError:
        return None
    real = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', head)}"
    if real == f"ethos_sdk.{head}":
        return None
    node["reftarget"] = f"{real}.{member}" if member else real
    return env.get_domain("py").resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], node["reftarget"], node, contnode
    )


def _public_titles(app: Sphinx, doctree: Any, docname: str) -> None:
    """Show a link's public name (``ethos_sdk.TurnStream``) when it points at a private path.

    autodoc registers the real path of a class documented under its public
    name (``ethos_sdk._turn.TurnStream``) as an alias; links made from type
    hints use that path, and would show it when hovered.
    """
    from docutils import nodes

    objects = app.env.get_domain("py").objects  # type: ignore[attr-defined]
    for ref in doctree.findall(nodes.reference):
        entry = objects.get(ref.get("reftitle", ""))
        if entry is not None and entry.aliased:
            ref["reftitle"] = entry.node_id


def setup(app: Sphinx) -> Dict[str, Any]:
    app.connect("builder-inited", generate)
    app.connect("missing-reference", _public_alias)
    app.connect("doctree-resolved", _public_titles)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
