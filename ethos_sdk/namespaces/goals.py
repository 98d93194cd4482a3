"""``client.goals``: give the agent a goal to pursue over several attempts, then follow, steer or stop it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, FrozenSet, Mapping, Optional, cast

from .._types import NOT_GIVEN, NotGiven, Timeout
from ._base import Namespace

if TYPE_CHECKING:
    from ..surface_streams import GoalEventStream
    from ..types.goals import (
        AcceptanceCriteria,
        GoalDetail,
        GoalList,
        GoalResult,
        GoalStatus,
        OkResult,
        ToolResult,
    )

__all__ = ["Goals"]


class Goals(Namespace):
    """The ``goals`` procedures (experimental)."""

    FINAL_STATUSES: FrozenSet[str] = frozenset({"completed", "exhausted", "failed", "cancelled", "interrupted"})
    """The statuses the server treats as the end of a goal (its event stream then sends ``done``)."""

    WAIT_STATUSES: FrozenSet[str] = FINAL_STATUSES | {"needs_clarification"}
    """Where :meth:`wait` returns: the final statuses, and ``needs_clarification`` (the goal stopped for you)."""

    def get(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> GoalDetail:
        """A goal with its event history and every attempt made so far.

        ``goals.get`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "GoalDetail",
            self._call(
                "goals.get",
                {"id": id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def list(
        self,
        *,
        status: GoalStatus | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> GoalList:
        """The goals, optionally only those in one state.

        Args:
            status: only goals in this state, e.g. ``"running"``.
            limit: how many goals at most, 1 to 100.

        ``goals.list`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "GoalList",
            self._call(
                "goals.list",
                {"status": status, "limit": limit},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def steer(
        self,
        id: str,
        message: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Send a message to a goal in progress to change its course.

        Args:
            id: the goal.
            message: what the agent should take into account.

        ``goals.steer`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "goals.steer",
                {"id": id, "message": message},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def cancel(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Stop working on a goal.

        ``goals.cancel`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "goals.cancel",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def resume(
        self,
        id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> OkResult:
        """Take up a goal that stopped before it was done.

        ``goals.resume`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "OkResult",
            self._call(
                "goals.resume",
                {"id": id},
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def create(
        self,
        personality_id: str,
        goal_text: str,
        *,
        title: str | NotGiven = NOT_GIVEN,
        acceptance_criteria: AcceptanceCriteria | NotGiven = NOT_GIVEN,
        max_attempts: int | NotGiven = NOT_GIVEN,
        max_cost_usd: float | NotGiven = NOT_GIVEN,
        max_tool_calls_per_turn: int | NotGiven = NOT_GIVEN,
        max_identical_tool_calls: int | NotGiven = NOT_GIVEN,
        allow_dangerous_tool_calls: bool | NotGiven = NOT_GIVEN,
        max_recovery_attempts: int | NotGiven = NOT_GIVEN,
        deadline: str | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> GoalResult:
        """Give a personality a goal to work on, within the limits you set.

        Example::

            goal = client.goals.create(
                "researcher",
                "Summarise this week's open issues",
                acceptance_criteria={"checks": [{"description": "links every issue"}]},
                max_attempts=3,
            )["goal"]

        Args:
            personality_id: the personality that works on the goal.
            goal_text: what you want done, in your own words.
            title: a short name for the goal.
            acceptance_criteria: how attempts are judged: ``checks``, a
                weighted ``rubric`` and a passing ``threshold``.
            max_attempts: how many attempts at most (1 or more).
            max_cost_usd: a spending limit, in US dollars.
            max_tool_calls_per_turn: at most this many tool calls in one turn.
            max_identical_tool_calls: at most this many identical tool calls.
            allow_dangerous_tool_calls: let the goal make tool calls marked dangerous.
            max_recovery_attempts: how many times to recover from errors (0 or more).
            deadline: when the goal must be done, as a string.

        ``goals.create`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "GoalResult",
            self._call(
                "goals.create",
                {
                    "personalityId": personality_id,
                    "goalText": goal_text,
                    "title": title,
                    "acceptanceCriteria": acceptance_criteria,
                    "maxAttempts": max_attempts,
                    "maxCostUsd": max_cost_usd,
                    "maxToolCallsPerTurn": max_tool_calls_per_turn,
                    "maxIdenticalToolCalls": max_identical_tool_calls,
                    "allowDangerousToolCalls": allow_dangerous_tool_calls,
                    "maxRecoveryAttempts": max_recovery_attempts,
                    "deadline": deadline,
                },
                idempotent=False,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def tool_result(
        self,
        goal_id: str,
        tool_call_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ToolResult:
        """Look up one tool call of a goal: the tool's name, its input and its output.

        Args:
            goal_id: the goal.
            tool_call_id: the tool call, as the goal's events name it.

        ``goals.toolResult`` · experimental · cookie authentication only (API keys get 403).
        """
        return cast(
            "ToolResult",
            self._call(
                "goals.toolResult",
                {"goalId": goal_id, "toolCallId": tool_call_id},
                idempotent=True,
                timeout=timeout,
                extra_headers=extra_headers,
            ),
        )

    def events(self, goal_id: str, **kwargs: Any) -> GoalEventStream:
        """Follow a goal: its stored events, then the new ones, until it ends.

        Returns a :class:`~ethos_sdk.GoalEventStream`; keyword arguments are
        its own (``since=``, ``idle_timeout=``...). Each event is delivered
        exactly once, also across dropped connections; the iteration ends by
        itself when the goal reaches a final state, with ``stream.status``
        saying which::

            goal = client.goals.create("researcher", "Summarise the open issues")["goal"]
            with client.goals.events(goal["id"]) as stream:
                for event in stream:
                    print(event["seq"], event["eventType"])
            print("goal", stream.status)

        An unknown goal raises :class:`~ethos_sdk.NotFoundError` when iterated.

        ``GET /sse/goals/<id>`` · cookie authentication only (API keys get 403).
        """
        from ..surface_streams import GoalEventStream

        return GoalEventStream(self._client, goal_id, **kwargs)

    def wait(
        self,
        goal_id: str,
        *,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[GoalDetail], None]] = None,
    ) -> GoalDetail:
        """Wait until a goal has ended; return it as :meth:`get` does, with its events and attempts.

        Returns once the goal's status is final -- ``"completed"``,
        ``"exhausted"`` (out of attempts), ``"failed"``, ``"cancelled"`` or
        ``"interrupted"`` (stopped by a server restart; :meth:`resume` takes it
        up again) -- or ``"needs_clarification"``: the goal stopped and waits
        for you (:meth:`steer` or :meth:`resume` it, then wait again). Read the
        outcome from ``detail["goal"]["status"]`` and ``["outputMd"]``::

            goal = client.goals.create("researcher", "Summarise the open issues")["goal"]
            detail = client.goals.wait(goal["id"], timeout=600,
                                       on_progress=lambda d: print(d["goal"]["status"]))
            print(detail["goal"]["outputMd"])

        While the goal runs, its event stream (:meth:`events`) says when
        something happened, so each change is read soon (two reads are 0.5 s
        apart at least, however busy the stream); the goal is also read every
        few seconds in case the stream is slow or lost.

        Args:
            goal_id: the goal (``g_...``).
            timeout: seconds to wait in all, reads included: each read gets
                what is left, and a read that fails in a way that may pass
                (429, 5xx, a dropped connection) is tried again until then.
                ``None`` (default): as long as it takes.
            on_progress: called with the goal (a ``GoalDetail``) each time it
                changed since the last read -- its status, a new event or
                attempt -- and once with the first read. Changes between two
                reads are seen together.

        Raises:
            WaitTimeoutError: ``timeout`` passed first (the message names the
                last read's failure, if it failed); ``last_status`` says
                where the goal was (it goes on on the server).
            NotFoundError: there is no such goal.
            PermissionDeniedError: with an API key (goals are cookie only).

        ``goals.get`` and ``GET /sse/goals/<id>`` · experimental · cookie authentication only (API keys get 403).
        """
        from .._waiting import StreamWakeUp, wait_until_final
        from .._wire_checks import INTEGER, LIST, answer_field

        def follow(detail: GoalDetail) -> StreamWakeUp:
            events = answer_field(detail, ("events",), LIST, "goals.get")
            seqs = [answer_field(event, ("seq",), INTEGER, "goals.get", root="an event") for event in events]
            since = max(seqs) if seqs else None
            return StreamWakeUp(lambda: self.events(goal_id, since=since), f"goal {goal_id}")

        return wait_until_final(
            self._client,
            lambda client: client.goals.get(goal_id),
            ("goal", "status"),
            self.WAIT_STATUSES,
            procedure="goals.get",
            what=f"goal {goal_id}",
            timeout=timeout,
            on_progress=on_progress,
            wake=follow,
        )
