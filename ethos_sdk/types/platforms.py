"""Types of the ``platforms`` namespace: chat platforms, their bots and channel filters."""

# Annotations are evaluated eagerly on purpose (no ``from __future__ import
# annotations``): a TypedDict sees ``NotRequired`` only then, so that
# ``__required_keys__`` and ``__optional_keys__`` are right at run time.

from typing import Dict, List, Optional

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "PlatformId",
    "Platform",
    "PlatformList",
    "PlatformResult",
    "PlatformCheck",
    "BotBinding",
    "TelegramBot",
    "TelegramBotList",
    "TelegramBotResult",
    "SlackBot",
    "SlackBotList",
    "SlackBotResult",
    "WhatsAppBot",
    "WhatsAppBotList",
    "WhatsAppBotResult",
    "OkResult",
    "ChannelFilter",
    "ChannelFilterResult",
]

PlatformId: TypeAlias = Literal["telegram", "discord", "slack", "email", "whatsapp"]
"""The chat platforms Ethos can be reached on."""


class Platform(TypedDict):
    """A chat platform and which of its settings are filled in (never their values)."""

    id: PlatformId
    configured: bool
    fields: Dict[str, bool]
    """Each setting's name, and whether it has a value."""


class PlatformList(TypedDict):
    """Every chat platform."""

    platforms: List[Platform]


class PlatformResult(TypedDict):
    """The platform after a change (``set``, ``clear``)."""

    platform: Platform


class PlatformCheck(TypedDict):
    """What the platform said about a set of credentials."""

    status: Literal["ok", "rejected", "unreachable", "unsupported"]
    label: Optional[str]
    error: Optional[str]
    """Why the check did not pass, when there is a reason to give."""


class BotBinding(TypedDict):
    """Who answers a bot's messages: a personality or a team, by name."""

    type: Literal["personality", "team"]
    name: str


class TelegramBot(TypedDict):
    """A Telegram bot (its token is never returned)."""

    botKey: str
    tokenConfigured: bool
    username: NotRequired[str]
    bind: BotBinding


class TelegramBotList(TypedDict):
    """Every Telegram bot."""

    bots: List[TelegramBot]


class TelegramBotResult(TypedDict):
    """The Telegram bot just added."""

    bot: TelegramBot


class SlackBot(TypedDict):
    """A Slack bot; only whether each secret is set is returned."""

    botKey: str
    botTokenConfigured: bool
    appTokenConfigured: bool
    signingSecretConfigured: bool
    bind: BotBinding


class SlackBotList(TypedDict):
    """Every Slack bot."""

    bots: List[SlackBot]


class SlackBotResult(TypedDict):
    """The Slack bot just added."""

    bot: SlackBot


class WhatsAppBot(TypedDict):
    """A WhatsApp bot: the numbers it answers and whether it is paired with a phone."""

    botKey: str
    defaultMode: Literal["all", "mention_only"]
    allowedNumbers: List[str]
    phoneNumber: NotRequired[str]
    paired: bool
    bind: NotRequired[BotBinding]


class WhatsAppBotList(TypedDict):
    """Every WhatsApp bot."""

    bots: List[WhatsAppBot]


class WhatsAppBotResult(TypedDict):
    """The WhatsApp bot just added."""

    bot: WhatsAppBot


class OkResult(TypedDict):
    """``{"ok": True}``: done."""

    ok: Literal[True]


class ChannelFilter(TypedDict):
    """Who the agent listens to on a platform: its owner and an allow-list of user ids."""

    enabled: bool
    ownerUserId: str
    allowlist: List[str]


class ChannelFilterResult(TypedDict):
    """A platform's channel filter."""

    filter: ChannelFilter
