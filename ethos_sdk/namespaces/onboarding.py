"""``client.onboarding``: the first-run setup: where it stands, the provider check, finishing it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.onboarding import OkResult, OnboardingState, ProviderName, ProviderValidation

__all__ = ["Onboarding"]


class Onboarding(Namespace):
    """The ``onboarding`` procedures (experimental)."""

    def state(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OnboardingState:
        """Which step of the first-run setup the server is at, and whether a provider is set up.

        ``onboarding.state`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OnboardingState",
            self._call(
                "onboarding.state",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def validate_provider(
        self,
        provider: ProviderName,
        api_key: str,
        *,
        base_url: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ProviderValidation:
        """Try a model provider's key; returns whether it works and the models it can use.

        Nothing is saved: :meth:`complete` does that.

        Args:
            provider: ``"anthropic"``, ``"openai"``, ``"openrouter"``,
                ``"openai-compat"``, ``"ollama"``, ``"azure"`` or ``"codex"``.
            api_key: the provider's API key (not an Ethos key).
            base_url: the provider's address, for self-hosted or compatible ones.

        ``onboarding.validateProvider`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ProviderValidation",
            self._call(
                "onboarding.validateProvider",
                {"provider": provider, "apiKey": api_key, "baseUrl": base_url},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def complete(
        self,
        provider: ProviderName,
        model: str,
        personality_id: str,
        *,
        api_key: str | NotGiven = NOT_GIVEN,
        base_url: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Finish the first-run setup with a provider, a model and a personality.

        Args:
            provider: the model provider (as for :meth:`validate_provider`).
            model: the model to use, as the provider names it.
            personality_id: the personality to start with.
            api_key: the provider's API key (not an Ethos key).
            base_url: the provider's address, for self-hosted or compatible ones.

        ``onboarding.complete`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "onboarding.complete",
                {
                    "provider": provider,
                    "model": model,
                    "apiKey": api_key,
                    "baseUrl": base_url,
                    "personalityId": personality_id,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
