"""Walking cursor-paginated procedures page by page."""

from __future__ import annotations

from typing import Any, Callable, Generic, Iterator, List, Mapping, TypeVar

from ._types import NotGiven

__all__ = ["PageIterator", "iterate_pages"]

T = TypeVar("T")

_NOT_FILTERS = frozenset({"self", "timeout", "extra_headers", "cursor"})


class PageIterator(Iterator[T], Generic[T]):
    """Every item of a paginated list, fetching the next page only when the loop gets there.

    What ``list_all()`` and the other ``*_all()`` methods return::

        for session in client.sessions.list_all(q="deploy"):
            print(session["id"])

        first_ten = client.sessions.list_all().to_list(limit=10)   # fetches only the pages it needs

    Its ``repr`` says what it walks and how far it got, for a notebook. Like
    any iterator it is used up once walked; call the method again for a fresh
    walk.
    """

    def __init__(
        self,
        fetch: Callable[[str | None], Mapping[str, Any]],
        first_cursor: str | None = None,
        *,
        items_key: str = "items",
    ) -> None:
        self._fetch = fetch
        self._items_key = items_key
        self._cursor = first_cursor
        self._seen: set[str | None] = {first_cursor}
        self._buffer: List[T] = []
        self._position = 0
        self._done = False
        self.pages: int = 0
        """Pages fetched so far."""
        self.items: int = 0
        """Items handed out so far."""

    def __iter__(self) -> PageIterator[T]:
        return self

    def __next__(self) -> T:
        while self._position >= len(self._buffer):
            if self._done:
                raise StopIteration
            self._next_page()
        item = self._buffer[self._position]
        self._position += 1
        self.items += 1
        return item

    def _next_page(self) -> None:
        page = self._fetch(self._cursor)
        self.pages += 1
        self._buffer = list(page.get(self._items_key) or ())
        self._position = 0
        cursor = page.get("nextCursor")
        if cursor is None or cursor in self._seen:  # a repeated cursor would loop forever
            self._done = True
        else:
            self._seen.add(cursor)
            self._cursor = cursor

    def to_list(self, limit: int | None = None) -> List[T]:
        """The items not handed out yet, as a list: all of them, or at most ``limit``.

        With ``limit``, pages stop being fetched once that many items are in
        hand, and the iterator can go on from there.
        """
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            from .errors import ConfigurationError

            raise ConfigurationError(f"limit must be a whole number of items, 0 or more, or None; got {limit!r}")
        taken: List[T] = []
        for item in self:
            taken.append(item)
            if limit is not None and len(taken) >= limit:
                break
        return taken

    def close(self) -> None:
        """Stop: no further page is fetched."""
        self._done = True
        self._buffer = []
        self._position = 0

    def _what(self) -> str:
        """``Sessions.list_all(q='deploy')``: the method and the filters it was given, read from ``fetch``."""
        fetch = self._fetch
        name = getattr(fetch, "__qualname__", "") or ""
        name = name.split(".<locals>", 1)[0] if ".<locals>" in name else "pages"
        code = getattr(fetch, "__code__", None)
        cells = getattr(fetch, "__closure__", None) or ()
        filters: List[str] = []
        if code is not None:
            for var, cell in zip(code.co_freevars, cells):
                if var in _NOT_FILTERS:
                    continue
                try:
                    value = cell.cell_contents
                except ValueError:
                    continue
                if not isinstance(value, NotGiven) and not callable(value):
                    filters.append(f"{var}={value!r}")
        return f"{name}({', '.join(filters)})"

    def __repr__(self) -> str:
        if self._done and self._position >= len(self._buffer):
            state = "done"
        elif self.pages == 0:
            state = "no page fetched yet"
        else:
            state = "more to come"
        items = "1 item" if self.items == 1 else f"{self.items} items"
        pages = "1 page" if self.pages == 1 else f"{self.pages} pages"
        return f"<PageIterator {self._what()}: {items} from {pages} so far, {state}>"


def iterate_pages(
    fetch: Callable[[str | None], Mapping[str, Any]],
    first_cursor: str | None = None,
    *,
    items_key: str = "items",
) -> PageIterator[Any]:
    """Every item of every page, asking ``fetch(cursor)`` for one page at a time.

    ``items_key`` names the list in each page: ``"items"`` for most
    procedures, ``"entries"`` for ``memory.history``, ``"tools"`` for
    ``mcp.serverTools``.

    ``fetch`` must carry all of the caller's filters to every page; only the
    cursor changes. The walk ends when a page's ``nextCursor`` is missing or
    ``null``, or repeats a cursor already asked for (a server bug that would
    otherwise loop forever).
    """
    return PageIterator(fetch, first_cursor, items_key=items_key)
