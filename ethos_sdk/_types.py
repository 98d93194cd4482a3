"""Small shared types: the "not sent" sentinel and the timeout alias."""

from __future__ import annotations

from typing import Final, Tuple, TypeAlias, Union

__all__ = ["NOT_GIVEN", "NotGiven", "Timeout"]


class NotGiven:
    """The type of :data:`NOT_GIVEN`: a parameter the caller left out.

    Optional parameters of every procedure default to ``NOT_GIVEN`` so that
    "not sent" and ``None`` stay different things: ``None`` is sent as JSON
    ``null`` (``client.sessions.update(sid, title=None)`` clears a title),
    while ``NOT_GIVEN`` leaves the key out of the request altogether.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
"""The one :class:`NotGiven` instance: "leave this parameter out of the request"."""

Timeout: TypeAlias = Union[float, Tuple[float, float], None]
"""Seconds to wait: one number for both phases, ``(connect, read)``, or ``None`` for no limit."""
