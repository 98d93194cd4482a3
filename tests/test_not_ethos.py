"""A server that is not Ethos (a web app, a wrong port, http and https crossed) is named as such (issue 22)."""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from ethos_sdk import (
    APIConnectionError,
    EthosClient,
    InternalServerError,
    NotFoundError,
    UnexpectedResponseError,
)
from ethos_sdk.testing import LocalEthosServer

KEY = "sk-ethos-" + "0" * 32
PAGE = b"<!DOCTYPE html><html><head><title>My Blog</title></head><body><h1>Welcome</h1></body></html>"


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a TLS port refusing a plain request is the point of a test, not news


def _serve(handler: type[http.server.BaseHTTPRequestHandler], wrap: Callable[[Any], Any] | None = None) -> Iterator[str]:
    server = _QuietServer(("127.0.0.1", 0), handler)
    if wrap is not None:
        server.socket = wrap(server.socket)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.BaseHTTPRequestHandler):
    status = 200
    body = PAGE
    content_type = "text/html; charset=utf-8"

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer()

    do_GET = _answer


def _client_for(status: int, body: bytes = PAGE, content_type: str = "text/html") -> Iterator[EthosClient]:
    handler = type("Handler", (_Quiet,), {"status": status, "body": body, "content_type": content_type})
    for base in _serve(handler):
        with EthosClient(base, api_key=KEY, max_retries=0) as client:
            yield client


def _says_not_ethos(error: BaseException, base: str) -> None:
    text = str(error)
    assert f"the server at {base} does not look like Ethos" in text
    assert "<html" not in text.lower() and "<!doctype" not in text.lower() and "Welcome" not in text
    assert "base_url" in text


def test_python_http_server_501_on_rpc() -> None:
    class Files(http.server.SimpleHTTPRequestHandler):  # answers POST with its own 501 page
        def log_message(self, *args: Any) -> None:
            pass

    for base in _serve(Files):
        with EthosClient(base, api_key=KEY, max_retries=0) as client:
            with pytest.raises(InternalServerError) as caught:
                client.sessions.list()
    _says_not_ethos(caught.value, base)
    assert "501" in str(caught.value) and "Error response" in str(caught.value)  # the page's title only
    assert "<title>" in caught.value.text  # the page itself, for whoever wants to look


@pytest.mark.parametrize("status", [405, 501])
def test_405_or_501_without_html_on_rpc(status: int) -> None:
    for client in _client_for(status, b"Method Not Allowed", "text/plain"):
        with pytest.raises(Exception) as caught:
            client.sessions.list()
    _says_not_ethos(caught.value, client.base_url)


def test_an_html_page_with_200_is_not_an_envelope() -> None:
    for client in _client_for(200):
        with pytest.raises(UnexpectedResponseError) as caught:
            client.sessions.list()
    _says_not_ethos(caught.value, client.base_url)
    assert "titled 'My Blog'" in str(caught.value)


def test_an_html_404_is_not_ethos_not_found() -> None:
    for client in _client_for(404):
        with pytest.raises(NotFoundError) as caught:
            client.sessions.get("s1")
        with pytest.raises(NotFoundError) as health:
            client.health()
    _says_not_ethos(caught.value, client.base_url)
    _says_not_ethos(health.value, client.base_url)


def test_a_proxy_page_for_502_says_a_proxy_answered() -> None:
    for client in _client_for(502, b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"):
        with pytest.raises(InternalServerError) as caught:
            client.sessions.list()
    text = str(caught.value)
    assert "a proxy or load balancer answered" in text and "<html" not in text and "nginx" not in text


def test_ethos_own_errors_are_left_as_they_are() -> None:
    with LocalEthosServer() as server, server.client(max_retries=0) as client:
        with pytest.raises(NotFoundError) as caught:
            client.sessions.get("no-such-session")
    assert caught.value.code is not None and "does not look like Ethos" not in str(caught.value)


def test_https_to_a_plain_http_port() -> None:
    with LocalEthosServer() as server:
        base = server.base_url.replace("http://", "https://")
        with EthosClient(base, api_key=server.api_key, origin=server.origin, max_retries=0) as client:
            with pytest.raises(APIConnectionError) as caught:
                client.sessions.list()
    text = str(caught.value)
    assert "does not speak TLS (https) on this port" in text
    assert f"base_url={server.base_url!r}" in text and "SSL" not in text


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        print("openssl is not on PATH: no certificate for a TLS test server")
        pytest.skip("needs the openssl command to make a throwaway certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=localhost"],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def test_http_to_a_tls_port(certificate: tuple[Path, Path]) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)

    def wrap(sock: Any) -> Any:
        return context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)

    for base in _serve(_Quiet, wrap):
        with EthosClient(base, api_key=KEY, max_retries=0, timeout=5) as client:
            with pytest.raises(APIConnectionError) as caught:
                client.sessions.list()
    text = str(caught.value)
    secure = base.replace("http://", "https://")
    assert "speaks TLS (https) on this port, not plain HTTP" in text and f"base_url={secure!r}" in text
