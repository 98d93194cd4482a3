"""A misspelt method or namespace is an ``AttributeError`` that names the closest one.

``client.call("sessions.lst", ...)`` has long said what was meant; the methods
themselves now do too (``client.sessions.lst``, ``client.sesions``), while
staying an ``AttributeError`` so that ``hasattr`` and ``getattr(..., default)``
work as ever.
"""

from __future__ import annotations

import traceback
from typing import Any, Callable, Iterator

import pytest

from ethos_sdk import EthosClient
from ethos_sdk._catalog import _namespace_attributes
from ethos_sdk.namespaces._base import Namespace

from .conftest import FAKE_KEY


@pytest.fixture
def client() -> Iterator[EthosClient]:
    with EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY) as made:  # nothing is sent
        yield made


def _error(get: Callable[[], Any]) -> AttributeError:
    with pytest.raises(AttributeError) as raised:
        get()
    return raised.value


@pytest.mark.parametrize(
    "get, suggestion",
    [
        (lambda c: c.sessions.lst, "'Sessions' namespace has no attribute 'lst': did you mean 'list'?"),
        (lambda c: c.sesions, "'EthosClient' object has no attribute 'sesions': did you mean 'sessions'?"),
        (lambda c: c.sessions.contextAnatomy, "did you mean 'context_anatomy'?"),  # the wire's spelling
        (lambda c: c.a2a.peers.lits, "'A2APeers' namespace has no attribute 'lits': did you mean 'list'?"),
        (lambda c: c.chat.aks, "did you mean 'ask'?"),
        (lambda c: c.helth, "did you mean 'health'?"),
        (lambda c: c.sessions.with_raw_response.lst, "has no method 'lst': did you mean 'list'?"),
    ],
)
def test_a_misspelt_name_suggests_the_closest(client: EthosClient, get: Callable[[EthosClient], Any], suggestion: str) -> None:
    error = _error(lambda: get(client))
    assert suggestion in str(error)
    printed = "".join(traceback.format_exception_only(type(error), error))
    assert printed.lower().count("did you mean") == 1  # the interpreter does not add a second one


def test_it_stays_an_attribute_error_for_hasattr_and_getattr(client: EthosClient) -> None:
    assert not hasattr(client.sessions, "lst") and not hasattr(client, "sesions")
    assert getattr(client.sessions, "lst", "default") == "default"
    assert hasattr(client.sessions, "list") and hasattr(client, "sessions")


def test_a_name_with_nothing_close_is_the_plain_error(client: EthosClient) -> None:
    error = _error(lambda: getattr(client.sessions, "xyzzy"))  # a type checker flags client.sessions.xyzzy itself
    assert str(error) == "'Sessions' namespace has no attribute 'xyzzy'"
    assert (error.name, error.obj) == ("xyzzy", client.sessions)


def test_private_names_get_no_suggestion(client: EthosClient) -> None:
    """What notebooks and copy/pickle probe (``_repr_html_``, ``__getstate__``...) stays a plain miss."""
    assert "did you mean" not in str(_error(lambda: getattr(client.sessions, "_lst")))
    assert "did you mean" not in str(_error(lambda: getattr(client, "_sesions")))


def test_every_namespace_suggests_its_own_methods(client: EthosClient) -> None:
    checked = 0
    for name in _namespace_attributes(EthosClient):
        namespace = getattr(client, name)
        assert isinstance(namespace, Namespace)
        methods = sorted(m for m in dir(namespace) if not m.startswith("_") and callable(getattr(namespace, m)))
        longest = max(methods, key=len)
        error = _error(lambda: getattr(namespace, longest + "s"))
        assert f"did you mean {longest!r}?" in str(error), (name, str(error))
        checked += 1
    assert checked >= 36
