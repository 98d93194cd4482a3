"""``client.meta``: what this server can do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.meta import Capabilities

__all__ = ["Meta"]


class Meta(Namespace):
    """The ``meta`` procedures (stable)."""

    def capabilities(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Capabilities:
        """Which features this server has turned on, by name::

            if client.meta.capabilities()["capabilities"].get("voice_tts"):
                ...

        A feature missing from the answer is one this server does not know.

        ``meta.capabilities`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "Capabilities",
            self._call(
                "meta.capabilities",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
