"""``client.tool_settings``: tool settings, as global defaults and per personality."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.tool_settings import (
        DefaultSettings,
        PersonalitySaveResult,
        PersonalitySettings,
        SaveResult,
        ToolSchemaList,
    )

__all__ = ["ToolSettings"]


class ToolSettings(Namespace):
    """The ``toolSettings`` procedures (experimental).

    Settings are given by tool name, then by field key::

        client.tool_settings.set_default({"web_search": {"provider": "exa"}})
    """

    def schemas(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ToolSchemaList:
        """The tools that have settings, and the fields each one takes.

        ``toolSettings.schemas`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ToolSchemaList",
            self._call(
                "toolSettings.schemas",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get_default(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> DefaultSettings:
        """The global tool settings.

        ``toolSettings.getDefault`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "DefaultSettings",
            self._call(
                "toolSettings.getDefault",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set_default(
        self,
        values: Mapping[str, Mapping[str, str]],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SaveResult:
        """Save the global tool settings.

        Args:
            values: settings by tool name, then by field key (see :meth:`schemas`).

        ``toolSettings.setDefault`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SaveResult",
            self._call(
                "toolSettings.setDefault",
                {"values": values},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get_for_personality(
        self,
        personality_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PersonalitySettings:
        """The tool settings a personality uses; ``storage`` says whether they are its own or the global ones.

        ``toolSettings.getForPersonality`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PersonalitySettings",
            self._call(
                "toolSettings.getForPersonality",
                {"personalityId": personality_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set_for_personality(
        self,
        personality_id: str,
        values: Mapping[str, Mapping[str, str]],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PersonalitySaveResult:
        """Save the tool settings of one personality; ``storage`` in the result says where they went.

        Args:
            personality_id: the personality.
            values: settings by tool name, then by field key (see :meth:`schemas`).

        ``toolSettings.setForPersonality`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PersonalitySaveResult",
            self._call(
                "toolSettings.setForPersonality",
                {"personalityId": personality_id, "values": values},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
