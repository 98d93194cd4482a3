""""Did you mean ...?": the name a caller most likely meant, for keys and attributes alike.

Used by :meth:`EthosClient.call <ethos_sdk.EthosClient.call>` for an input
key it does not know, and by the client and every namespace for an attribute
they do not have (``client.sessions.lst``). Only loaded when a name is wrong.
"""

from __future__ import annotations

import difflib
import re
from typing import AbstractSet, Any, Optional

__all__ = ["closest_attribute", "closest_name", "no_such_attribute"]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def closest_name(name: str, names: AbstractSet[str], cutoff: float = 0.75) -> Optional[str]:
    """The one of ``names`` that ``name`` most likely meant, or ``None``.

    The same name in the other case style comes first (``personality_id`` for
    ``personalityId``, and the other way round), then the closest spelling
    (``difflib``'s similarity of at least ``cutoff``).
    """
    if _camel(name) in names:
        return _camel(name)
    by_snake = {_snake(known): known for known in names}
    if _snake(name) in by_snake:
        return by_snake[_snake(name)]
    close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=cutoff)
    return close[0] if close else None


def closest_attribute(name: str, names: AbstractSet[str]) -> Optional[str]:
    """The public one of ``names`` that ``name`` most likely meant; ``None`` for a private ``name``.

    Looser than for keys: an object has few attributes, and ``aks`` should
    still find ``ask``.
    """
    if name.startswith("_"):
        return None
    return closest_name(name, {known for known in names if not known.startswith("_")}, cutoff=0.6)


def no_such_attribute(owner: Any, name: str) -> AttributeError:
    """The ``AttributeError`` for ``owner.<name>``, suggesting the closest public attribute.

    It stays an ``AttributeError``, so ``hasattr`` and ``getattr(owner, name,
    default)`` work as ever. With a suggestion in the message, the error's
    ``name`` is left unset: the interpreter adds its own "Did you mean" from
    ``name`` when it prints a traceback, and would say it twice.
    """
    from .namespaces._base import Namespace

    what = f"{type(owner).__name__!r} {'namespace' if isinstance(owner, Namespace) else 'object'}"
    message = f"{what} has no attribute {name!r}"
    near = closest_attribute(name, set(dir(owner)))
    if near is None:
        return AttributeError(message, name=name, obj=owner)
    return AttributeError(f"{message}: did you mean {near!r}?", obj=owner)
