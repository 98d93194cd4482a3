"""Types of the ``a2a`` namespace: agent-to-agent identity, peers and exposed skills."""

from typing import List

from typing_extensions import Literal, NotRequired, TypedDict

__all__ = [
    "A2AState",
    "AgentIdentity",
    "Peer",
    "PeerCard",
    "ExposableSkill",
    "OkResult",
]


class A2AState(TypedDict):
    """Whether agent-to-agent (A2A) is switched on for this server."""

    enabled: bool


class AgentIdentity(TypedDict):
    """How one personality presents itself to other agents."""

    personalityId: str
    name: str
    fingerprint: str
    """Peers pin this value: it proves they reach the same agent next time."""
    wellKnownUrl: str
    """Where other agents fetch this agent's card."""
    jsonRpcUrl: str
    authUrl: str
    did: NotRequired[str]
    exposedSkills: List[str]
    """Names of the skills other agents may call."""


class Peer(TypedDict):
    """Another agent a personality trusts, known by its fingerprint."""

    fingerprint: str
    label: NotRequired[str]
    """The name you gave the peer when adding it."""
    cardName: NotRequired[str]
    """The name the peer's own card announces."""
    url: NotRequired[str]
    access: Literal["full"]
    enabled: bool
    lastSeenAt: NotRequired[float]
    """When the peer was last heard from, in milliseconds since the epoch."""


class PeerCard(TypedDict):
    """What a remote agent says about itself, read before trusting it."""

    fingerprint: str
    """Pass it as ``expected_fingerprint`` to ``a2a.peers.add``."""
    name: str
    description: NotRequired[str]


class ExposableSkill(TypedDict):
    """A skill of a personality and whether other agents may call it."""

    name: str
    exposed: bool


class OkResult(TypedDict):
    """``{"ok": True}``: the change was made."""

    ok: Literal[True]
