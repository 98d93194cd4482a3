"""``client.chat.ask_many``: the same kind of turn over many items, several at once, results in order.

Threads of this process by default, each turn through the client's own
pool; or any ``concurrent.futures.Executor`` (a process pool, a Dask
cluster's executor), to which only the client's settings
(:class:`~ethos_sdk.ClientConfig`, with its credential), the item and the
options travel: each worker process makes one client of its own from them,
once, and keeps it for the items that follow.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import itertools
import logging
import pickle
import queue
import sys
import threading
import time
from dataclasses import fields
from typing import (
    TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, TypeVar,
    Union, overload,
)

from ._turn import TurnResult, TurnUsage, ask
from ._turn_options import TurnOptions
from .errors import ConfigurationError, TurnPaused

if TYPE_CHECKING:
    from ._client import EthosClient
    from ._config import ClientConfig

__all__ = ["TurnResults", "ask_many", "ProgressCallback"]

log = logging.getLogger("ethos_sdk")

R = TypeVar("R", covariant=True)

Item = Union[str, Mapping[str, Any]]
"""One item of ``ask_many``: the message, or a dict of ``chat.ask`` arguments with ``"text"``."""

ProgressCallback = Callable[[int, int, Union[TurnResult, Exception]], Any]
"""What ``progress=`` takes besides ``True``: called with ``(done, total, result)`` after each item."""


class TurnResults(Sequence[R]):
    """What ``client.chat.ask_many`` returns: one element per item, in the order of the items.

    Each element is the item's :class:`~ethos_sdk.TurnResult`; with
    ``on_error="return"``, an item whose turn failed holds the error it raised
    instead (an :class:`~ethos_sdk.EthosError` such as
    :class:`~ethos_sdk.TurnError`, or :class:`~ethos_sdk.ApprovalRequired` for
    a turn that waited for a person). It is a sequence (``len``, indexing,
    iteration) with totals::

        results = client.chat.ask_many(tickets, on_error="return")
        print(results.usage.output_tokens, len(results.failed))
        frame = results.to_pandas()

    It pickles, errors included.
    """

    def __init__(self, prompts: Sequence[str], results: Sequence[R]) -> None:
        self._prompts = list(prompts)
        self._results = list(results)

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> List[R]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[R, List[R]]:
        return self._results[index]

    def __len__(self) -> int:
        return len(self._results)

    def __iter__(self) -> Iterator[R]:
        return iter(self._results)

    @property
    def prompts(self) -> List[str]:
        """The message of each item, in order."""
        return list(self._prompts)

    @property
    def usage(self) -> TurnUsage:
        """Tokens, cost and model calls summed over the turns that returned a result."""
        total = TurnUsage()
        for result in self._results:
            usage = result.usage if isinstance(result, TurnResult) else None
            if usage is not None:
                total.input_tokens += usage.input_tokens
                total.output_tokens += usage.output_tokens
                total.estimated_cost_usd += usage.estimated_cost_usd
                total.model_calls += usage.model_calls
        return total

    @property
    def failed(self) -> List[Tuple[int, Exception]]:
        """``(index, error)`` of each item whose turn failed (with ``on_error="return"``), in order."""
        return [(index, result) for index, result in enumerate(self._results) if isinstance(result, Exception)]

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame``, one row per item in order (pandas is imported here, and only here).

        Columns: ``prompt``, ``text``, ``session_id``, ``turn_id``,
        ``input_tokens``, ``output_tokens``, ``estimated_cost_usd``,
        ``model_calls``, ``tool_calls`` (how many), ``error_type`` and
        ``error`` (``None`` for a turn that returned a result).

        Raises:
            ImportError: pandas is not installed (``pip install 'ethos-sdk[pandas]'``).
        """
        try:
            pandas: Any = importlib.import_module("pandas")
        except ImportError as exc:
            raise ImportError(
                "TurnResults.to_pandas() needs pandas: pip install pandas (or 'ethos-sdk[pandas]')"
            ) from exc
        rows = []
        for prompt, result in zip(self._prompts, self._results):
            row: Dict[str, Any] = {"prompt": prompt}
            if isinstance(result, TurnResult):
                usage = result.usage or TurnUsage()
                row.update(
                    text=result.text, session_id=result.session_id, turn_id=result.turn_id,
                    input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
                    estimated_cost_usd=usage.estimated_cost_usd, model_calls=usage.model_calls,
                    tool_calls=len(result.tool_calls), error_type=None, error=None,
                )
            else:
                row.update(
                    text=None, session_id=getattr(result, "session_id", None) or None, turn_id=None,
                    input_tokens=None, output_tokens=None, estimated_cost_usd=None, model_calls=None,
                    tool_calls=None, error_type=type(result).__name__, error=str(result),
                )
            rows.append(row)
        return pandas.DataFrame(rows, columns=_COLUMNS)

    def __repr__(self) -> str:
        usage = self.usage
        return (
            f"<TurnResults {len(self)} item(s), {len(self.failed)} failed; {usage.input_tokens:,} input and "
            f"{usage.output_tokens:,} output tokens>"
        )


_COLUMNS = [
    "prompt", "text", "session_id", "turn_id", "input_tokens", "output_tokens", "estimated_cost_usd",
    "model_calls", "tool_calls", "error_type", "error",
]


# -- the items ----------------------------------------------------------------------------------


def _planned(items: Iterable[Item], shared: TurnOptions) -> List[Tuple[str, TurnOptions]]:
    """Each item's message and options (the shared ones, with what the item sets over them), all checked."""
    if isinstance(items, (str, bytes, Mapping)):
        raise ConfigurationError(
            f"chat.ask_many takes a list (or any iterable) of items, not one {type(items).__name__}: "
            "wrap it in a list, or call chat.ask for a single message"
        )
    allowed = TurnOptions.names()
    planned: List[Tuple[str, TurnOptions]] = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            planned.append((item, shared))
            continue
        if not isinstance(item, Mapping):
            raise ConfigurationError(
                f"chat.ask_many: item {index} is a {type(item).__name__}; give each item as its message (a str) "
                "or as a dict of chat.ask arguments with 'text'"
            )
        keywords = dict(item)
        text = keywords.pop("text", None)
        if not isinstance(text, str):
            raise ConfigurationError(
                f"chat.ask_many: item {index} has no 'text' (its message, a str); its keys are "
                f"{', '.join(map(repr, sorted(map(str, item)))) or 'none'}"
            )
        unknown = sorted(set(map(str, keywords)) - allowed)
        if unknown:
            raise ConfigurationError(
                f"chat.ask_many: item {index} has unknown key(s) {', '.join(map(repr, unknown))}; an item takes "
                f"'text' and {', '.join(map(repr, sorted(allowed)))}"
            )
        planned.append((text, shared.but(**keywords) if keywords else shared))
    checked: set[int] = set()
    for _, options in planned:
        if id(options) not in checked:
            checked.add(id(options))
            _check(options)
    return planned


def _check(options: TurnOptions) -> None:
    """What the turn would refuse when it starts, refused now, before any item is sent."""
    from ._hitl import approval_policy, question_policy
    from ._safety import check_headers

    options.checked_timeout()
    approval_policy(options.on_approval)
    question_policy(options.on_question)
    if options.extra_headers:
        check_headers(options.extra_headers, "extra_headers")


def _check_portable(planned: Sequence[Tuple[str, TurnOptions]]) -> None:
    """Refuse, before anything is sent, options a worker process cannot receive or use."""
    checked: set[int] = set()
    for _, options in planned:
        if id(options) in checked:
            continue
        checked.add(id(options))
        for field in fields(options):
            value = getattr(options, field.name)
            if field.name in ("on_approval", "on_question") and value == "prompt":
                raise ConfigurationError(
                    f"chat.ask_many: {field.name}='prompt' cannot work in the executor's workers: they have no "
                    "terminal to ask on. Use a policy ('approve', 'deny', a function), or run ask_many "
                    "without executor= (then prompts appear here, one at a time)"
                )
            try:
                pickle.dumps(value)
            except Exception as exc:  # noqa: BLE001 - pickle raises many kinds, all meaning "cannot be sent"
                raise ConfigurationError(
                    f"chat.ask_many: {field.name}={value!r} cannot be sent to the executor's workers: it does not "
                    f"pickle ({type(exc).__name__}: {exc}). Use a function defined at the top level of a module "
                    "(not a lambda or a nested function) and paths for files, or run ask_many without executor= "
                    "(threads of this process)"
                ) from exc


# -- one item -----------------------------------------------------------------------------------


def _one_turn(client: EthosClient, text: str, options: TurnOptions) -> TurnResult:
    """``chat.ask``; a turn that waits for a person nobody here answers is stopped, and its pause raised."""
    try:
        return ask(client, text, options)
    except TurnPaused as pause:
        _stop_paused(pause)
        raise


def _stop_paused(pause: TurnPaused) -> None:
    """Stop the turn of ``pause`` (its request denied, the turn aborted) and say so in the error."""
    turn, request = pause.turn, pause.request
    what = request.describe() if hasattr(request, "describe") else "a person"
    kind = "approval to run" if hasattr(request, "approval_id") else "an answer to the question"
    if turn is not None and turn.detached:
        fate = (
            "the turn was left waiting (detach=True): answer the request (e.request's ids), then "
            f"client.chat.follow({pause.session_id!r}) finishes the turn"
        )
    else:
        if turn is not None:
            turn.close()  # the turn's own stop: what it waits on is denied, then chat.abort
        fate = "so chat.ask_many denied it and stopped the turn"
    message = (
        f"the turn on session {pause.session_id or '(new)'} waited for {kind} {what}, and nothing was set to "
        f"answer it, {fate}. Give ask_many on_approval= (or on_question=) to answer such requests, or run this "
        "item with chat.ask to answer it yourself"
    )
    pause.message = message
    pause.args = (message,)
    pause.turn = None  # stopped, or left to the server: the error carries ids only, and pickles


_WORKER_CLIENTS: Dict[ClientConfig, EthosClient] = {}
_WORKER_CLIENTS_LOCK = threading.Lock()
_WORKER_CLIENTS_KEPT = 8


def _client_for(config: ClientConfig) -> EthosClient:
    """The client this worker process made from ``config``: made once, then kept for the next items."""
    with _WORKER_CLIENTS_LOCK:
        client = _WORKER_CLIENTS.get(config)
        if client is None:
            if len(_WORKER_CLIENTS) >= _WORKER_CLIENTS_KEPT:
                _WORKER_CLIENTS.pop(next(iter(_WORKER_CLIENTS))).close()
            client = _WORKER_CLIENTS[config] = config.connect()
        return client


def _one_turn_in_worker(config: ClientConfig, text: str, options: TurnOptions) -> TurnResult:
    """One item, run by a worker of the executor (another process): all it gets is picklable.

    An error leaves without the exceptions chained to it: Dask pickles an
    exception's ``__cause__`` and ``__context__`` too (with tblib), and those
    are requests' and urllib3's own, which hold the request -- its
    ``Authorization`` or ``Cookie`` header included -- and the raw answer.
    """
    try:
        return _one_turn(_client_for(config), text, options)
    except BaseException as error:
        error.__cause__ = error.__context__ = None
        raise


# -- progress -----------------------------------------------------------------------------------


class _Progress:
    """What ``progress=`` asked for: a tqdm bar, a counter on stderr, a function, or nothing."""

    def __init__(self, progress: Union[bool, ProgressCallback], total: int) -> None:
        if not isinstance(progress, bool) and not callable(progress):
            raise ConfigurationError(
                f"chat.ask_many: progress must be True, False or a function f(done, total, result); got {progress!r}"
            )
        self.total = total
        self.call: Optional[ProgressCallback] = None if isinstance(progress, bool) else progress
        self.bar: Any = None
        self.counter = False
        self.failed = 0
        self.shown_at = 0.0
        self.shown_tenth = 0
        if progress is True:
            try:
                bars: Any = importlib.import_module("tqdm.auto")  # a widget in a notebook, a line in a terminal
            except ImportError:
                self.counter = True
            else:
                self.bar = bars.tqdm(total=total, unit="turn", desc="chat.ask_many")

    @property
    def active(self) -> bool:
        """True when something is shown or called after each item."""
        return self.call is not None or self.bar is not None or self.counter

    def update(self, done: int, result: Union[TurnResult, Exception]) -> None:
        if isinstance(result, Exception):
            self.failed += 1
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix(failed=self.failed, refresh=False)
        elif self.counter:
            self._count(done)
        if self.call is not None:
            self.call(done, self.total, result)

    def _count(self, done: int, final: bool = False) -> None:
        """One line on stderr: rewritten in place on a terminal, else written at each tenth and at the end."""
        line = f"chat.ask_many: {done}/{self.total} turns done" + (f", {self.failed} failed" if self.failed else "")
        stream = sys.stderr
        if stream.isatty():
            now = time.monotonic()
            if final or done == self.total or now - self.shown_at >= 0.1:
                self.shown_at = now
                stream.write("\r" + line + ("\n" if done == self.total or final else ""))
                stream.flush()
            return
        tenth = done * 10 // max(1, self.total)
        if tenth > self.shown_tenth or done == self.total or final:
            self.shown_tenth = tenth
            stream.write(line + "\n")
            stream.flush()

    def close(self, done: int) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.counter and done < self.total:
            self._count(done, final=True)  # stopped early: say where


# -- the run ------------------------------------------------------------------------------------


def ask_many(
    client: EthosClient,
    items: Iterable[Item],
    *,
    max_concurrency: int,
    on_error: str,
    progress: Union[bool, ProgressCallback],
    executor: Optional[concurrent.futures.Executor],
    options: Mapping[str, Any],
) -> TurnResults[Any]:
    """Run one turn per item, ``max_concurrency`` at a time; see ``Chat.ask_many`` (the public method)."""
    client._transport.check_open()
    if on_error not in ("raise", "return"):
        raise ConfigurationError(f"chat.ask_many: on_error must be 'raise' or 'return', not {on_error!r}")
    if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
        raise ConfigurationError(f"chat.ask_many: max_concurrency must be a whole number, 1 or more; got {max_concurrency!r}")
    if executor is not None and not isinstance(executor, concurrent.futures.Executor):
        raise ConfigurationError(
            f"chat.ask_many: executor must be a concurrent.futures.Executor (a ProcessPoolExecutor, "
            f"a Dask client's get_executor(), ...), not {type(executor).__name__}"
        )
    planned = _planned(items, TurnOptions.from_keywords("chat.ask_many", options))
    total = len(planned)
    reporter = _Progress(progress, total)
    local = executor is None or isinstance(executor, concurrent.futures.ThreadPoolExecutor)
    config: Optional[ClientConfig] = None
    window = max_concurrency
    if local:
        pool_size = client._transport.pool.size
        window = min(max_concurrency, max(1, pool_size // 2))
        if window < max_concurrency:
            log.info(
                "chat.ask_many: %d turns at once asked for, but the client's pool keeps %d connections and a "
                "turn uses two (its event stream, and its calls): running %d at once (EthosClient(max_connections=) "
                "raises it)", max_concurrency, pool_size, window,
            )
    else:
        _check_portable(planned)
        config = client.to_config(include_credentials=True)
    if total == 0:
        return TurnResults([], [])

    # The turns of this run go through a client of their own (sharing the pool): stopping them stops no other.
    runner = client.with_options()
    runs_in: concurrent.futures.Executor = executor or concurrent.futures.ThreadPoolExecutor(
        window, thread_name_prefix="ethos-sdk-ask-many"
    )
    # Our own pool runs `window` turns at once however many items wait in it: it gets them all now (up to
    # _QUEUED_AT_MOST), and this thread sleeps until the end, a failure to raise, or an item to report. An
    # executor of yours (or of other processes) gets `window` items at a time, handed out here as others end.
    queued = min(total, _QUEUED_AT_MOST) if executor is None else window
    wake_on_each = queued < total or reporter.active
    results: List[Any] = [None] * total  # a TurnResult, or the exception the item raised
    pending: Dict[concurrent.futures.Future[TurnResult], int] = {}  # handed out, not over yet
    finished: queue.SimpleQueue[Optional[int]] = queue.SimpleQueue()  # indexes of items over; None: all are
    ended = itertools.count(1)

    def on_done(future: concurrent.futures.Future[TurnResult]) -> None:  # in the thread that ran the item
        index = pending.pop(future)  # the future is let go: a long run holds only the results
        if future.cancelled():
            return
        try:
            results[index] = future.result()
        except Exception as error:
            results[index] = error
        if wake_on_each or (on_error == "raise" and isinstance(results[index], Exception)):
            finished.put(index)
        if next(ended) == total:  # next() of a count is atomic
            finished.put(None)

    handed = seen = 0
    failure: Optional[int] = None
    try:
        while True:
            while handed < total and handed - seen < queued:
                text, turn_options = planned[handed]
                if config is None:
                    future = runs_in.submit(_one_turn, runner, text, turn_options)
                else:
                    future = runs_in.submit(_one_turn_in_worker, config, text, turn_options)
                pending[future] = handed
                handed += 1
                future.add_done_callback(on_done)
            index = finished.get()  # Ctrl-C interrupts this wait
            if index is None:
                break
            seen += 1
            result = results[index]
            if on_error == "raise" and isinstance(result, Exception):
                failure = index
                raise result
            reporter.update(seen, result)
    except BaseException as exc:
        _stop_the_rest(client, runner, list(pending), _reason(exc, failure), local)
        raise
    finally:
        reporter.close(seen if wake_on_each else handed - len(pending))
        if executor is None:
            runs_in.shutdown(wait=False, cancel_futures=True)
    return TurnResults([text for text, _ in planned], results)


_QUEUED_AT_MOST = 10_000
"""Items handed to ask_many's own thread pool ahead of time (each holds a future until its turn ends)."""


def _reason(exc: BaseException, failure: Optional[int]) -> str:
    if failure is not None:
        return f"chat.ask_many stopped its turns after item {failure} failed ({type(exc).__name__})"
    if isinstance(exc, KeyboardInterrupt):
        return "chat.ask_many was interrupted (KeyboardInterrupt)"
    return f"chat.ask_many stopped its turns ({type(exc).__name__} raised)"


def _stop_the_rest(
    client: EthosClient,
    runner: EthosClient,
    running: Sequence[concurrent.futures.Future[TurnResult]],
    why: str,
    local: bool,
) -> None:
    """Items not started never start; turns in flight in this process are stopped on the server."""
    for future in running:
        future.cancel()
    if local:
        client._transport.pool.stop_turns(why, runner._transport)
        return
    still = sum(not future.done() for future in running)
    if still:
        log.warning(
            "%s: %d item(s) already running in the executor's workers are in other processes, which run them "
            "to their end (Ctrl-C in a terminal reaches a process pool's workers too, and stops theirs)",
            why, still,
        )
