"""``client.platforms``: chat platforms (Telegram, Slack, WhatsApp...), their bots and filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Mapping, Sequence, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.platforms import (
        BotBinding,
        ChannelFilter,
        ChannelFilterResult,
        OkResult,
        PlatformCheck,
        PlatformId,
        PlatformList,
        PlatformResult,
        SlackBotList,
        SlackBotResult,
        TelegramBotList,
        TelegramBotResult,
        WhatsAppBotList,
        WhatsAppBotResult,
    )

__all__ = ["Platforms"]


class Platforms(Namespace):
    """The ``platforms`` procedures (experimental; cookie authentication only).

    Secrets go in and never come back out: results only say whether each
    setting or token is set.
    """

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PlatformList:
        """Every chat platform, whether it is configured and which of its settings are set.

        ``platforms.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PlatformList",
            self._call(
                "platforms.list",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set(
        self,
        id: PlatformId,
        fields: Mapping[str, str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PlatformResult:
        """Save the settings of a chat platform, such as its token.

        Args:
            id: the platform: ``"telegram"``, ``"discord"``, ``"slack"``,
                ``"email"`` or ``"whatsapp"``.
            fields: setting name to value.

        ``platforms.set`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PlatformResult",
            self._call(
                "platforms.set",
                {"id": id, "fields": fields},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def clear(
        self,
        id: PlatformId,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PlatformResult:
        """Remove the saved settings of a chat platform.

        ``platforms.clear`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PlatformResult",
            self._call(
                "platforms.clear",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def validate(
        self,
        id: PlatformId,
        fields: Mapping[str, str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PlatformCheck:
        """Check a platform's settings with the platform before saving them; nothing is saved.

        ``result["status"]`` is ``"ok"``, ``"rejected"``, ``"unreachable"`` or
        ``"unsupported"`` (the platform cannot be checked).

        Args:
            id: the platform.
            fields: setting name to value, as for :meth:`set`.

        ``platforms.validate`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "PlatformCheck",
            self._call(
                "platforms.validate",
                {"id": id, "fields": fields},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def bots_list_telegram(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> TelegramBotList:
        """Every Telegram bot and who it answers for.

        ``platforms.botsListTelegram`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "TelegramBotList",
            self._call(
                "platforms.botsListTelegram",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def bots_add_telegram(
        self,
        token: str,
        bind: BotBinding,
        *,
        username: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> TelegramBotResult:
        """Add a Telegram bot answering for a personality or a team::

            client.platforms.bots_add_telegram(token, {"type": "personality", "name": "ada"})

        Args:
            token: the bot's token.
            bind: who answers its messages.
            username: the bot's username.

        ``platforms.botsAddTelegram`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "TelegramBotResult",
            self._call(
                "platforms.botsAddTelegram",
                {"token": token, "bind": bind, "username": username},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def bots_remove_telegram(
        self,
        bot_key: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Remove a Telegram bot, by the ``botKey`` its listing gives.

        ``platforms.botsRemoveTelegram`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "platforms.botsRemoveTelegram",
                {"botKey": bot_key},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def bots_list_slack(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SlackBotList:
        """Every Slack bot and who it answers for.

        ``platforms.botsListSlack`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SlackBotList",
            self._call(
                "platforms.botsListSlack",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def bots_add_slack(
        self,
        bot_token: str,
        app_token: str,
        signing_secret: str,
        bind: BotBinding,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SlackBotResult:
        """Add a Slack bot answering for a personality or a team.

        Args:
            bot_token: the Slack app's bot token.
            app_token: the Slack app's app-level token.
            signing_secret: the Slack app's signing secret.
            bind: who answers its messages.

        ``platforms.botsAddSlack`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "SlackBotResult",
            self._call(
                "platforms.botsAddSlack",
                {
                    "botToken": bot_token,
                    "appToken": app_token,
                    "signingSecret": signing_secret,
                    "bind": bind,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def bots_remove_slack(
        self,
        bot_key: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Remove a Slack bot, by the ``botKey`` its listing gives.

        ``platforms.botsRemoveSlack`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "platforms.botsRemoveSlack",
                {"botKey": bot_key},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def bots_list_whats_app(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WhatsAppBotList:
        """Every WhatsApp bot, the numbers it answers and whether it is paired.

        ``platforms.botsListWhatsApp`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "WhatsAppBotList",
            self._call(
                "platforms.botsListWhatsApp",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def bots_add_whats_app(
        self,
        bind: BotBinding,
        *,
        id: str | NotGiven = NOT_GIVEN,
        default_mode: Literal["all", "mention_only"] | NotGiven = NOT_GIVEN,
        allowed_numbers: Sequence[str] | NotGiven = NOT_GIVEN,
        phone_number: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WhatsAppBotResult:
        """Add a WhatsApp bot answering for a personality or a team.

        Args:
            bind: who answers its messages.
            id: the bot's id.
            default_mode: ``"all"`` messages, or ``"mention_only"``.
            allowed_numbers: the phone numbers it answers.
            phone_number: the bot's own phone number.

        ``platforms.botsAddWhatsApp`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "WhatsAppBotResult",
            self._call(
                "platforms.botsAddWhatsApp",
                {
                    "id": id,
                    "defaultMode": default_mode,
                    "allowedNumbers": allowed_numbers,
                    "phoneNumber": phone_number,
                    "bind": bind,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def bots_remove_whats_app(
        self,
        bot_key: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Remove a WhatsApp bot, by the ``botKey`` its listing gives.

        ``platforms.botsRemoveWhatsApp`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "platforms.botsRemoveWhatsApp",
                {"botKey": bot_key},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def get_channel_filter(
        self,
        platform: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ChannelFilterResult:
        """The channel filter of a platform: whether it is on, the owner and the allow-list.

        ``platforms.getChannelFilter`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ChannelFilterResult",
            self._call(
                "platforms.getChannelFilter",
                {"platform": platform},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def set_channel_filter(
        self,
        platform: str,
        filter: ChannelFilter,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ChannelFilterResult:
        """Replace the channel filter of a platform::

            client.platforms.set_channel_filter(
                "telegram", {"enabled": True, "ownerUserId": "42", "allowlist": ["7"]}
            )

        ``platforms.setChannelFilter`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ChannelFilterResult",
            self._call(
                "platforms.setChannelFilter",
                {"platform": platform, "filter": filter},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
