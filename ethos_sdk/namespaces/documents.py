"""``client.documents``: the documents folder the agent can read."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, IO, Mapping, Union, cast

from .. import _surfaces
from .._surfaces import Download

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.documents import DeleteResult, DocumentListing, DocumentsRoot

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
            "DocumentsRoot",
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
            "DocumentListing",
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
            "DeleteResult",
            self._call(
                "documents.delete",
                {"personalityId": personality_id, "path": path},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def download(
        self,
        path: str,
        *,
        personality_id: str | None = None,
        to: Union[str, "os.PathLike[str]", IO[bytes], None] = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        overwrite: bool = False,
    ) -> Download:
        """Download a file of the documents folder.

        Example::

            got = client.documents.download("reports/weekly.md", to=".")
            print("saved", got.path, got.size, "bytes")

        Args:
            path: the file, relative to the documents folder: an entry's
                ``path`` from :meth:`list`. Paths leading outside the folder
                or through a symbolic link are refused (403).
            personality_id: whose documents folder; default: the server's
                default personality.
            to: where to put the bytes. ``None`` (default): in memory, as
                ``.content`` (at most the client's ``max_response_bytes``).
                A path: written there (through a new temporary file in the
                same folder, renamed at the end, so a failed download leaves
                nothing behind). A folder: written inside it under the
                server's file name, cleaned first (its last part only, no
                control or bidi characters, at most 200 characters; a name
                Windows reserves is refused). A binary file opened for
                writing: written to it. In the last three cases the file is
                streamed in 64 KiB chunks and never held in memory whole.
            overwrite: replace a file that exists at the path written to.
                Default ``False``: :class:`~ethos_sdk.ConfigurationError`, and
                the existing file is left as it was.

        Returns a :class:`~ethos_sdk.Download`: the server's file name
        (``.filename``, decoded from ``content-disposition``), ``.content_type``,
        ``.size``, and ``.content`` or ``.path``.

        Raises :class:`~ethos_sdk.NotFoundError` for a missing file or
        personality, :class:`~ethos_sdk.PermissionDeniedError` for a path
        outside the folder, :class:`~ethos_sdk.BadRequestError` for a folder,
        :class:`~ethos_sdk.ConfigurationError` when the file cannot be written
        where ``to`` says (it exists, the folder is missing, the disk is full).

        ``GET /documents/download`` · cookie authentication only (API keys get 401).
        """
        return _surfaces.download(
            self._client,
            path,
            personality_id=personality_id,
            to=to,
            timeout=timeout,
            extra_headers=extra_headers,
            overwrite=overwrite,
        )
