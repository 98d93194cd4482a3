"""``client.models``: the catalogue of models each provider offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.models import ModelCatalog

__all__ = ["Models"]


class Models(Namespace):
    """The ``models`` procedures (experimental)."""

    def catalog(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ModelCatalog:
        """Every known model, by provider, with its context window::

            for provider, entry in client.models.catalog()["providers"].items():
                print(provider, [m["id"] for m in entry["models"]])

        ``models.catalog`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ModelCatalog",
            self._call(
                "models.catalog",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
