"""Types of the ``mesh`` namespace: the agents of the mesh and routing by capability."""

from typing import List, Optional

from typing_extensions import TypedDict

__all__ = ["MeshAgent", "MeshAgentList", "RouteTestResult"]


class MeshAgent(TypedDict):
    """An agent of the mesh and what it can do."""

    agentId: str
    capabilities: List[str]
    activeSessions: int
    lastSeenAt: str


class MeshAgentList(TypedDict):
    """Every agent the mesh knows."""

    agents: List[MeshAgent]


class RouteTestResult(TypedDict):
    """Where the mesh would send work needing a capability, and why."""

    ok: bool
    routedTo: Optional[str]
    """The chosen agent's id, or ``None`` when no agent fits."""
    reason: Optional[str]
