"""The local server's long-running work: batch runs, evaluation runs and background tasks.

No transcript records these procedures; their shapes are the contract's, and
their behaviour follows the Ethos server's source at the contract's commit:

* ``batch.start`` / ``eval.start`` check the JSON Lines (each task ``{"id",
  "prompt"}``, each expected answer ``{"id", "expected"}``), answer at once
  with the run in status ``"running"``, then work through the tasks in the
  background: the counts grow one task a step, and the run ends
  ``"completed"`` (``"failed"`` when every task failed). Unknown run ids are
  a 400 ``INVALID_INPUT`` ("batch run "<id>" not found."), as on the server.
* The scripted agent answers each task as it answers a chat (``"Hello from
  the fake LLM. You said: <prompt>"``); a prompt containing ``FAIL`` fails.
  An evaluation scores that answer against the expected one with the
  run's scorer (``llm`` is scored like ``contains`` here).
* Background tasks are started by the agent itself on the real server (its
  ``delegate_task`` tool); here :meth:`LocalEthosServer.start_task` starts
  one. A task goes ``"queued"`` -> ``"running"`` -> ``"done"`` (``"failed"``
  when its prompt says ``FAIL``), a step apart, with the matching events;
  ``tasks.cancel`` makes a task that has not ended ``"aborted"``.
  ``tasks.list`` without ``rootSessionKey`` answers ``[]``, as the server does.

Steps are :attr:`WorkSettings.step_delay` apart (``slow_step_delay`` when the
prompt says ``SLOW``), quick by default so that tests are fast.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ._state import ProcedureError, now_iso
from ._validation import Field

if TYPE_CHECKING:
    from ._state import State

__all__ = ["WORK_PROCEDURES", "WorkSettings", "WorkState"]

TASK_FINAL = frozenset({"done", "failed", "aborted", "stale", "expired"})


@dataclass
class WorkSettings:
    """Pacing of batch runs, evaluation runs and background tasks (seconds)."""

    step_delay: float = 0.02
    """Between two steps (one task of a run, one status change of a background task)."""
    slow_step_delay: float = 0.5
    """The same, when the prompt contains ``SLOW``."""


def _reply(prompt: str) -> str:
    return f"Hello from the fake LLM. You said: {prompt}"


def _run_id() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%S")
    return f"{stamp}-{uuid.uuid4().hex[:8]}"


def _parse_lines(text: str, keys: Tuple[str, str], code: str, action: str) -> List[Dict[str, Any]]:
    rows: List[Dict[str, Any]] = []
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for number, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ProcedureError(code, 400, f"Line {number}: invalid JSON ({exc})", action) from None
        if not isinstance(row, dict) or not all(isinstance(row.get(key), str) for key in keys):
            fields = " and ".join(f'"{key}"' for key in keys)
            raise ProcedureError(code, 400, f"Line {number}: must have string fields {fields}", action)
        rows.append(row)
    return rows


def _score(scorer: str, answer: str, expected: str) -> float:
    if scorer == "exact":
        return 1.0 if answer.strip() == expected.strip() else 0.0
    if scorer == "regex":
        try:
            return 1.0 if re.search(expected, answer) else 0.0
        except re.error:
            return 0.0
    return 1.0 if expected.lower() in answer.lower() else 0.0  # contains (and llm, scripted)


class WorkState:
    """Batch runs, evaluation runs and background tasks of one local server."""

    def __init__(self, state: "State") -> None:
        self.state = state
        self.settings = WorkSettings()
        self.batch_runs: Dict[str, Dict[str, Any]] = {}
        self.eval_runs: Dict[str, Dict[str, Any]] = {}
        self.outputs: Dict[str, List[str]] = {}
        self.tasks: Dict[str, Dict[str, Any]] = {}
        self._cancelled: Dict[str, threading.Event] = {}
        self._threads: List[threading.Thread] = []
        self._row_ids = iter(range(1, 1 << 62))

    # ------------------------------------------------------------- plumbing
    def _pause(self, prompt: str, cancel: Optional[threading.Event] = None) -> bool:
        """Wait one step; True when the server is stopping (or ``cancel`` was set) meanwhile."""
        delay = self.settings.slow_step_delay if "SLOW" in prompt else self.settings.step_delay
        if cancel is not None and cancel.wait(delay):
            return True
        if cancel is None and self.state.stopping.wait(delay):
            return True
        return self.state.stopping.is_set()

    def _background(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name="ethos-local-work", daemon=True)
        with self.state.lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def close(self) -> None:
        """Stop the running work (the server is stopping)."""
        with self.state.lock:
            for event in self._cancelled.values():
                event.set()
            threads = list(self._threads)
        for thread in threads:
            thread.join(2)

    @staticmethod
    def _not_found(kind: str, run_id: str) -> ProcedureError:
        return ProcedureError("INVALID_INPUT", 400, f'{kind} run "{run_id}" not found.', f"Use {kind}.list to see recent runs.")

    def _listed(self, runs: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
        with self.state.lock:
            rows = sorted((dict(run) for run in runs.values()), key=lambda run: run["startedAt"], reverse=True)
        return {"runs": rows[:50]}

    def _got(self, runs: Dict[str, Dict[str, Any]], kind: str, run_id: str) -> Dict[str, Any]:
        with self.state.lock:
            run = runs.get(run_id)
            if run is None:
                raise self._not_found(kind, run_id)
            return {"run": dict(run)}

    def _output(self, runs: Dict[str, Dict[str, Any]], kind: str, run_id: str) -> Dict[str, Any]:
        with self.state.lock:
            if run_id not in runs:
                raise self._not_found(kind, run_id)
            return {"content": "".join(line + "\n" for line in self.outputs.get(run_id, []))}

    # ---------------------------------------------------------------- batch
    def batch_start(self, data: Dict[str, Any]) -> Dict[str, Any]:
        tasks = _parse_lines(
            data["tasksJsonl"], ("id", "prompt"), "BATCH_INVALID_LINE",
            "Each line must be JSON with `id` (string) and `prompt` (string).",
        )
        if not tasks:
            raise ProcedureError("INVALID_INPUT", 400, "tasks file is empty after parsing", "Add at least one `{ id, prompt }` line.")
        run_id = _run_id()
        run: Dict[str, Any] = {
            "id": run_id, "status": "running", "total": len(tasks), "completed": 0, "failed": 0, "skipped": 0,
            "startedAt": now_iso(), "finishedAt": None, "outputPath": f"batch/{run_id}.jsonl", "errorMessage": None,
        }
        with self.state.lock:
            self.batch_runs[run_id] = run
            self.outputs[run_id] = []
        self._background(self._run_batch, run, tasks)
        return {"run": dict(run)}

    def _run_batch(self, run: Dict[str, Any], tasks: List[Dict[str, Any]]) -> None:
        for task in tasks:
            if self._pause(task["prompt"]):
                return
            failed = "FAIL" in task["prompt"]
            line = {"id": task["id"], "prompt": task["prompt"]}
            line.update({"error": "The fake LLM was told to fail."} if failed else {"response": _reply(task["prompt"])})
            with self.state.lock:
                run["failed" if failed else "completed"] += 1
                self.outputs[run["id"]].append(json.dumps(line))
        with self.state.lock:
            run["status"] = "failed" if run["failed"] and not run["completed"] else "completed"
            run["finishedAt"] = now_iso()

    # ----------------------------------------------------------------- eval
    def eval_start(self, data: Dict[str, Any]) -> Dict[str, Any]:
        tasks = _parse_lines(
            data["tasksJsonl"], ("id", "prompt"), "BATCH_INVALID_LINE",
            "Each tasks line must be JSON with `id` (string) and `prompt` (string).",
        )
        expected = {
            row["id"]: row
            for row in _parse_lines(
                data["expectedJsonl"], ("id", "expected"), "EVAL_INVALID_LINE",
                "Each expected line must be JSON with `id` (string) and `expected` (string).",
            )
        }
        if not tasks or not expected:
            raise ProcedureError("INVALID_INPUT", 400, "tasks or expected file is empty", "Provide at least one task and one expected entry.")
        run_id = _run_id()
        run: Dict[str, Any] = {
            "id": run_id, "status": "running", "scorer": data.get("scorer", "contains"), "total": len(tasks),
            "passed": 0, "failed": 0, "avgScore": 0, "startedAt": now_iso(), "finishedAt": None,
            "outputPath": f"eval/{run_id}.jsonl", "errorMessage": None,
        }
        with self.state.lock:
            self.eval_runs[run_id] = run
            self.outputs[run_id] = []
        self._background(self._run_eval, run, tasks, expected)
        return {"run": dict(run)}

    def _run_eval(self, run: Dict[str, Any], tasks: List[Dict[str, Any]], expected: Dict[str, Dict[str, Any]]) -> None:
        scores: List[float] = []
        for task in tasks:
            if self._pause(task["prompt"]):
                return
            answer = "" if "FAIL" in task["prompt"] else _reply(task["prompt"])
            wanted = expected.get(task["id"])
            scorer = str((wanted or {}).get("match") or run["scorer"])
            score = _score(scorer, answer, wanted["expected"]) if wanted is not None and answer else 0.0
            scores.append(score)
            with self.state.lock:
                run["passed" if score >= 1.0 else "failed"] += 1
                run["avgScore"] = sum(scores) / len(scores)
                self.outputs[run["id"]].append(json.dumps({"id": task["id"], "response": answer, "score": score}))
        with self.state.lock:
            run["status"] = "completed"
            run["finishedAt"] = now_iso()

    # ---------------------------------------------------------------- tasks
    def start_task(
        self, prompt: str, *, label: Optional[str], session_id: Optional[str], personality_id: Optional[str]
    ) -> str:
        """Start a background task as the agent's delegation would; return its id."""
        with self.state.lock:
            session = self.state.sessions.get(session_id) if session_id is not None else None
            root = session["key"] if session is not None else f"web:{uuid.uuid4()}"
            task_id = str(uuid.uuid4())
            now = time.time() * 1000
            task: Dict[str, Any] = {
                "id": task_id, "status": "queued", "label": label, "personalityId": personality_id,
                "spendUsd": 0, "maxCostUsd": None, "depth": 1, "createdAt": now, "startedAt": None,
                "finishedAt": None, "heartbeatAt": None, "owner": "ethos-local-server", "rootSessionKey": root,
                "parentSessionKey": root, "runner": None, "prompt": prompt, "summary": None, "error": None,
                "events": [], "childSessionKey": f"{root}:job:{label or 'task'}:{task_id[:8]}",
                "originPlatform": None, "originChatId": None, "blockedRequestId": None, "detailRows": [],
                "capabilities": None,
            }
            self.tasks[task_id] = task
            self._cancelled[task_id] = threading.Event()
            self._task_event(task, "queued", {})
        self._background(self._run_task, task)
        return task_id

    def _task_event(self, task: Dict[str, Any], event_type: str, payload: Dict[str, Any]) -> None:
        task["events"].append(
            {
                "id": next(self._row_ids), "jobId": task["id"], "seq": len(task["events"]) + 1,
                "eventType": event_type, "payload": payload, "createdAt": time.time() * 1000,
            }
        )

    def _run_task(self, task: Dict[str, Any]) -> None:
        prompt, cancel = task["prompt"], self._cancelled[task["id"]]
        if self._pause(prompt, cancel):
            return
        with self.state.lock:
            if task["status"] in TASK_FINAL:
                return
            task.update(status="running", startedAt=time.time() * 1000, heartbeatAt=time.time() * 1000)
            self._task_event(task, "claimed", {"owner": task["owner"]})
            self._task_event(task, "running", {})
        if self._pause(prompt, cancel):
            return
        with self.state.lock:
            if task["status"] in TASK_FINAL:
                return
            task["finishedAt"] = time.time() * 1000
            if "FAIL" in prompt:
                task.update(status="failed", error="The fake LLM was told to fail (the prompt contains FAIL).")
                self._task_event(task, "failed", {"error": task["error"]})
            else:
                task.update(status="done", summary=_reply(prompt))
                self._task_event(task, "text", {"text": task["summary"]})
                self._task_event(task, "done", {"summary": task["summary"]})

    @staticmethod
    def _summary(task: Dict[str, Any]) -> Dict[str, Any]:
        keys = (
            "id", "status", "label", "personalityId", "spendUsd", "maxCostUsd", "depth", "createdAt", "startedAt",
            "finishedAt", "heartbeatAt", "owner", "rootSessionKey", "parentSessionKey", "runner",
        )
        return {key: task[key] for key in keys}

    def tasks_list(self, data: Dict[str, Any]) -> Any:
        root = data.get("rootSessionKey")
        with self.state.lock:
            return [self._summary(task) for task in self.tasks.values() if root and task["rootSessionKey"] == root]

    def tasks_get(self, data: Dict[str, Any]) -> Any:
        with self.state.lock:
            task = self.tasks.get(data["id"])
            if task is None:
                return None
            return {**task, "events": [dict(event) for event in task["events"]]}

    def tasks_cancel(self, data: Dict[str, Any]) -> Dict[str, Any]:
        with self.state.lock:
            task = self.tasks.get(data["id"])
            if task is not None and task["status"] not in TASK_FINAL:
                self._task_event(task, "cancel_requested", {})
                task.update(status="aborted", error="cancelled", finishedAt=time.time() * 1000)
                self._task_event(task, "aborted", {"error": "cancelled"})
                self._cancelled[task["id"]].set()
        return {"ok": True}


_ID = Field("id", "string", required=True)
_CONCURRENCY = Field("concurrency", "int", minimum=1, maximum=16)
WORK_PROCEDURES: Dict[str, Tuple[Optional[Tuple[Field, ...]], Callable[["State", Dict[str, Any], str], Any]]] = {
    "batch.list": (None, lambda s, d, r: s.work._listed(s.work.batch_runs)),
    "batch.start": (
        (Field("tasksJsonl", "string", required=True, minimum=1), _CONCURRENCY, Field("defaultPersonalityId", "string")),
        lambda s, d, r: s.work.batch_start(d),
    ),
    "batch.get": ((_ID,), lambda s, d, r: s.work._got(s.work.batch_runs, "batch", d["id"])),
    "batch.output": ((_ID,), lambda s, d, r: s.work._output(s.work.batch_runs, "batch", d["id"])),
    "eval.list": (None, lambda s, d, r: s.work._listed(s.work.eval_runs)),
    "eval.start": (
        (
            Field("tasksJsonl", "string", required=True, minimum=1),
            Field("expectedJsonl", "string", required=True, minimum=1),
            Field("scorer", "string", enum=("exact", "contains", "regex", "llm")),
            _CONCURRENCY,
        ),
        lambda s, d, r: s.work.eval_start(d),
    ),
    "eval.get": ((_ID,), lambda s, d, r: s.work._got(s.work.eval_runs, "eval", d["id"])),
    "eval.output": ((_ID,), lambda s, d, r: s.work._output(s.work.eval_runs, "eval", d["id"])),
    "tasks.list": ((Field("rootSessionKey", "string"),), lambda s, d, r: s.work.tasks_list(d)),
    "tasks.get": ((Field("id", "string", required=True, minimum=1),), lambda s, d, r: s.work.tasks_get(d)),
    "tasks.cancel": ((Field("id", "string", required=True, minimum=1),), lambda s, d, r: s.work.tasks_cancel(d)),
}
"""The procedures of the long-running work: ``(input fields, handler)``."""
