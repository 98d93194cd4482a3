"""Typed, synchronous Python SDK for the Ethos AI-agent server.

    from ethos_sdk import EthosClient
    client = EthosClient("http://localhost:3000", api_key="sk-ethos-...")
    page = client.sessions.list(limit=10)
    reply = client.chat.ask("Summarise my last session")

Importing the package is cheap: namespaces, types and the event stream load
on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._auth import InsecureCredentialWarning
from ._client import DEFAULT_BASE_URL, EthosClient
from ._transport import DEFAULT_TIMEOUT
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConcurrentReadError,
    ConfigurationError,
    ConflictError,
    EthosError,
    InternalServerError,
    InvalidCallError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    StreamError,
    TurnError,
    TurnNotFoundError,
    TurnPaused,
    ApprovalRequired,
    QuestionAsked,
    UnexpectedResponseError,
    WaitTimeoutError,
)

if TYPE_CHECKING:
    from ._pagination import PageIterator
    from ._response import RawResponse, with_raw_response
    from ._turn import ToolCall, TurnResult, TurnStream, TurnUsage
    from ._hitl import ApprovalDecision, ApprovalRequest, Question, QuestionAnswer
    from .stream import EventStream
    from ._files import File
    from ._surfaces import Download
    from ._config import ClientConfig
    from ._many import TurnResults
    from ._inflight import interrupt_on_sigterm
    from .surface_streams import GoalEventStream, SystemEventStream

__all__ = [
    "EthosClient",
    "EventStream",
    "SystemEventStream",
    "GoalEventStream",
    "Download",
    "File",
    "TurnResult",
    "TurnResults",
    "TurnStream",
    "TurnUsage",
    "ToolCall",
    "ApprovalRequest",
    "Question",
    "ApprovalDecision",
    "QuestionAnswer",
    "ClientConfig",
    "interrupt_on_sigterm",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "NotGiven",
    "Timeout",
    "InsecureCredentialWarning",
    "EthosError",
    "ConfigurationError",
    "InvalidCallError",
    "ClientClosedError",
    "APIConnectionError",
    "APITimeoutError",
    "WaitTimeoutError",
    "UnexpectedResponseError",
    "ResponseTooLargeError",
    "StreamError",
    "ConcurrentReadError",
    "TurnNotFoundError",
    "TurnError",
    "TurnPaused",
    "ApprovalRequired",
    "QuestionAsked",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "InternalServerError",
    "RawResponse",
    "with_raw_response",
    "PageIterator",
    "__version__",
]


_TURN_NAMES = frozenset({"TurnResult", "TurnStream", "TurnUsage", "ToolCall"})
_HITL_NAMES = frozenset({"ApprovalRequest", "Question", "ApprovalDecision", "QuestionAnswer"})


def __getattr__(name: str) -> Any:
    # The event stream pulls in sseclient; load it only when someone asks for it.
    if name == "EventStream":
        from .stream import EventStream

        return EventStream
    if name in ("RawResponse", "with_raw_response"):
        from . import _response

        return getattr(_response, name)
    if name in _TURN_NAMES:
        from . import _turn

        return getattr(_turn, name)
    if name in _HITL_NAMES:
        from . import _hitl

        return getattr(_hitl, name)
    if name in ("SystemEventStream", "GoalEventStream"):
        from . import surface_streams

        return getattr(surface_streams, name)
    if name == "PageIterator":
        from ._pagination import PageIterator

        return PageIterator
    if name == "File":
        from ._files import File

        return File
    if name == "ClientConfig":
        from ._config import ClientConfig

        return ClientConfig
    if name == "TurnResults":
        from ._many import TurnResults

        return TurnResults
    if name == "interrupt_on_sigterm":
        from ._inflight import interrupt_on_sigterm

        return interrupt_on_sigterm
    if name == "Download":
        from ._surfaces import Download

        return Download
    raise AttributeError(f"module 'ethos_sdk' has no attribute {name!r}")
