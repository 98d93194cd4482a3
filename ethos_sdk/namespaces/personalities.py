"""``client.personalities``: agent profiles, their skills, MCP tokens and living soul.

Reading works with an API key that has ``personalities:read``. Every change
(create, update, delete, skills, tokens, expressions) is cookie-only: the
server refuses it to any API key with 403, so use cookie authentication
(``EthosClient(cookie=...)`` or the local web token) for those.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Mapping, Sequence, Union, cast

from .. import _surfaces
from .._surfaces import AvatarImage
from .._pagination import PageIterator, iterate_pages
from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.personalities import (
        CandidateApproval,
        CharacterSheet,
        DisplaySettings,
        DreamingSettings,
        ExpressionProposal,
        ExpressionRevert,
        ExpressionRevision,
        FsReachParam,
        ImportedSkills,
        InitialSkillEvolution,
        LivingSoul,
        MemorySettings,
        ModelTiers,
        NightlySettings,
        OkResult,
        Personality,
        PersonalityDetail,
        PersonalityPage,
        PersonalityResult,
        ProviderName,
        Renderers,
        SafetySettings,
        SkillCandidateList,
        SkillEvolutionSettings,
        SkillList,
        SkillResult,
        SoulSplit,
        VoiceSettingsParam,
    )
    from ..types.system import AvatarUploaded

__all__ = ["Personalities"]


class Personalities(Namespace):
    """The ``personalities`` procedures (stable)."""

    # --- personalities -------------------------------------------------------

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PersonalityPage:
        """One page of personalities, with the id of the default one (``defaultId``).

        Args:
            limit: page size (at least 1).
            cursor: ``nextCursor`` of the previous page.

        :meth:`list_all` walks every page for you.

        ``personalities.list`` · stable · API keys need scope ``personalities:read``.
        """
        return cast(
            "PersonalityPage",
            self._call(
                "personalities.list",
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
    ) -> PageIterator[Personality]:
        """Every personality, fetching pages of ``limit`` as the loop needs them::

            for personality in client.personalities.list_all():
                print(personality["id"], personality["name"])
        """

        def fetch(cursor: str | None) -> PersonalityPage:
            return self.list(
                limit=limit,
                cursor=NOT_GIVEN if cursor is None else cursor,
                timeout=timeout,
                extra_headers=extra_headers,
            )

        return iterate_pages(fetch)

    def get(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PersonalityDetail:
        """One personality with its ``SOUL.md`` text and MCP policy.

        An unknown id raises :class:`~ethos_sdk.NotFoundError` with code
        ``PERSONALITY_NOT_FOUND``.

        ``personalities.get`` · stable · API keys need scope ``personalities:read``.
        """
        return cast(
            "PersonalityDetail",
            self._call(
                "personalities.get",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def character_sheet(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CharacterSheet:
        """A personality summarised as Markdown, with where and how its tools run (``posture``).

        ``personalities.characterSheet`` · stable · API keys need scope ``personalities:read``.
        """
        return cast(
            "CharacterSheet",
            self._call(
                "personalities.characterSheet",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def create(
        self,
        id: str,
        name: str,
        toolset: Sequence[str],
        soul_md: str,
        *,
        description: str | NotGiven = NOT_GIVEN,
        model: Union[str, ModelTiers] | NotGiven = NOT_GIVEN,
        provider: ProviderName | NotGiven = NOT_GIVEN,
        capabilities: Sequence[str] | NotGiven = NOT_GIVEN,
        mcp_servers: Sequence[str] | NotGiven = NOT_GIVEN,
        plugins: Sequence[str] | NotGiven = NOT_GIVEN,
        fs_reach: FsReachParam | NotGiven = NOT_GIVEN,
        skill_evolution: InitialSkillEvolution | NotGiven = NOT_GIVEN,
        evolution_approval_mode: Literal["auto", "user"] | NotGiven = NOT_GIVEN,
        nightly: NightlySettings | NotGiven = NOT_GIVEN,
        voice: VoiceSettingsParam | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PersonalityResult:
        """Create a new personality.

        Args:
            id: the new personality's id: lowercase letters, digits, ``_`` and ``-``.
            name: the name shown to people.
            toolset: names of the tools it may call.
            soul_md: its ``SOUL.md``: who it is, in its own words.
            model: one model name, or a :class:`~ethos_sdk.types.personalities.ModelTiers`
                dict naming a model per kind of work.
            provider: the LLM provider to use.
            mcp_servers: names of the MCP servers it may use.
            fs_reach: where it may read and write files.
            evolution_approval_mode: ``"auto"`` or ``"user"``.

        ``personalities.create`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "PersonalityResult",
            self._call(
                "personalities.create",
                {
                    "id": id,
                    "name": name,
                    "description": description,
                    "model": model,
                    "toolset": toolset,
                    "soulMd": soul_md,
                    "provider": provider,
                    "capabilities": capabilities,
                    "mcp_servers": mcp_servers,
                    "plugins": plugins,
                    "fs_reach": fs_reach,
                    "skill_evolution": skill_evolution,
                    "evolution_approval_mode": evolution_approval_mode,
                    "nightly": nightly,
                    "voice": voice,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def update(
        self,
        id: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        model: Union[str, ModelTiers] | NotGiven = NOT_GIVEN,
        toolset: Sequence[str] | NotGiven = NOT_GIVEN,
        soul_md: str | NotGiven = NOT_GIVEN,
        mcp_servers: Sequence[str] | NotGiven = NOT_GIVEN,
        mcp_tools: Mapping[str, Sequence[str]] | NotGiven = NOT_GIVEN,
        plugins: Sequence[str] | NotGiven = NOT_GIVEN,
        capabilities: Sequence[str] | NotGiven = NOT_GIVEN,
        provider: ProviderName | NotGiven = NOT_GIVEN,
        fs_reach: FsReachParam | NotGiven = NOT_GIVEN,
        dreaming: DreamingSettings | NotGiven = NOT_GIVEN,
        evolution_approval_mode: Literal["auto", "user"] | NotGiven = NOT_GIVEN,
        skill_evolution: SkillEvolutionSettings | NotGiven = NOT_GIVEN,
        safety: SafetySettings | NotGiven = NOT_GIVEN,
        memory: MemorySettings | NotGiven = NOT_GIVEN,
        display: DisplaySettings | NotGiven = NOT_GIVEN,
        nightly: NightlySettings | NotGiven = NOT_GIVEN,
        voice: VoiceSettingsParam | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PersonalityResult:
        """Change a personality; only the arguments you pass are sent.

        Args:
            id: the personality to change.
            model: one model name, or a :class:`~ethos_sdk.types.personalities.ModelTiers`
                dict naming a model per kind of work.
            soul_md: its new ``SOUL.md``.
            mcp_servers: names of the MCP servers it may use.
            mcp_tools: per MCP server name, the tools of that server it may call.
            fs_reach: where it may read and write files.
            dreaming: whether it dreams while idle; ``enable`` is required.

        ``personalities.update`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "PersonalityResult",
            self._call(
                "personalities.update",
                {
                    "id": id,
                    "name": name,
                    "description": description,
                    "model": model,
                    "toolset": toolset,
                    "soulMd": soul_md,
                    "mcp_servers": mcp_servers,
                    "mcp_tools": mcp_tools,
                    "plugins": plugins,
                    "capabilities": capabilities,
                    "provider": provider,
                    "fs_reach": fs_reach,
                    "dreaming": dreaming,
                    "evolution_approval_mode": evolution_approval_mode,
                    "skill_evolution": skill_evolution,
                    "safety": safety,
                    "memory": memory,
                    "display": display,
                    "nightly": nightly,
                    "voice": voice,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def delete(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Delete a personality.

        ``personalities.delete`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "personalities.delete",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def duplicate(
        self,
        id: str,
        new_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PersonalityResult:
        """Copy a personality under a new id and return the copy.

        Args:
            id: the personality to copy.
            new_id: the copy's id: lowercase letters, digits, ``_`` and ``-``.

        ``personalities.duplicate`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "PersonalityResult",
            self._call(
                "personalities.duplicate",
                {"id": id, "newId": new_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def renderers(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Renderers:
        """The names of the renderers available to a personality.

        ``personalities.renderers`` · stable · API keys need scope ``personalities:read``.
        """
        return cast(
            "Renderers",
            self._call(
                "personalities.renderers",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    # --- skills --------------------------------------------------------------

    def skills_list(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SkillList:
        """The skills of a personality, each with its Markdown body.

        ``personalities.skillsList`` · stable · API keys need scope ``personalities:read``.
        """
        return cast(
            "SkillList",
            self._call(
                "personalities.skillsList",
                {"personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def skills_get(
        self,
        personality_id: str,
        skill_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SkillResult:
        """One skill of a personality.

        ``personalities.skillsGet`` · stable · API keys need scope ``personalities:read``.
        """
        return cast(
            "SkillResult",
            self._call(
                "personalities.skillsGet",
                {"personalityId": personality_id, "skillId": skill_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def skills_create(
        self,
        personality_id: str,
        skill_id: str,
        body: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SkillResult:
        """Add a skill to a personality.

        Args:
            personality_id: the personality that gets the skill.
            skill_id: the new skill's id: letters, digits, ``_`` and ``-``.
            body: the skill's Markdown text.

        An id already taken raises :class:`~ethos_sdk.ConflictError`
        (``SKILL_EXISTS``).

        ``personalities.skillsCreate`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "SkillResult",
            self._call(
                "personalities.skillsCreate",
                {"personalityId": personality_id, "skillId": skill_id, "body": body},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def skills_update(
        self,
        personality_id: str,
        skill_id: str,
        body: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SkillResult:
        """Replace the Markdown text of one of a personality's skills.

        ``personalities.skillsUpdate`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "SkillResult",
            self._call(
                "personalities.skillsUpdate",
                {"personalityId": personality_id, "skillId": skill_id, "body": body},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def skills_delete(
        self,
        personality_id: str,
        skill_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Remove a skill from a personality.

        ``personalities.skillsDelete`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "personalities.skillsDelete",
                {"personalityId": personality_id, "skillId": skill_id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def skills_import_global(
        self,
        personality_id: str,
        skill_ids: Sequence[str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ImportedSkills:
        """Copy global skills into a personality and return the copies.

        Args:
            personality_id: the personality that gets the skills.
            skill_ids: ids of the global skills to import.

        ``personalities.skillsImportGlobal`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "ImportedSkills",
            self._call(
                "personalities.skillsImportGlobal",
                {"personalityId": personality_id, "skillIds": skill_ids},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    # --- skill candidates ----------------------------------------------------

    def skill_candidates_list(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SkillCandidateList:
        """The skill candidates of a personality that wait for approval, by file name.

        ``personalities.skillCandidatesList`` · stable · API keys need scope ``personalities:read``.
        """
        return cast(
            "SkillCandidateList",
            self._call(
                "personalities.skillCandidatesList",
                {"personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def skill_candidate_approve(
        self,
        personality_id: str,
        file_name: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> CandidateApproval:
        """Approve a skill candidate; the result says where it was promoted to.

        Args:
            personality_id: the personality the candidate belongs to.
            file_name: the candidate's ``fileName`` from :meth:`skill_candidates_list`
                (``<name>.md``).

        ``personalities.skillCandidateApprove`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "CandidateApproval",
            self._call(
                "personalities.skillCandidateApprove",
                {"personalityId": personality_id, "fileName": file_name},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def skill_candidate_reject(
        self,
        personality_id: str,
        file_name: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Reject a skill candidate.

        Args:
            personality_id: the personality the candidate belongs to.
            file_name: the candidate's ``fileName`` from :meth:`skill_candidates_list`
                (``<name>.md``).

        ``personalities.skillCandidateReject`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "personalities.skillCandidateReject",
                {"personalityId": personality_id, "fileName": file_name},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    # --- MCP tokens ----------------------------------------------------------

    def mcp_set_token(
        self,
        personality_id: str,
        server: str,
        token: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Store the token a personality uses for one MCP server.

        Args:
            personality_id: the personality that uses the server.
            server: the MCP server's name.
            token: the secret the MCP server expects from this personality.

        ``personalities.mcpSetToken`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "personalities.mcpSetToken",
                {"personalityId": personality_id, "server": server, "token": token},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def mcp_delete_token(
        self,
        personality_id: str,
        server: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Remove the token a personality uses for one MCP server.

        ``personalities.mcpDeleteToken`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "personalities.mcpDeleteToken",
                {"personalityId": personality_id, "server": server},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    # --- living soul ---------------------------------------------------------

    def living_soul(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> LivingSoul:
        """A personality's soul as its core and its expression, with the log of expression changes.

        When they exist, the result also carries the nightly judge's latest
        verdict (``judge``) and the last nightly run (``nightly``).

        ``personalities.livingSoul`` · stable · API keys need scope ``personalities:read``.
        """
        return cast(
            "LivingSoul",
            self._call(
                "personalities.livingSoul",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def propose_expression(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ExpressionProposal:
        """Ask for a new expression for a personality, with the rationale and evidence.

        To adopt it, pass its ``newExpression`` to :meth:`apply_expression`.

        ``personalities.proposeExpression`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "ExpressionProposal",
            self._call(
                "personalities.proposeExpression",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def apply_expression(
        self,
        id: str,
        new_expression: str,
        summary: str,
        evidence_ref: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ExpressionRevision:
        """Replace a personality's expression and record the change in its learning log.

        Args:
            id: the personality.
            new_expression: the expression text to use from now on.
            summary: what changed, for the learning log.
            evidence_ref: a reference to the evidence behind the change.

        ``personalities.applyExpression`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "ExpressionRevision",
            self._call(
                "personalities.applyExpression",
                {
                    "id": id,
                    "newExpression": new_expression,
                    "summary": summary,
                    "evidenceRef": evidence_ref,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def revert_expression(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ExpressionRevert:
        """Put a personality's expression back to an earlier revision; ``revertedTo`` names it.

        ``personalities.revertExpression`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "ExpressionRevert",
            self._call(
                "personalities.revertExpression",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def propose_soul_split(
        self,
        soul_md: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SoulSplit:
        """Propose how to divide a ``SOUL.md`` text into a fixed core and an evolving expression.

        Args:
            soul_md: the ``SOUL.md`` text to divide.

        ``personalities.proposeSoulSplit`` · stable · cookie authentication only (API keys get 403).
        """
        return cast(
            "SoulSplit",
            self._call(
                "personalities.proposeSoulSplit",
                {"soulMd": soul_md},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    # --- avatar (a route of its own, not a procedure) ---------------------------

    def set_avatar(
        self,
        personality_id: str,
        image: AvatarImage,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AvatarUploaded:
        """Upload a personality's avatar image.

        Example::

            client.personalities.set_avatar("researcher", "owl.png")

        Args:
            personality_id: whose avatar.
            image: the image's bytes, the path of an image file, or a binary
                file (``open(..., "rb")``). Its type comes from its first bytes
                (else the file name): PNG, JPEG, WebP or GIF, at most 5 MiB.
                Anything else is refused with
                :class:`~ethos_sdk.ConfigurationError` before a byte is sent.

        Afterwards ``personalities.get`` shows the image's URL as
        ``display.avatar_url``.

        ``POST /api/personalities/<id>/avatar`` · cookie authentication only
        (API keys get 401).
        """
        return _surfaces.set_avatar(
            self._client, personality_id, image, timeout=timeout, extra_headers=extra_headers
        )

    def avatar(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> bytes:
        """A personality's avatar image, as bytes.

        Raises :class:`~ethos_sdk.NotFoundError` when it has none (or the
        personality does not exist: the server does not tell them apart).

        ``GET /api/personalities/<id>/avatar`` · cookie authentication only
        (API keys get 401).
        """
        return _surfaces.get_avatar(self._client, personality_id, timeout=timeout, extra_headers=extra_headers)

    def delete_avatar(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Remove a personality's avatar; ``{"ok": True}`` also when it had none.

        Raises :class:`~ethos_sdk.NotFoundError` for an unknown personality.

        ``DELETE /api/personalities/<id>/avatar`` · cookie authentication only
        (API keys get 401).
        """
        return _surfaces.delete_avatar(self._client, personality_id, timeout=timeout, extra_headers=extra_headers)
