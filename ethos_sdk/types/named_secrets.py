"""Types of the ``namedSecrets`` namespace: stored credentials referenced by name."""

from typing import List

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "SecretProvider",
    "NamedSecret",
    "NamedSecretList",
    "CreatedSecret",
    "KeyTestResult",
    "OkResult",
]

SecretProvider: TypeAlias = Literal["exa", "tavily", "brave"]
"""The service a named secret is a key for."""


class NamedSecret(TypedDict):
    """A stored secret, shown by name and a short preview, never in full."""

    provider: SecretProvider
    name: str
    preview: str
    """A masked hint of the value, enough to recognise it."""
    kind: Literal["web-search"]


class NamedSecretList(TypedDict):
    """Every stored named secret."""

    secrets: List[NamedSecret]


class CreatedSecret(TypedDict):
    """The secret was stored; ``preview`` is how it will be shown from now on."""

    ok: Literal[True]
    preview: str


class KeyTestResult(TypedDict):
    """Whether the provider accepted the stored key; ``error`` says why not."""

    ok: bool
    error: NotRequired[str]


class OkResult(TypedDict):
    """``{"ok": True}``: the secret is gone."""

    ok: Literal[True]
