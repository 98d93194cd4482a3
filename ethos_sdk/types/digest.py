"""Types of the ``digest`` namespace: the periodic activity digest."""

from typing_extensions import TypedDict

__all__ = ["Digest"]


class Digest(TypedDict):
    """A summary of recent activity, written in Markdown."""

    label: str
    markdown: str
    generatedAt: str
