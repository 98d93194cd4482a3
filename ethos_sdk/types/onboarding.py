"""Types of the ``onboarding`` namespace: the first-run steps and the provider check."""

from typing import List, Optional

from typing_extensions import Literal, TypeAlias, TypedDict

__all__ = ["OnboardingStep", "ProviderName", "OnboardingState", "ProviderValidation", "OkResult"]

OnboardingStep: TypeAlias = Literal[
    "welcome", "provider", "personality", "integrations", "first-turn", "done"
]

ProviderName: TypeAlias = Literal[
    "anthropic", "openai", "openrouter", "openai-compat", "ollama", "azure", "codex"
]
"""A model provider the first-run setup knows how to configure."""


class OnboardingState(TypedDict):
    """Where the first-run setup stands."""

    step: OnboardingStep
    hasProvider: bool
    selectedPersonalityId: Optional[str]


class ProviderValidation(TypedDict):
    """What the server found when it tried a provider key."""

    ok: bool
    models: Optional[List[str]]
    """The models the key can use, or ``None`` when they could not be listed."""
    error: Optional[str]
    """Why the check failed, or ``None``."""
    completionTested: bool
    """Whether a completion request was also tried."""


class OkResult(TypedDict):
    """``{"ok": True}``: the setup is saved."""

    ok: Literal[True]
