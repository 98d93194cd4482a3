"""Command line: ``python -m ethos_sdk check-server [--shapes] [--base-url URL] [--cookie TOKEN | --api-key KEY]``.

``check-server`` compares the procedures a running server offers (its
``/openapi/spec.json``) with the methods of this SDK, so you know which
calls to make with ``client.call("<ns>.<method>", {...})`` when the server
is newer than the SDK, and which methods will answer 404 when it is older.

With ``--shapes`` it also calls every read-only procedure it can (never one
that writes) and checks each answer against the type the SDK's method
declares: missing keys, unexpected keys, wrong JSON types, nulls and values
outside a ``Literal`` are printed as ``procedure: path: expected X, got Y``.

Exit status: 0 when both agree, 1 when they differ (drift), 2 when the check
could not run.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Sequence

from . import EthosClient, EthosError, __version__
from ._auth import is_loopback, read_token_file, token_file_path
from ._catalog import NOT_ROUTED_YET, compare, sdk_procedures, server_procedures
from .errors import ConfigurationError, NotFoundError


def _client(args: argparse.Namespace) -> EthosClient:
    if args.api_key is not None:
        if not args.shapes:
            raise ConfigurationError(
                "it compares names from the server's OpenAPI document, which the "
                "server gives to the web cookie only: pass --cookie <web token>, or add "
                "--shapes to check answers with the API key."
            )
        if args.cookie is not None:
            raise ConfigurationError("pass either --cookie or --api-key, not both")
        return EthosClient(args.base_url, api_key=args.api_key, origin=args.origin)
    cookie = args.cookie
    base_url = args.base_url
    if cookie is None:
        probe = EthosClient(base_url, cookie="probe")  # resolves ETHOS_BASE_URL and the default
        if is_loopback(probe.base_url):
            cookie = read_token_file(token_file_path())
        base_url = probe.base_url
        probe.close()
    if not cookie:
        where = (
            f"looked for {token_file_path()}: not there, or readable by others"
            if is_loopback(base_url)
            else "the server is not on this machine, so no local token file is used"
        )
        raise ConfigurationError(
            "it needs cookie authentication: the server serves its OpenAPI document to the "
            "web cookie only. Pass --cookie <web token> (the content of the web-token file "
            "in the server's state directory: $ETHOS_STATE_DIR/web-token, by default "
            "~/.ethos/web-token), or run it on the server's machine with ETHOS_STATE_DIR set "
            f"as the server has it ({where})."
        )
    return EthosClient(base_url, cookie=cookie, origin=args.origin)


def check_server(args: argparse.Namespace) -> int:
    try:
        client = _client(args)
    except EthosError as exc:
        print(f"check-server: {exc}", file=sys.stderr)
        return 2
    with client:
        if client.auth_mode == "bearer":
            print("names: not compared (the server gives its OpenAPI document to the web cookie only)")
            names = None
        else:
            names = _compare_names(client, tolerate_missing_spec=args.shapes)
            if names == 2:
                return 2
        if not args.shapes:
            return 2 if names is None else names
        shapes = _compare_shapes(client)
    return shapes if shapes == 2 else max(names or 0, shapes)


def _compare_names(client: EthosClient, *, tolerate_missing_spec: bool) -> int | None:
    """Compare procedure names; ``None`` when the server has no OpenAPI document and that is tolerated."""
    try:
        response = client._transport.get("/openapi/spec.json")
        try:
            spec = response.json()
        finally:
            response.close()
    except NotFoundError as exc:
        if tolerate_missing_spec:
            print(f"names: not compared (the server has no /openapi/spec.json: {exc.status})")
            return None
        print(f"check-server: {exc}", file=sys.stderr)
        return 2
    except EthosError as exc:
        print(f"check-server: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"check-server: the server's /openapi/spec.json is not JSON ({exc})", file=sys.stderr)
        return 2
    base_url = client.base_url
    try:
        served = server_procedures(spec)
    except ValueError as exc:
        print(f"check-server: {exc}", file=sys.stderr)
        return 2
    known = sdk_procedures()
    drift = compare(served, known)
    declared_only = len(set(known) & NOT_ROUTED_YET)  # counted apart, as on the docs' procedures page
    print(
        f"server {base_url}: {len(served)} procedures; ethos-sdk {__version__}: {len(known) - declared_only} "
        f"procedures, and {declared_only} that the contract declares and no server routes yet"
    )
    print(f"in both: {drift.matched}")
    _print_list("on the server only (call them with client.call(name, input)):", drift.server_only)
    _print_list(
        "in the SDK only (the server answers 404 or 403 for them):",
        [f"{name}  ({known[name]})" for name in drift.sdk_only],
    )
    _print_list("in the SDK, not routed by any server yet:", drift.known_unrouted)
    print("drift found" if drift.drifted else "no drift")
    return 1 if drift.drifted else 0


def _compare_shapes(client: EthosClient) -> int:
    """Check the answers of the read-only procedures: 0 clean, 1 drift, 2 when none could be checked."""
    from ._check_shapes import CannotCheck, check_shapes

    try:
        report = check_shapes(client)
    except CannotCheck as exc:
        print(f"check-server --shapes: {exc}", file=sys.stderr)
        return 2
    lines = report.lines()
    print(
        f"shapes: {len(report.validated)} procedures validated, {len(lines)} findings, "
        f"{len(report.skipped)} skipped"
    )
    _print_list("answers that differ from the SDK's types (procedure: path: expected X, got Y):", lines)
    _print_list(
        "skipped (not called, or not checkable):",
        [f"{procedure}: {reason}" for procedure, reason in report.skipped],
    )
    if not report.validated:
        print("check-server --shapes: no answer could be checked with these credentials", file=sys.stderr)
        return 2
    print("shape drift found" if report.drifted else "no shape drift")
    return 1 if report.drifted else 0


def _print_list(title: str, items: List[str]) -> None:
    if items:
        print(title)
        for item in items:
            print(f"  {item}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ethos_sdk", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check-server",
        help="compare a server's procedures with this SDK's methods",
        description="Compare the procedures a server offers with this SDK's methods; with "
        "--shapes, also check the answers of its read-only procedures against the SDK's "
        "types. Exit status: 0 no drift, 1 drift, 2 the check could not run.",
    )
    check.add_argument("--base-url", help="the server (default: $ETHOS_BASE_URL or http://localhost:3000)")
    check.add_argument("--cookie", help="the web token (default: the local web-token file)")
    check.add_argument(
        "--api-key",
        help="check with an API key instead of the cookie (with --shapes only: the OpenAPI "
        "document is given to the cookie only, so names are then not compared)",
    )
    check.add_argument("--origin", help="the Origin header to send (default: the server's own)")
    check.add_argument(
        "--shapes",
        action="store_true",
        help="also call every read-only procedure it can (never one that writes: those the SDK "
        "marks idempotent, with input only from earlier answers) and check each answer against "
        "the method's declared return type; findings print as 'procedure: path: expected X, "
        "got Y', unexpected keys included; procedures refused with 403 or lacking input are "
        "listed as skipped. Exit 0 clean, 1 drift, 2 cannot run.",
    )
    args = parser.parse_args(argv)
    if args.command == "check-server":
        return check_server(args)
    return 2  # pragma: no cover - argparse rejects other commands


if __name__ == "__main__":
    sys.exit(main())
