"""Small shared types: the "not sent" sentinel, the timeout alias and its check."""

from __future__ import annotations

import math
from typing import Any, Final, Tuple, TypeAlias, Union

__all__ = ["NOT_GIVEN", "NotGiven", "Timeout", "check_timeout"]


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


_LONGEST = 1e9
"""Seconds (about 31 years) above which a wait is refused: sockets and threads overflow on such values."""

_A_DAY = 86400.0


def _seconds(value: Any, name: str) -> float:
    """One phase of a timeout as a float, or :class:`ConfigurationError` saying what is accepted."""
    from .errors import ConfigurationError  # errors imports nothing from here; keep it that way

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigurationError(
            f"{name} must be a number of seconds, a (connect, read) tuple of them, or None for no "
            f"limit; got {value!r} ({type(value).__name__})"
        )
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0 or seconds > _LONGEST:
        raise ConfigurationError(
            f"{name} must be above 0 and finite (at most {_LONGEST:.0e} s), or None for no limit; "
            f"got {value!r}"
        )
    return seconds


def check_timeout(value: Any, name: str = "timeout") -> Timeout:
    """``value`` as a :data:`Timeout` (numbers as floats), or :class:`ConfigurationError`.

    Accepted: ``None`` (no limit), a number of seconds above 0, or a
    ``(connect, read)`` tuple of two such numbers. A wait of more than a day
    is allowed, with a :class:`UserWarning`, since it is most often
    milliseconds given by mistake. ``name`` is what the message calls it.
    """
    if value is None:
        return None
    if isinstance(value, tuple):
        if len(value) != 2:
            from .errors import ConfigurationError

            raise ConfigurationError(
                f"{name} as a tuple must be (connect, read) seconds, got {len(value)} values: {value!r}"
            )
        pair = (_seconds(value[0], f"{name}[0] (connect)"), _seconds(value[1], f"{name}[1] (read)"))
        _warn_if_long(max(pair), name)
        return pair
    seconds = _seconds(value, name)
    _warn_if_long(seconds, name)
    return seconds


def _warn_if_long(seconds: float, name: str) -> None:
    if seconds > _A_DAY:
        import warnings

        warnings.warn(
            f"{name}={seconds:g} s is more than a day: timeouts are in seconds, not milliseconds "
            f"(pass None for no limit)",
            UserWarning,
            stacklevel=4,
        )
