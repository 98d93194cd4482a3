"""``client.api_keys``: mint, list and revoke API keys (cookie authentication only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence, cast

from .._pagination import PageIterator, iterate_pages
from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.api_keys import ApiKey, ApiKeyPage, ApiKeyScope, NewApiKey, RevokeResult

__all__ = ["ApiKeys"]


class ApiKeys(Namespace):
    """The ``apiKeys`` procedures (experimental).

    The whole namespace needs the web cookie: a client holding an API key gets
    :class:`~ethos_sdk.PermissionDeniedError` (403) for every call, so a key
    can never mint or revoke keys.
    """

    def create(
        self,
        name: str,
        scopes: Sequence[ApiKeyScope],
        allowed_origins: Sequence[str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> NewApiKey:
        """Mint a new API key and return its secret.

        **Store** ``result["secret"]`` **now**: it is shown this once and cannot
        be read again (``list`` only shows its prefix).

        Every key minted this way is pinned to its ``allowed_origins``: each
        request made with it must carry one of them as its ``Origin`` header,
        or the server answers 403. Give that origin to the client that uses
        the key::

            new = admin_client.api_keys.create("ci", ["sessions:read"], ["http://localhost:3001"])
            client = EthosClient(url, api_key=new["secret"], origin="http://localhost:3001")

        Args:
            name: a label to recognise the key by, 1 to 100 characters.
            scopes: what the key may do, at least one (``"sessions:read"``,
                ``"chat:send"``, ...).
            allowed_origins: the origins the key works from, at least one
                (``scheme://host[:port]``).

        ``apiKeys.create`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "NewApiKey",
            self._call(
                "apiKeys.create",
                {"name": name, "scopes": scopes, "allowedOrigins": allowed_origins},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ApiKeyPage:
        """One page of API keys; a key's secret is never shown again, only its ``prefix``.

        Args:
            limit: page size (1 or more).
            cursor: ``nextCursor`` of the previous page. :meth:`list_all`
                walks every page for you.

        ``apiKeys.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ApiKeyPage",
            self._call(
                "apiKeys.list",
                {"limit": limit, "cursor": cursor},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list_all(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PageIterator[ApiKey]:
        """Every API key, fetching pages of ``limit`` as the loop needs them::

            for key in client.api_keys.list_all():
                if key["revokedAt"] is None:
                    print(key["name"], key["prefix"], key["scopes"])
        """

        def fetch(cursor: str | None) -> ApiKeyPage:
            return self.list(
                limit=limit,
                cursor=NOT_GIVEN if cursor is None else cursor,
                timeout=timeout,
                extra_headers=extra_headers,
            )

        return iterate_pages(fetch)

    def revoke(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> RevokeResult:
        """Revoke a key: requests made with it are refused from now on.

        Args:
            id: the key's ``id`` (from :meth:`create` or :meth:`list`), not its secret.

        ``apiKeys.revoke`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "RevokeResult",
            self._call(
                "apiKeys.revoke",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
