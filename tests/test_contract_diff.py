"""``scripts/contract_diff.py``: what changed between two contract snapshots, as a checklist."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import List, Union

import pytest
from ethos_sdk.types.personalities import Personality, PersonalityPage
from ethos_sdk.types.sessions import Session, SessionDetail

from .test_shapes import Cat, Dog

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "contract_diff.py"
FIXTURES = Path(__file__).parent / "contract_diff"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def checklist() -> List[str]:
    done = run(str(FIXTURES / "old.json"), str(FIXTURES / "new.json"))
    assert done.returncode == 1, done.stderr
    return done.stdout.splitlines()


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("contract_diff", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["contract_diff"] = module  # its dataclass looks its module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["contract_diff"]
    return module


def test_procedures_added_removed_retiered_rescoped_and_served(checklist: List[str]) -> None:
    assert "- [ ] widgets.listAll (experimental, cookie only): add client.widgets.list_all and its types" in checklist
    assert (
        "- [ ] sessions.pin: remove or deprecate client.sessions.pin, returns ethos_sdk.types.sessions.SessionResult"
        in checklist
    )
    assert "- [ ] sessions.list: stable -> experimental (the docstring's last line of client.sessions.list)" in checklist
    assert any(line.startswith("- [ ] sessions.export: sessions:read -> sessions:write") for line in checklist)
    assert any(line.startswith("- [ ] sessions.undoTurns: served False -> True") for line in checklist)
    assert "Procedures added (1):" in checklist and "Procedures removed (1):" in checklist


def test_input_fields_added_required_enum_and_nullable(checklist: List[str]) -> None:
    text = "\n".join(checklist)
    assert "input  includeMessages: added (boolean, optional)  -> parameter include_messages and the body" in text
    assert "input  limit: optional -> required  -> parameter limit and the body" in text
    assert "input  cursor: no longer nullable  -> parameter cursor and the body" in text
    assert 'input  format: enum changed (added "json"; removed (none))  -> parameter format and the body' in text


def test_output_fields_name_the_typeddict_to_update(checklist: List[str]) -> None:
    text = "\n".join(checklist)
    session = "ethos_sdk.types.sessions.Session"
    assert f"output session.pinned: type boolean -> string  -> {session}" in text
    assert f'output session.status: enum changed (added "paused"; removed (none))  -> {session}' in text
    assert f"output session.title: no longer nullable  -> {session}" in text
    assert "output content: required -> optional  -> ethos_sdk.types.sessions.SessionExport" in text
    personality = "ethos_sdk.types.personalities.Personality"
    assert f"output items[].avatar: added (string, nullable, optional)  -> {personality}" in text
    assert f"output items[].name: removed (was string, required)  -> {personality}" in text
    assert "output entry<kind=link>.url: became nullable  -> the returned type" in text


def test_unchanged_procedures_are_not_listed(checklist: List[str]) -> None:
    assert not [line for line in checklist if "meta.capabilities" in line]
    assert "Fields changed (5):" in checklist


def test_the_same_contract_has_no_differences() -> None:
    done = run(str(ROOT / "contract" / "ethos-contract.json"), str(ROOT / "contract" / "ethos-contract.json"))
    assert done.returncode == 0
    assert "no differences: nothing to update" in done.stdout


def test_a_file_that_is_not_a_contract_exits_2_and_says_why(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"paths": {}}')
    done = run(str(FIXTURES / "old.json"), str(bogus))
    assert done.returncode == 2
    assert "has no 'procedures' object" in done.stderr


def test_owner_type_walks_lists_optionals_and_union_variants(script: ModuleType) -> None:
    owner = script.owner_type
    assert owner(SessionDetail, "session.pinned") is Session
    assert owner(PersonalityPage, "items[].brandNew") is Personality
    assert owner(PersonalityPage, "items[].brandNew.deeper") is None
    assert owner(List[Union[Cat, Dog]], "[]<kind=dog>.good") is Dog
    assert owner(List[Union[Cat, Dog]], "[]<kind=cat>.lives") is Cat


def test_method_names_follow_the_sdk_naming_rule(script: ModuleType) -> None:
    assert script.method_path("platforms.botsListWhatsApp") == "client.platforms.bots_list_whats_app"
    assert script.method_path("a2a.peers.list") == "client.a2a.peers.list"
    assert script.method_path("namedSecrets.list") == "client.named_secrets.list"
