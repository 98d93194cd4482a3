"""``client.context``: resolve @-references the way the chat box does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..types.context import ResolvedReferences

__all__ = ["Context"]


class Context(Namespace):
    """The ``context`` procedures (no stability tier is marked)."""

    def resolve(
        self,
        refs: Sequence[str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ResolvedReferences:
        """The content behind each @-reference, with its language.

        Args:
            refs: the references, as typed after ``@`` in the chat box.

        ``context.resolve`` · unmarked · cookie authentication only (API keys get 403).
        """
        return cast(
            "ResolvedReferences",
            self._call(
                "context.resolve",
                {"refs": refs},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )
