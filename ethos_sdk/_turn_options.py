"""What a turn is started with besides its message, in one object.

``client.chat.ask``, ``client.chat.stream`` and ``client.chat.follow`` each
list their options for the reader of their signature and docstring; each then
builds one :class:`TurnOptions`, and everything below them (``TurnStream``,
the waits of a turn, helpers that run many turns) takes that object, so an
option is named once on its way down rather than in every signature.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, Mapping, Optional, Sequence

from ._types import NOT_GIVEN, NotGiven, Timeout, check_timeout
from .errors import ConfigurationError
from .stream import DEFAULT_IDLE_TIMEOUT

if TYPE_CHECKING:
    from ._files import FileInput
    from ._hitl import ApprovalPolicy, QuestionPolicy
    from .types.events import StreamEvent

__all__ = ["TurnOptions", "EventCallback"]

EventCallback = Callable[["StreamEvent"], Any]
"""What ``on_event=`` takes: a function called with each event of the turn as it arrives."""

@dataclass(frozen=True)
class TurnOptions:
    """How to run one turn: where, with what, who answers its requests, how long to wait.

    The fields are the keyword arguments of ``client.chat.ask`` and
    ``client.chat.stream`` (``client.chat.follow`` uses those that apply to
    joining a turn); their meanings are documented there.
    """

    session_id: Optional[str] = None
    personality_id: str | NotGiven = NOT_GIVEN
    on_event: Optional[EventCallback] = None
    timeout: Timeout = None
    files: Optional[Sequence[FileInput]] = None
    on_approval: Optional[ApprovalPolicy] = None
    on_question: Optional[QuestionPolicy] = None
    detach: bool = False
    extra_headers: Optional[Mapping[str, str]] = None
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
    """Seconds of silence after which the stream reconnects (not a public parameter)."""

    @classmethod
    def names(cls) -> FrozenSet[str]:
        """The option names, as keyword arguments of ``chat.ask`` take them."""
        return frozenset(f.name for f in fields(cls)) - {"idle_timeout"}

    @classmethod
    def from_keywords(cls, where: str, keywords: Mapping[str, Any]) -> TurnOptions:
        """The options named in ``keywords``; an unknown name is a :class:`ConfigurationError` naming ``where``."""
        unknown = sorted(set(keywords) - cls.names())
        if unknown:
            raise ConfigurationError(
                f"{where} got unknown option{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                f"it takes {', '.join(sorted(cls.names()))}"
            )
        return cls(**keywords)

    def but(self, **changes: Any) -> TurnOptions:
        """These options with ``changes`` made (an unknown name raises ``TypeError``)."""
        return replace(self, **changes)

    def checked_timeout(self) -> Timeout:
        """``timeout`` as the turn uses it; a bad value is a :class:`ConfigurationError`, raised before anything is sent."""
        return check_timeout(self.timeout)

    def send_arguments(self) -> Dict[str, Any]:
        """The keyword arguments of ``chat.send`` these options call for (``files`` read and checked here)."""
        send: Dict[str, Any] = {}
        if not isinstance(self.personality_id, NotGiven):
            send["personality_id"] = self.personality_id
        if self.files is not None:
            from ._files import attachments_for  # dataclasses and mimetypes only for a turn with files

            send["attachments"] = attachments_for(self.files)
        return send
