"""Walking cursor-paginated procedures page by page."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, TypeVar

__all__ = ["iterate_pages"]

T = TypeVar("T")


def iterate_pages(
    fetch: Callable[[str | None], Mapping[str, Any]],
    first_cursor: str | None = None,
    *,
    items_key: str = "items",
) -> Iterator[Any]:
    """Yield every item of every page, asking ``fetch(cursor)`` for one page at a time.

    ``items_key`` names the list in each page: ``"items"`` for most
    procedures, ``"entries"`` for ``memory.history``, ``"tools"`` for
    ``mcp.serverTools``.

    ``fetch`` must carry all of the caller's filters to every page; only the
    cursor changes. The walk ends when a page's ``nextCursor`` is missing or
    ``null``, or repeats a cursor already asked for (a server bug that would
    otherwise loop forever).
    """
    cursor = first_cursor
    seen: set[str | None] = {cursor}
    while True:
        page = fetch(cursor)
        yield from page.get(items_key) or ()
        cursor = page.get("nextCursor")
        if cursor is None or cursor in seen:
            return
        seen.add(cursor)
