"""Types of the ``deliveries`` namespace: the outbound message delivery queue."""

from typing import List, Optional

from typing_extensions import Literal, TypeAlias, TypedDict

__all__ = ["DeliveryStatus", "DeliveryCounts", "DeliveryStats", "Delivery", "DeliverySummary"]

DeliveryStatus: TypeAlias = Literal["pending", "redelivering", "delivered", "abandoned"]


class DeliveryCounts(TypedDict):
    """How many deliveries are in each state."""

    pending: float
    redelivering: float
    delivered: float
    abandoned: float


class DeliveryStats(DeliveryCounts):
    """Counts of all deliveries, with the voice messages among them counted again apart."""

    voice: DeliveryCounts


class Delivery(TypedDict):
    """One outbound message to a chat platform."""

    id: str
    platform: str
    chatId: str
    threadId: Optional[str]
    status: DeliveryStatus
    kind: Literal["text", "voice"]
    content: str
    mediaFormat: Optional[str]
    createdAt: float
    """Milliseconds since the epoch."""


class DeliverySummary(TypedDict):
    """The queue at a glance: counts by state and the latest deliveries."""

    stats: DeliveryStats
    recent: List[Delivery]
