"""``client.deliveries``: the queue of messages going out to chat platforms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.deliveries import DeliverySummary

__all__ = ["Deliveries"]


class Deliveries(Namespace):
    """The ``deliveries`` procedures (experimental)."""

    def summary(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DeliverySummary:
        """How many outbound messages are pending, redelivering, delivered or abandoned, and the latest ones.

        Args:
            limit: how many recent deliveries to include, 1 to 200.

        ``deliveries.summary`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "DeliverySummary",
            self._call(
                "deliveries.summary",
                {"limit": limit},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
