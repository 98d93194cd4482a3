"""``client.named_secrets``: credentials stored on the server and referred to by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.named_secrets import (
        CreatedSecret,
        KeyTestResult,
        NamedSecretList,
        OkResult,
        SecretProvider,
    )

__all__ = ["NamedSecrets"]


class NamedSecrets(Namespace):
    """The ``namedSecrets`` procedures (experimental).

    A secret is known by its provider and name; its value is never sent back,
    only a short ``preview``.
    """

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> NamedSecretList:
        """Every stored secret, by provider and name, with a preview instead of the value.

        ``namedSecrets.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "NamedSecretList",
            self._call(
                "namedSecrets.list",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def create(
        self,
        provider: SecretProvider,
        name: str,
        value: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CreatedSecret:
        """Store a secret under a name.

        Args:
            provider: the service the secret is for: ``"exa"``, ``"tavily"`` or ``"brave"``.
            name: letters, digits, ``_`` and ``-`` only.
            value: the secret itself (up to 8192 characters).

        ``namedSecrets.create`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "CreatedSecret",
            self._call(
                "namedSecrets.create",
                {"provider": provider, "name": name, "value": value},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def delete(
        self,
        provider: SecretProvider,
        name: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Delete a stored secret.

        ``namedSecrets.delete`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "namedSecrets.delete",
                {"provider": provider, "name": name},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def test_key(
        self,
        provider: SecretProvider,
        name: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> KeyTestResult:
        """Try a stored secret against its provider; ``error`` in the result says why it failed.

        ``namedSecrets.testKey`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "KeyTestResult",
            self._call(
                "namedSecrets.testKey",
                {"provider": provider, "name": name},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
