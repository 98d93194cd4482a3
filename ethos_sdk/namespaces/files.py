"""``client.files``: file paths for the @-file picker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.files import FileList

__all__ = ["Files"]


class Files(Namespace):
    """The ``files`` procedures (no stability tier is marked)."""

    def list(
        self,
        *,
        prefix: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> FileList:
        """File paths the @-file picker offers.

        Args:
            prefix: only paths starting with this text.

        ``files.list`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "FileList",
            self._call(
                "files.list",
                {"prefix": prefix},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
