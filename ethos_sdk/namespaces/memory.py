"""``client.memory``: read and write each personality's memory, its history and pending facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._pagination import PageIterator, iterate_pages
from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.memory import (
        HistoryBlob,
        HistoryEntry,
        HistoryPage,
        MemoryFile,
        MemoryFileResult,
        MemoryPage,
        MemorySource,
        MemoryStore,
        MemoryUserList,
        Ok,
        PendingFactList,
        RestoreResult,
    )

__all__ = ["Memory"]


class Memory(Namespace):
    """The ``memory`` procedures (stable).

    Each personality has two stores: ``"memory"``, what it keeps in mind
    across sessions, and ``"user"``, what it knows about a user (one per
    ``user_id``).
    """

    def list(
        self,
        personality_id: str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven = NOT_GIVEN,
        user_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> MemoryPage:
        """One page of a personality's memory stores, with their content.

        Args:
            personality_id: whose memory.
            limit: page size.
            cursor: ``nextCursor`` of the previous page.
            user_id: which user's ``user`` store to list.

        :meth:`list_all` walks every page for you.

        ``memory.list`` · stable · API keys need scope ``memory:read``.
        """
        return cast(
            "MemoryPage",
            self._call(
                "memory.list",
                {
                    "personalityId": personality_id,
                    "limit": limit,
                    "cursor": cursor,
                    "userId": user_id,
                },
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list_all(
        self,
        personality_id: str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        user_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PageIterator[MemoryFile]:
        """Every memory store of a personality, fetching pages as the loop needs them::

            for file in client.memory.list_all("researcher"):
                print(file["store"], len(file["content"]))
        """

        def fetch(cursor: str | None) -> MemoryPage:
            return self.list(
                personality_id,
                limit=limit,
                cursor=NOT_GIVEN if cursor is None else cursor,
                user_id=user_id,
                timeout=timeout,
                extra_headers=extra_headers,
            )

        return iterate_pages(fetch)

    def get(
        self,
        store: MemoryStore,
        personality_id: str,
        *,
        user_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> MemoryFileResult:
        """Read one memory store of a personality: ``result["file"]["content"]``.

        Args:
            store: ``"memory"`` or ``"user"``.
            personality_id: whose memory; an unknown one raises
                :class:`~ethos_sdk.NotFoundError`.
            user_id: for the ``"user"`` store, which user.

        ``memory.get`` · stable · API keys need scope ``memory:read``.
        """
        return cast(
            "MemoryFileResult",
            self._call(
                "memory.get",
                {"store": store, "personalityId": personality_id, "userId": user_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def write(
        self,
        store: MemoryStore,
        content: str,
        personality_id: str,
        *,
        user_id: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> MemoryFileResult:
        """Replace the whole content of one memory store, and return it as stored.

        Args:
            store: ``"memory"`` or ``"user"``.
            content: the new text of the store (it replaces the old one).
            personality_id: whose memory. Required, whatever older docs say.
            user_id: for the ``"user"`` store, which user.

        ``memory.write`` · stable · API keys need scope ``memory:write``.
        """
        return cast(
            "MemoryFileResult",
            self._call(
                "memory.write",
                {
                    "store": store,
                    "content": content,
                    "personalityId": personality_id,
                    "userId": user_id,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list_users(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> MemoryUserList:
        """The users the server keeps a ``user`` store for, with where they were first seen.

        ``memory.listUsers`` · stable · API keys need scope ``memory:read``.
        """
        return cast(
            "MemoryUserList",
            self._call(
                "memory.listUsers",
                {},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def history(
        self,
        personality_id: str,
        *,
        key: str | NotGiven = NOT_GIVEN,
        source: MemorySource | NotGiven = NOT_GIVEN,
        since_ms: float | NotGiven = NOT_GIVEN,
        until_ms: float | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | None | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> HistoryPage:
        """One page of the recorded changes to a personality's memory, each with its diff.

        Args:
            personality_id: whose memory.
            key: only changes to this key.
            source: only changes made this way (``"tool"``, ``"dream"``,
                ``"web-editor"``...).
            since_ms: only changes at or after this time, in milliseconds
                since the epoch.
            until_ms: only changes up to this time, in milliseconds since the epoch.
            limit: page size.
            cursor: ``nextCursor`` of the previous page.

        :meth:`history_all` walks every page for you.

        ``memory.history`` · stable · API keys need scope ``memory:read``.
        """
        return cast(
            "HistoryPage",
            self._call(
                "memory.history",
                {
                    "personalityId": personality_id,
                    "key": key,
                    "source": source,
                    "sinceMs": since_ms,
                    "untilMs": until_ms,
                    "limit": limit,
                    "cursor": cursor,
                },
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def history_all(
        self,
        personality_id: str,
        *,
        key: str | NotGiven = NOT_GIVEN,
        source: MemorySource | NotGiven = NOT_GIVEN,
        since_ms: float | NotGiven = NOT_GIVEN,
        until_ms: float | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PageIterator[HistoryEntry]:
        """Every recorded change matching the filters, fetching pages as the loop needs them::

            for entry in client.memory.history_all("researcher", source="dream"):
                print(entry["key"], entry["diff"])
        """

        def fetch(cursor: str | None) -> HistoryPage:
            return self.history(
                personality_id,
                key=key,
                source=source,
                since_ms=since_ms,
                until_ms=until_ms,
                limit=limit,
                cursor=NOT_GIVEN if cursor is None else cursor,
                timeout=timeout,
                extra_headers=extra_headers,
            )

        return iterate_pages(fetch, items_key="entries")

    def history_blob(
        self,
        personality_id: str,
        blob: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> HistoryBlob:
        """The content saved with a history entry, by the entry's ``blob``.

        ``result["content"]`` is ``None`` when nothing is saved under that blob.

        ``memory.historyBlob`` · stable · API keys need scope ``memory:read``.
        """
        return cast(
            "HistoryBlob",
            self._call(
                "memory.historyBlob",
                {"personalityId": personality_id, "blob": blob},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def restore(
        self,
        personality_id: str,
        slug: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> RestoreResult:
        """Restore a personality's memory from a saved copy, named by ``slug``.

        ``memory.restore`` · stable · API keys need scope ``memory:write``.
        """
        return cast(
            "RestoreResult",
            self._call(
                "memory.restore",
                {"personalityId": personality_id, "slug": slug},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def pending_list(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PendingFactList:
        """The proposed changes to a personality's memory that wait for approval.

        Approve one with :meth:`pending_approve`, drop it with :meth:`pending_reject`.

        ``memory.pendingList`` · stable · API keys need scope ``memory:read``.
        """
        return cast(
            "PendingFactList",
            self._call(
                "memory.pendingList",
                {"personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def pending_approve(
        self,
        personality_id: str,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Accept a pending change (its ``id`` from :meth:`pending_list`) into memory.

        ``memory.pendingApprove`` · stable · API keys need scope ``memory:write``.
        """
        return cast(
            "Ok",
            self._call(
                "memory.pendingApprove",
                {"personalityId": personality_id, "id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def pending_reject(
        self,
        personality_id: str,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Ok:
        """Drop a pending change (its ``id`` from :meth:`pending_list`) without applying it.

        ``memory.pendingReject`` · stable · API keys need scope ``memory:write``.
        """
        return cast(
            "Ok",
            self._call(
                "memory.pendingReject",
                {"personalityId": personality_id, "id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
