"""Types of the ``context`` namespace: @-references resolved to their content."""

from typing import List

from typing_extensions import TypedDict

__all__ = ["ResolvedReference", "ResolvedReferences"]


class ResolvedReference(TypedDict):
    """One @-reference and the content it stands for."""

    ref: str
    content: str
    lang: str
    """The content's language, for syntax highlighting."""


class ResolvedReferences(TypedDict):
    """The references that could be resolved."""

    resolved: List[ResolvedReference]
