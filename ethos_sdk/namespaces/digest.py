"""``client.digest``: the periodic summary of recent activity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Optional, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.digest import Digest as DigestResult

__all__ = ["Digest"]


class Digest(Namespace):
    """The ``digest`` procedures (experimental)."""

    def latest(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Optional[DigestResult]:
        """The most recent digest, or ``None`` when there is none yet.

        ``digest.latest`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Optional[DigestResult]",
            self._call(
                "digest.latest",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def generate(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Optional[DigestResult]:
        """Write a digest now and return it (``None`` when the server produced none).

        ``digest.generate`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Optional[DigestResult]",
            self._call(
                "digest.generate",
                None,
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
