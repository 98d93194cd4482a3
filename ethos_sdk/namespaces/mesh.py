"""``client.mesh``: the agents of the mesh and how work is routed between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.mesh import MeshAgentList, RouteTestResult

__all__ = ["Mesh"]


class Mesh(Namespace):
    """The ``mesh`` procedures (experimental)."""

    def list(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> MeshAgentList:
        """The agents of the mesh, their capabilities and how busy they are.

        ``mesh.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "MeshAgentList",
            self._call(
                "mesh.list",
                None,
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def route_test(
        self,
        capability: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> RouteTestResult:
        """Which agent the mesh would route work needing ``capability`` to, and why.

        ``mesh.routeTest`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "RouteTestResult",
            self._call(
                "mesh.routeTest",
                {"capability": capability},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
