"""``client.documents``: the documents folder the agent can read."""

from __future__ import annotations

from typing import Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ..types.documents import DeleteResult, DocumentListing, DocumentsRoot
from ._base import Namespace

__all__ = ["Documents"]


class Documents(Namespace):
    """The ``documents`` procedures (experimental).

    Each takes an optional ``personality_id``: left out, the server picks the
    personality (``root`` says which it used).
    """

    def root(
        self,
        *,
        personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DocumentsRoot:
        """Where a personality's documents folder is on the server.

        ``documents.root`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            DocumentsRoot,
            self._call(
                "documents.root",
                {"personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list(
        self,
        *,
        personality_id: str | NotGiven = NOT_GIVEN,
        path: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DocumentListing:
        """The files and folders in one folder of the documents folder.

        Args:
            personality_id: whose documents folder.
            path: the folder, relative to the documents folder; left out, its top.

        ``documents.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            DocumentListing,
            self._call(
                "documents.list",
                {"personalityId": personality_id, "path": path},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def delete(
        self,
        path: str,
        *,
        personality_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DeleteResult:
        """Delete an entry of the documents folder.

        Args:
            path: the entry, relative to the documents folder (as :meth:`list` gives it).
            personality_id: whose documents folder.

        ``documents.delete`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            DeleteResult,
            self._call(
                "documents.delete",
                {"personalityId": personality_id, "path": path},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
