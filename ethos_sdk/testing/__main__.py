"""``python -m ethos_sdk.testing``: run the local Ethos-compatible server until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import List, Optional

from ._server import LocalEthosServer


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ethos_sdk.testing",
        description="Serve a local, Ethos-compatible test server with a scripted agent.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="port to listen on (default 3000; 0 = any free port)")
    args = parser.parse_args(argv)

    server = LocalEthosServer(args.host, args.port)
    try:
        server.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"Local Ethos test server on {server.base_url}", flush=True)
    print("The credentials below are printed on purpose: they only work on this test server.")
    print(f"  API key (all scopes, send Origin: {server.origin}): {server.api_key}")
    print(f"  Cookie login URL (one use, rotates): {server.login_url}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
