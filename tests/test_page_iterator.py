"""``list_all()`` returns a PageIterator: a useful repr, ``to_list(limit=)``, pages fetched only as needed (issue 22)."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List

import pytest

from ethos_sdk import ConfigurationError, EthosClient, PageIterator
from ethos_sdk._pagination import iterate_pages
from ethos_sdk.testing import LocalEthosServer


@pytest.fixture(scope="module")
def client() -> Iterator[EthosClient]:
    with LocalEthosServer() as server, server.client() as running:
        for n in range(5):
            running.chat.ask(f"note {n}")
        yield running


def _pages(count: int, size: int, asked: List[Any]) -> Any:
    def fetch(cursor: str | None) -> Dict[str, Any]:
        asked.append(cursor)
        index = int(cursor or 0)
        items = list(range(index * size, index * size + size))
        return {"items": items, "nextCursor": str(index + 1) if index + 1 < count else None}

    return fetch


def test_repr_names_the_method_its_filters_and_progress(client: EthosClient) -> None:
    walk = client.sessions.list_all(q="note", limit=2)
    assert isinstance(walk, PageIterator)
    assert repr(walk) == "<PageIterator Sessions.list_all(limit=2, q='note'): 0 items from 0 pages so far, no page fetched yet>"
    next(walk)
    assert repr(walk) == "<PageIterator Sessions.list_all(limit=2, q='note'): 1 item from 1 page so far, more to come>"
    rest = list(walk)
    assert len(rest) == 4
    assert repr(walk).endswith(": 5 items from 3 pages so far, done>")
    assert "timeout" not in repr(client.personalities.list_all(timeout=5))


def test_to_list_fetches_only_the_pages_it_needs() -> None:
    asked: List[Any] = []
    walk = iterate_pages(_pages(10, 3, asked))
    assert walk.to_list(limit=4) == [0, 1, 2, 3]
    assert asked == [None, "1"] and walk.pages == 2
    assert walk.to_list(limit=2) == [4, 5]  # goes on where it stopped
    assert asked == [None, "1"]
    assert walk.to_list() == list(range(6, 30))
    assert walk.to_list() == [] and walk.to_list(limit=0) == []


def test_to_list_against_a_server(client: EthosClient) -> None:
    assert len(client.sessions.list_all(limit=2).to_list(limit=3)) == 3
    assert len(client.sessions.list_all().to_list()) == 5


@pytest.mark.parametrize("limit", [-1, 2.5, "3", True])
def test_to_list_refuses_a_bad_limit(limit: Any) -> None:
    with pytest.raises(ConfigurationError, match="limit"):
        iterate_pages(_pages(1, 1, [])).to_list(limit=limit)


def test_close_stops_fetching() -> None:
    asked: List[Any] = []
    walk = iterate_pages(_pages(10, 2, asked))
    next(walk)
    walk.close()
    assert list(walk) == [] and asked == [None]
