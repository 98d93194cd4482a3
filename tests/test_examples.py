"""Every example runs, against the local test server, and prints what its docstring promises.

Each script is copied alone into an empty folder and run there, in its own
interpreter with every ``ETHOS_*`` variable removed, so
``ethos_sdk.testing.connect`` starts a ``LocalEthosServer``: an example that
needed a file beside it, or the examples folder on ``sys.path``, fails here as
it would for a user who copied it. The notebook's code cells run the same way,
in order in one interpreter, as a kernel would.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TIMEOUT = 60

if importlib.util.find_spec("ethos_sdk.testing") is None:  # pragma: no cover
    print("ethos_sdk.testing is missing: the examples have no local server to run against")
    pytest.skip("ethos_sdk.testing (LocalEthosServer) is not there yet", allow_module_level=True)


def _env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETHOS_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTHONPATH", None)  # the installed package only, as a user has it
    return env


def _run(args: List[str], cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    assert "local test server" in done.stderr  # it really ran against the stand-in
    return done.stdout


def run_example(name: str, cwd: Path, *args: str) -> str:
    """Copy ``examples/<name>`` alone into ``cwd`` (an empty folder) and run it there."""
    assert not any(cwd.iterdir()), "the example must start in an empty folder"
    copy = cwd / name
    shutil.copyfile(EXAMPLES / name, copy)
    return _run([str(copy), *args], cwd)


def test_every_example_has_a_test() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py")}
    tested = {
        "quickstart.py",
        "stream_chat_with_tools.py",
        "search_and_export.py",
        "edit_memory.py",
        "approve_tool_call.py",
        "approve_by_rule.py",
        "paginate_everything.py",
        "beyond_rpc.py",
        "files_and_waiting.py",
        "rejoin_a_turn.py",
        "many_turns.py",
    }
    assert scripts == tested


def test_quickstart(tmp_path: Path) -> None:
    out = run_example("quickstart.py", tmp_path)
    assert "Hello from the fake LLM. You said: Say hello to a new Ethos user" in out
    assert "Your 1 most recent sessions:" in out


def test_stream_chat_with_tools(tmp_path: Path) -> None:
    out = run_example("stream_chat_with_tools.py", tmp_path)
    assert "-> tool web_search called with {}" in out
    assert "<- tool web_search ok in" in out
    assert "Tool said: web_search ran" in out
    assert "[done after 2 model call(s)]" in out
    assert out.index("-> tool") < out.index("<- tool") < out.index("Tool said")


def test_search_and_export(tmp_path: Path) -> None:
    out = run_example("search_and_export.py", tmp_path, "deploy")
    assert "1 session(s) match 'deploy'" in out
    written = list(tmp_path.glob("*.md"))
    assert len(written) == 1 and f"wrote {written[0].name}" in out
    text = written[0].read_text(encoding="utf-8")
    assert "How do I deploy a static site?" in text


def test_search_without_match(tmp_path: Path) -> None:
    out = run_example("search_and_export.py", tmp_path, "zebra-crossing")
    assert "session(s) match 'zebra-crossing'" in out


def test_edit_memory(tmp_path: Path) -> None:
    out = run_example("edit_memory.py", tmp_path)
    assert "after the edit it ends with: - Prefers answers that end with a short code example." in out
    assert "restored the original memory" in out


def test_approve_tool_call(tmp_path: Path) -> None:
    out = run_example("approve_tool_call.py", tmp_path)
    assert 'approval asked for terminal {"command": "echo drop table scratch"} (destructive SQL DDL (DROP))' in out
    assert "  denied" in out
    assert "tool call finished (ok=False)" in out
    assert "turn ended: done" in out


def test_approve_by_rule(tmp_path: Path) -> None:
    out = run_example("approve_by_rule.py", tmp_path)
    assert "terminal {'command': 'echo drop table scratch'}: allowed by policy" in out
    assert "reply: Tool said: drop table scratch" in out
    assert "DROP TABLE users'\"}: denied (not on this script's allow-list" in out
    assert "— destructive SQL DDL (DROP)" in out
    # A prefix on the allow-list would have let this one through; the whole-command rule does not.
    assert "{'command': 'echo drop table scratch; rm -rf ~'}: denied (not on this script's allow-list" in out


def test_paginate_everything(tmp_path: Path) -> None:
    out = run_example("paginate_everything.py", tmp_path)
    assert out.count("session  ") == 5
    assert "5 sessions," in out
    assert "personality  " in out


def test_beyond_rpc(tmp_path: Path) -> None:
    out = run_example("beyond_rpc.py", tmp_path)
    assert "health: ok (gateway ok" in out
    assert re.search(r"metrics: [1-9]\d* series", out)
    assert "avatar: uploaded 69 bytes, read back 69 bytes, same: True" in out
    assert "saved weekly report.md (28 bytes, text/markdown" in out
    assert (tmp_path / "weekly report.md").read_text(encoding="utf-8") == "# Weekly report\n\nAll green.\n"
    assert out.count("  goal event ") == 7 and "ended: completed" in out
    assert "session titled: Hello from the fake LLM. You said: Name this session, please" in out


def test_files_and_waiting(tmp_path: Path) -> None:
    out = run_example("files_and_waiting.py", tmp_path)
    assert "asked with meeting.txt; the reply: " in out
    assert "=== file: meeting.txt ===\nThe release meeting moved to Thursday, 10:00." in out  # the agent got it
    assert "batch ended completed: 3 answered, 0 failed" in out
    progress = re.findall(r"  batch (\w+): (\d) of 3 tasks done", out)
    assert progress[0][0] == "running" and progress[-1] == ("completed", "3")
    assert len(progress) == len(set(progress))  # each change once
    assert out.count("  output: ") == 3


def test_rejoin_a_turn(tmp_path: Path) -> None:
    out = run_example("rejoin_a_turn.py", tmp_path)
    reply = "Hello from the fake LLM. You said: Draft the release notes for 2.0, SLOW and careful"
    assert "first words: 'Hello '" in out
    assert "left the turn (detached); it goes on in session " in out
    assert f"joined it again: done, reply: {reply}\n" in out  # the whole reply, first words included
    assert "read once more, same reply: True" in out


def test_many_turns(tmp_path: Path) -> None:
    out = run_example("many_turns.py", tmp_path)
    assert [line.split("] ")[1] for line in out.splitlines() if line.startswith("  [")].count("ok") == 4
    assert "  [5/5] " in out and "TurnError" in out
    for number in (101, 102, 103, 104):
        assert f"Summarise ticket {number} in one line: " in out
    lines = out.splitlines()
    asked = [line for line in lines if " -> " in line]
    assert [line.split(" in one line")[0] for line in asked[:4]] == [f"Summarise ticket {n}" for n in (101, 102, 103, 104)]
    assert asked[4].startswith("FAIL: this one") and "failed: LLM_ERROR" in asked[4]
    assert "5 items, 1 failed, " in out
    assert "from 2 worker processes, 4 answers in the order of the tickets:" in out
    assert "  103: Hello from the fake LLM. You said: Invoices show the wrong currency" in out
    assert "credential_source='argument'" in out and "sk-ethos-" not in out


def test_notebook_is_nbformat_4_and_runs(tmp_path: Path) -> None:
    notebook = json.loads((EXAMPLES / "stream_a_turn.ipynb").read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    cells = notebook["cells"]
    assert all(c["cell_type"] in ("markdown", "code") and "source" in c for c in cells)
    ids = [c.get("id") for c in cells]  # nbformat 4.5 wants an id per cell, or it warns and adds random ones
    assert notebook["nbformat_minor"] >= 5
    assert all(isinstance(i, str) and re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    # Run the cells in order in one interpreter, the way a kernel started in an empty folder would.
    copy = tmp_path / "stream_a_turn.ipynb"
    shutil.copyfile(EXAMPLES / "stream_a_turn.ipynb", copy)
    runner = (
        "import json\n"
        "cells = json.load(open('stream_a_turn.ipynb', encoding='utf-8'))['cells']\n"
        "scope = {'__name__': '__main__'}\n"
        "for cell in cells:\n"
        "    if cell['cell_type'] == 'code':\n"
        "        exec(compile(''.join(cell['source']), '<cell>', 'exec'), scope)\n"
    )
    out = _run(["-c", runner], tmp_path)
    assert "Hello from the fake LLM. You said: Give me three names for a pet robot." in out
    assert "session:" in out
    assert "You said: Which of those is the shortest?" in out
