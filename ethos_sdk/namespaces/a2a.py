"""``client.a2a``: agent-to-agent settings, identity, trusted peers and exposed skills."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, List, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.a2a import A2AState, AgentIdentity, ExposableSkill, OkResult, Peer, PeerCard

__all__ = ["A2A", "A2ASettings", "A2APeers", "A2ASkills"]


class A2ASettings(Namespace):
    """``client.a2a.settings``: switch agent-to-agent on or off (experimental)."""

    def get(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> A2AState:
        """Whether agent-to-agent is switched on.

        ``a2a.settings.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "A2AState",
            self._call(
                "a2a.settings.get",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set(
        self,
        enabled: bool,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> A2AState:
        """Switch agent-to-agent on (``True``) or off (``False``); returns the new setting.

        ``a2a.settings.set`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "A2AState",
            self._call(
                "a2a.settings.set",
                {"enabled": enabled},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )


class A2APeers(Namespace):
    """``client.a2a.peers``: the other agents a personality trusts (experimental)."""

    def list(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> List[Peer]:
        """The peers a personality trusts, enabled or not.

        ``a2a.peers.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "List[Peer]",
            self._call(
                "a2a.peers.list",
                {"personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def preview(
        self,
        url: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PeerCard:
        """Read a remote agent's card before trusting it: its name and fingerprint.

        Check the fingerprint with the agent's owner, then pass it to
        :meth:`add` as ``expected_fingerprint``.

        Args:
            url: the remote agent's address.

        ``a2a.peers.preview`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PeerCard",
            self._call(
                "a2a.peers.preview",
                {"url": url},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def add(
        self,
        personality_id: str,
        url: str,
        expected_fingerprint: str,
        *,
        label: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Peer:
        """Trust the agent at ``url`` as a peer of a personality.

        Args:
            personality_id: the personality that will trust the peer.
            url: the remote agent's address.
            expected_fingerprint: the fingerprint :meth:`preview` showed, which
                the agent at ``url`` must present.
            label: your own name for the peer.

        ``a2a.peers.add`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "Peer",
            self._call(
                "a2a.peers.add",
                {
                    "personalityId": personality_id,
                    "url": url,
                    "expectedFingerprint": expected_fingerprint,
                    "label": label,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set_enabled(
        self,
        personality_id: str,
        fingerprint: str,
        enabled: bool,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Enable or disable a peer of a personality without forgetting it.

        ``a2a.peers.setEnabled`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "a2a.peers.setEnabled",
                {"personalityId": personality_id, "fingerprint": fingerprint, "enabled": enabled},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def remove(
        self,
        personality_id: str,
        fingerprint: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Stop trusting a peer: remove it from a personality's peers.

        ``a2a.peers.remove`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "a2a.peers.remove",
                {"personalityId": personality_id, "fingerprint": fingerprint},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )


class A2ASkills(Namespace):
    """``client.a2a.skills``: which skills other agents may call (experimental)."""

    def list_exposable(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> List[ExposableSkill]:
        """The skills of a personality, each marked with whether other agents may call it.

        ``a2a.skills.listExposable`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "List[ExposableSkill]",
            self._call(
                "a2a.skills.listExposable",
                {"personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )


class A2A(Namespace):
    """The ``a2a`` procedures (experimental): how personalities talk to other agents.

    ``client.a2a.identity(...)`` is here; the rest is grouped in
    :attr:`settings`, :attr:`peers` and :attr:`skills`.
    """

    @cached_property
    def settings(self) -> A2ASettings:
        """Switch agent-to-agent on or off."""
        return A2ASettings(self._client)

    @cached_property
    def peers(self) -> A2APeers:
        """The other agents a personality trusts."""
        return A2APeers(self._client)

    @cached_property
    def skills(self) -> A2ASkills:
        """Which skills other agents may call."""
        return A2ASkills(self._client)

    def identity(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AgentIdentity:
        """How a personality appears to other agents: its fingerprint, URLs and exposed skills.

        Give the fingerprint to whoever adds this agent as a peer.

        ``a2a.identity`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "AgentIdentity",
            self._call(
                "a2a.identity",
                {"personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
