"""Types of the ``clarify`` namespace: questions the agent asks while it works."""

from typing import List

from typing_extensions import Literal, NotRequired, TypeAlias, TypedDict

from .sessions import Ok

__all__ = ["AnswerSource", "PendingQuestion", "Ok"]

AnswerSource: TypeAlias = Literal["user", "cancel"]
"""``"user"`` for a real answer, ``"cancel"`` to withdraw the question."""


class PendingQuestion(TypedDict):
    """A question waiting for an answer (``clarify.respond``)."""

    requestId: str
    jobId: str
    question: str
    options: NotRequired[List[str]]
    """Answers to choose from, when the agent offered some."""
    default: NotRequired[str]
    """The answer taken if nobody answers by ``defaultDeadlineAt``."""
    defaultDeadlineAt: str
