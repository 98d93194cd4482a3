"""Types of the ``tools`` namespace: tool-call approvals and the tool catalogue."""

from typing import List

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

from .sessions import Ok

__all__ = ["ApprovalScope", "ToolInfo", "ToolGroup", "ToolCatalog", "Ok"]

ApprovalScope: TypeAlias = Literal["once", "exact-args", "any-args"]
"""How far an approval reaches: this call only, the same tool with the same
arguments, or the same tool with any arguments."""


class ToolInfo(TypedDict):
    name: str
    description: NotRequired[str]


class ToolGroup(TypedDict):
    """Tools listed together under one group name."""

    group: str
    tools: List[ToolInfo]


class ToolCatalog(TypedDict):
    """Every tool the server offers, grouped."""

    groups: List[ToolGroup]
