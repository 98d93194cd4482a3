"""Every procedure of the contract has its method, and its types match the schemas.

For each procedure this checks, by introspection and by a real call through
``responses``:

* the method exists at ``client.<ns>[.<sub>].<method>`` (snake_case);
* its parameters are exactly the input's properties, required ones without a
  default and optional ones keyword-only defaulting to ``NOT_GIVEN``, with
  nullability, ``Literal`` values and nested objects as the schema says;
* calling it POSTs to ``/rpc/<ns>/<method>`` and puts each parameter under
  its own wire key;
* the return type describes the output schema, recursively;
* reads are retried and writes are not, as the API-key scope implies;
* the docstring gives the procedure, tier and who may call it.
"""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
import responses

from ethos_sdk import EthosClient

from .conftest import FAKE_KEY, report
from .contract_check import (
    READS_BEHIND_A_WRITE_SCOPE,
    check_docstring,
    check_output,
    check_signature,
    marker_arguments,
    method_for,
)

BASE = "http://127.0.0.1:3999"


def _client(max_retries: int = 0) -> EthosClient:
    client = EthosClient(BASE, api_key=FAKE_KEY, max_retries=max_retries)
    client._transport.sleep = lambda seconds: None
    return client


def _procedures(contract: dict[str, Any]) -> list[str]:
    return sorted(contract["procedures"])


def _call_problems(procedure: str, entry: dict[str, Any]) -> list[str]:
    client = _client()
    method = method_for(client, procedure)
    args, kwargs, expected_input = marker_arguments(method, entry)
    url = f"{BASE}/rpc/{procedure.replace('.', '/')}"
    with responses.RequestsMock() as mock:
        mock.post(url, json={"json": {}})
        method(*args, **kwargs)
        sent = json.loads(cast(bytes, mock.calls[0].request.body))
    if sent != {"json": expected_input}:
        return [f"sent {sent!r}, expected {{'json': {expected_input!r}}}"]
    return []


def _is_retried(procedure: str, entry: dict[str, Any]) -> bool:
    client = _client(max_retries=1)
    method = method_for(client, procedure)
    args, kwargs, _ = marker_arguments(method, entry)
    url = f"{BASE}/rpc/{procedure.replace('.', '/')}"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(url, status=503, json={"ok": False, "code": "UNAVAILABLE", "error": "busy"})
        mock.post(url, json={"json": {}})
        try:
            method(*args, **kwargs)
        except Exception:
            pass
        return len(mock.calls) == 2


def problems_of(procedure: str, entry: dict[str, Any]) -> list[str]:
    try:
        method = method_for(_client(), procedure)
    except (AttributeError, ImportError) as exc:
        return [f"no method: {exc}"]
    problems = (
        check_signature(method, entry, procedure)
        + check_output(method, entry)
        + check_docstring(method, procedure, entry)
    )
    if not any(p.startswith("parameters differ") for p in problems):
        problems += _call_problems(procedure, entry)
    scope = entry["bearerScope"]
    if scope not in (None, "cookie-only"):
        should_retry = scope.endswith(":read") or procedure in READS_BEHIND_A_WRITE_SCOPE
        if _is_retried(procedure, entry) != should_retry:
            problems.append(
                "a read (scope ending in :read) must be idempotent (retried)"
                if should_retry
                else f"a procedure needing {scope} changes state and must not be retried"
            )
    return problems


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "procedure" in metafunc.fixturenames:
        from .conftest import CONTRACT_PATH

        metafunc.parametrize("procedure", sorted(json.loads(CONTRACT_PATH.read_text())["procedures"]))


def test_procedure_matches_contract(procedure: str, contract: dict[str, Any]) -> None:
    entry = contract["procedures"][procedure]
    problems = problems_of(procedure, entry)
    assert not problems, f"{procedure}:\n  " + "\n  ".join(problems)


def test_coverage_of_the_contract(contract: dict[str, Any]) -> None:
    """The figure the issue asks for: procedures the SDK matches exactly, out of those the server routes."""
    served = [p for p, e in contract["procedures"].items() if e["served"]]
    unserved = [p for p, e in contract["procedures"].items() if not e["served"]]
    matched = [p for p in served if not problems_of(p, contract["procedures"][p])]
    extra = [p for p in unserved if not problems_of(p, contract["procedures"][p])]
    report(
        f"contract conformance: {len(matched)}/{len(served)} served procedures match "
        f"({100 * len(matched) / len(served):.1f}%), plus {len(extra)}/{len(unserved)} "
        "in the contract that the server does not route"
    )
    assert len(matched) == len(served), sorted(set(served) - set(matched))[:20]
