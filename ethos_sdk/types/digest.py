"""Types of the ``digest`` namespace: the periodic activity digest."""

from __future__ import annotations

from typing_extensions import TypedDict

__all__ = ["Digest"]


class Digest(TypedDict):
    """A summary of recent activity, written in Markdown."""

    label: str
    markdown: str
    generatedAt: str
