"""``on_approval="prompt"`` and ``on_question="prompt"``: asking the person at the terminal or in the notebook.

A prompt is consent, so it is only asked where a person can answer it:

* stdin must be a terminal, or the code must run in a notebook kernel whose
  front end takes input. A pipe or a file is not a person (a line read from it
  would approve whatever it says), and a headless notebook (nbclient,
  papermill, ``nbconvert --execute``) has nobody to ask. There the prompt asks
  nothing and approves nothing: :class:`CannotPrompt` tells the turn, which
  pauses with a typed error saying why (see ``_hitl._TurnWaits``).
* One prompt at a time in the whole process (:data:`PROMPT_LOCK`, held from the
  first line printed to the answer), so that the turns of several threads never
  mix their lines; each input line repeats the tool and a short id of the
  request it answers.
* Everything shown goes through :mod:`ethos_sdk._display`: escaped, and never
  cut. Arguments longer than the terminal are paged, with what is left counted,
  and no approval is taken before the last page was shown.
"""

from __future__ import annotations

import shutil
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, List, Optional

from ._display import abbreviated, visible, visible_json, wrap

if TYPE_CHECKING:
    from ._hitl import ApprovalRequest, Question

__all__ = ["PROMPT_LOCK", "CannotPrompt", "person_at", "prompt_approval", "prompt_question"]

PROMPT_LOCK = threading.Lock()
"""Held for the whole of one prompt (what it prints and the answers it reads), process-wide."""

Asker = Callable[[str], str]

_APPROVE_ANSWERS = {"y": "once", "yes": "once", "once": "once", "exact": "exact-args",
                    "exact-args": "exact-args", "any": "any-args", "any-args": "any-args"}
_DENY_ANSWERS = ("n", "no", "deny")
_INDENT = "    "


class CannotPrompt(Exception):
    """Nobody can answer a prompt here; ``why`` says so in words for the pause's message."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def person_at() -> str:
    """Where a person answers: ``"terminal"`` or ``"notebook"``; :class:`CannotPrompt` when nowhere."""
    kernel_takes_input = _notebook_input()
    if kernel_takes_input is True:
        return "notebook"
    if kernel_takes_input is False:
        raise CannotPrompt(
            "this notebook kernel takes no input (the notebook runs headless, as under nbclient, papermill "
            "or nbconvert --execute, or its front end does not allow input)"
        )
    stdin = sys.stdin
    try:
        at_terminal = stdin is not None and stdin.isatty()
    except (AttributeError, ValueError, OSError):  # replaced, detached or closed
        at_terminal = False
    if not at_terminal:
        raise CannotPrompt(
            "stdin is not a terminal (it is a pipe, a file or nothing), and a line read from it would "
            "approve whatever it says"
        )
    return "terminal"


def _notebook_input() -> Optional[bool]:
    """``None`` outside an IPython kernel; else whether the kernel's front end takes input now."""
    ipython = sys.modules.get("IPython")  # never imported here: only if the program did
    get_ipython = getattr(ipython, "get_ipython", None)
    shell = get_ipython() if callable(get_ipython) else None
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return None  # plain Python, or IPython in a terminal: stdin decides
    return bool(getattr(kernel, "_allow_stdin", False))


def _read(ask: Asker, prompt: str) -> str:
    try:
        return ask(prompt)
    except NotImplementedError as exc:  # IPython's StdinNotImplementedError: the kernel takes no input
        raise CannotPrompt("this notebook kernel takes no input (its front end does not allow it)") from exc


def _page_size(where: str) -> tuple[int, int]:
    """Columns for a line of text, and lines per page (unbounded in a notebook, whose output scrolls)."""
    if where == "notebook":
        return 100, 1 << 30
    size = shutil.get_terminal_size()
    return max(size.columns - len(_INDENT) - 1, 20), max(size.lines - 6, 5)


def _short_id(text: str) -> str:
    return visible(text[:8])


class _Meanwhile:
    """Listens to a request while its prompt waits: says at once when someone else settled it."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.answering = False  # set just before the prompt sends its own answer

    def __call__(self, record: Any) -> None:
        if self.answering:
            return
        decision = getattr(record, "decision", None) or getattr(record, "source", "")
        print(
            f"\n[{self.what} was settled meanwhile ({visible(decision)}, by {record.decided_by}): "
            "what you type now is not sent]",
            flush=True,
        )


def prompt_approval(request: ApprovalRequest, ask: Optional[Asker] = None) -> None:
    """Show the request whole and ask the person at the terminal (or in the notebook) for a decision."""
    _one_prompt(request, f"approval {_short_id(request.approval_id)}", _ask_approval, ask)


def prompt_question(question: Question, ask: Optional[Asker] = None) -> None:
    """Show the agent's question whole (and its options, numbered) and send what the person types."""
    _one_prompt(question, f"question {_short_id(question.request_id)}", _ask_question, ask)


def _one_prompt(request: Any, what: str, prompt: Callable[..., None], ask: Optional[Asker]) -> None:
    """Run ``prompt(request, ask, where, note)`` alone in the process, unless ``request`` was settled meanwhile."""
    where = person_at()
    with PROMPT_LOCK:
        if request.answered:
            return  # settled (by the turn's timeout, another client) while another prompt had the lock
        note = _Meanwhile(what)
        request._listeners.append(note)
        try:
            prompt(request, ask or input, where, note)
        finally:
            request._listeners.remove(note)


def _ask_approval(request: ApprovalRequest, ask: Asker, where: str, note: _Meanwhile) -> None:
    from ._hitl import PERMANENT_SCOPES

    width, height = _page_size(where)
    tool = visible(request.tool_name)
    # The input lines name the tool again to say which request they answer; it was shown whole
    # above, so a hostile name of thousands of characters may be shortened there (and only there).
    tag = f"{abbreviated(request.tool_name, 40)} [{_short_id(request.approval_id)}]"
    shown = visible_json(request.args)
    arguments = wrap(shown if len(shown) <= width else visible_json(request.args, indent=2), width)
    total = sum(len(line) for line in arguments)
    print(f"The agent wants to run the tool {tool} (approval {_short_id(request.approval_id)}).")
    if request.reason:
        print(f"  Why the server asks: {visible(request.reason)}")
    print(f"  Its arguments, whole ({total:,} characters, {len(arguments):,} lines):")
    if not _show_pages(request, arguments, height, ask, tag, note):
        return
    print(f"  ({PERMANENT_SCOPES})")
    while True:
        try:
            reply = _read(ask, f"Allow {tag}? y = this once / n = no / exact / any: ").strip().lower()
        except EOFError:
            note.answering = True
            request.deny("no one answered the prompt (end of input)")
            return
        if request.answered:
            print(f"Not sent: approval {_short_id(request.approval_id)} was settled meanwhile.")
            return
        if reply in _DENY_ANSWERS:
            note.answering = True
            request.deny()
            return
        if reply in _APPROVE_ANSWERS:
            note.answering = True
            request.approve(_APPROVE_ANSWERS[reply])  # type: ignore[arg-type]
            return
        print("Please answer y, n, exact or any.")


def _show_pages(
    request: ApprovalRequest, lines: List[str], height: int, ask: Asker, tag: str, note: _Meanwhile
) -> bool:
    """Print ``lines`` a page at a time; False when the person denied (or left) before the end."""
    shown = 0
    while True:
        for line in lines[shown:shown + height]:
            print(_INDENT + line)
        shown = min(shown + height, len(lines))
        if shown >= len(lines):
            if len(lines) > height:
                print("  (the end of the arguments: all of them were shown)")
            return True
        left = sum(len(line) for line in lines[shown:])
        while True:
            try:
                reply = _read(
                    ask,
                    f"-- {tag}: {left:,} more characters ({len(lines) - shown:,} lines) of the arguments "
                    "not shown yet. Enter shows more, n denies: ",
                ).strip().lower()
            except EOFError:
                note.answering = True
                request.deny("no one answered the prompt (end of input)")
                return False
            if request.answered:
                print(f"Not sent: approval {_short_id(request.approval_id)} was settled meanwhile.")
                return False
            if reply in _DENY_ANSWERS:
                note.answering = True
                request.deny()
                return False
            if not reply:
                break
            print(
                f"Not yet: {left:,} characters of the arguments are not shown yet, and nothing is approved "
                "before all of them were. Press Enter to see more, or n to deny."
            )


def _ask_question(question: Question, ask: Asker, where: str, note: _Meanwhile) -> None:
    width, _ = _page_size(where)
    options = question.options or []
    print(f"The agent asks (question {_short_id(question.request_id)}):")
    for line in wrap(visible(question.question, lines=True), width):
        print(_INDENT + line)
    for number, option in enumerate(options, 1):
        for index, line in enumerate(wrap(visible(option), width - 4)):
            print(f"{_INDENT}{f'{number}.':<4}{line}" if index == 0 else f"{_INDENT}    {line}")
    if question.default is not None:
        when = f" at {question.deadline.isoformat()}" if question.deadline else " at its deadline"
        print(f"  (unanswered, the server takes the default {visible(repr(question.default))}{when})")
    how = "a number or your own text" if options else "your text"
    try:
        reply = _read(ask, f"Your answer to question [{_short_id(question.request_id)}] ({how}): ").strip()
    except EOFError:
        note.answering = True
        question.cancel()
        return
    if question.answered:
        print(f"Not sent: question {_short_id(question.request_id)} was settled meanwhile.")
        return
    if reply.isdigit() and 1 <= int(reply) <= len(options):
        reply = options[int(reply) - 1]
    note.answering = True
    question.answer(reply)
