"""Types of the routes beside the RPC procedures: ``/healthz`` and the server-wide ``/sse/system`` stream.

Every system event is a plain ``dict`` with a ``"type"`` key; comparing that
key narrows :data:`SystemEvent` for a type checker::

    for event in client.system_events():
        if event["type"] == "cron.failed":
            print(event["jobName"], "failed:", event["error"])   # a CronFailedEvent here

A type this SDK does not know yet (a newer server) is still delivered, as the
plain dict the server sent; test ``event["type"] in KNOWN_SYSTEM_EVENT_TYPES``
to tell it apart.
"""

# No ``from __future__ import annotations`` here: with string annotations
# ``TypedDict`` cannot see ``NotRequired`` and would list every key in
# ``__required_keys__``. Types are therefore defined before they are used.

from typing import List, Optional, Union

from typing_extensions import Literal, NotRequired, TypedDict

__all__ = [
    "AdapterHealth",
    "GatewayHealth",
    "Health",
    "CronCompletedEvent",
    "CronFailedEvent",
    "PlatformConnectedEvent",
    "PlatformDisconnectedEvent",
    "BotMessageEvent",
    "SessionTitledEvent",
    "HealthEvent",
    "SystemEvent",
    "KNOWN_SYSTEM_EVENT_TYPES",
    "GoalStreamEnd",
    "AvatarUploaded",
]


# -- /healthz --------------------------------------------------------------------


class AdapterHealth(TypedDict):
    """One messaging adapter of the gateway (Telegram, Slack, ...) and whether it works."""

    name: str
    ok: bool


class GatewayHealth(TypedDict):
    """The gateway process that runs the messaging adapters and the cron jobs."""

    status: Literal["ok", "stale", "down"]
    """``"stale"``: its last heartbeat is over 30 s old; ``"down"``: there is none."""
    adapters: List[AdapterHealth]
    lastHeartbeatAgeSec: Optional[float]
    """Seconds since the gateway's last heartbeat."""


class Health(TypedDict):
    """The answer of ``GET /healthz`` (:meth:`EthosClient.health <ethos_sdk.EthosClient.health>`).

    ``status`` is ``"degraded"`` (HTTP 503) when the gateway's heartbeat is
    missing or stale, or an adapter is down; the SDK returns that answer
    rather than raising.
    """

    status: Literal["ok", "degraded"]
    uptime: float
    """Seconds since the server started."""
    gateway: GatewayHealth


# -- /sse/system -------------------------------------------------------------------


class CronCompletedEvent(TypedDict):
    """A cron job ran to its end (``ok`` says whether it did its work)."""

    type: Literal["cron.completed"]
    jobId: str
    jobName: str
    ok: bool
    durationMs: float


class CronFailedEvent(TypedDict):
    """A cron job failed."""

    type: Literal["cron.failed"]
    jobId: str
    jobName: str
    error: str


class PlatformConnectedEvent(TypedDict):
    """A messaging platform (Telegram, Slack, ...) connected."""

    type: Literal["platform.connected"]
    platformId: str
    botUsername: NotRequired[str]


class PlatformDisconnectedEvent(TypedDict):
    """A messaging platform disconnected."""

    type: Literal["platform.disconnected"]
    platformId: str
    reason: NotRequired[str]


class BotMessageEvent(TypedDict):
    """A message arrived on a messaging platform; ``preview`` is its start."""

    type: Literal["bot.message"]
    platformId: str
    preview: str
    sessionId: str


class SessionTitledEvent(TypedDict):
    """A session got its automatic title, after its first turn."""

    type: Literal["session.titled"]
    sessionId: str
    title: str


class HealthEvent(TypedDict):
    """The server's health changed."""

    type: Literal["health"]
    status: Literal["ok", "degraded"]
    detail: NotRequired[str]


SystemEvent = Union[
    CronCompletedEvent,
    CronFailedEvent,
    PlatformConnectedEvent,
    PlatformDisconnectedEvent,
    BotMessageEvent,
    SessionTitledEvent,
    HealthEvent,
]
"""Any event of the server-wide stream, tagged by ``"type"`` (pings are not delivered)."""

KNOWN_SYSTEM_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "cron.completed",
        "cron.failed",
        "platform.connected",
        "platform.disconnected",
        "bot.message",
        "session.titled",
        "health",
    }
)
"""The ``"type"`` of every system event this version of the SDK has a ``TypedDict`` for."""


# -- /sse/goals/<id> -----------------------------------------------------------------


class GoalStreamEnd(TypedDict):
    """The frame that ends a goal's stream: the goal reached a final state.

    :class:`~ethos_sdk.GoalEventStream` keeps it as ``stream.end`` (and its
    ``status`` as ``stream.status``) instead of yielding it.
    """

    type: Literal["done"]
    goalId: str
    status: str


# -- avatars -------------------------------------------------------------------------


class AvatarUploaded(TypedDict):
    """The answer to an avatar upload: where the image is served from now."""

    avatarUrl: str
    """The path of the image on the server (``/api/personalities/<id>/avatar``)."""
