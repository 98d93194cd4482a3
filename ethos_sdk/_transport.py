"""One request to the server: headers, envelope, retry loop and error mapping.

Everything that touches ``requests`` for the RPC endpoint lives here, so the
rest of the package deals only in procedure names, Python values and the
SDK's own errors.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from . import _envelope
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    UnexpectedResponseError,
    _register_secret,
    redact,
    status_error_class,
)

__all__ = ["Transport", "Credentials", "DEFAULT_TIMEOUT", "RETRY_STATUSES"]

log = logging.getLogger("ethos_sdk")

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 60.0)
"""Seconds to connect and to wait for each read of an answer."""

RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
"""Statuses after which a procedure that changes nothing is sent again."""

MAX_RETRY_AFTER = 60.0
"""A ``Retry-After`` longer than this is not waited for: the error is raised at once."""

_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0
_ERROR_TEXT_LIMIT = 64 * 1024


class Credentials:
    """How the client proves who it is: an API key (bearer) or the web cookie.

    Immutable, compared and hashed by value. (Written out rather than a frozen
    dataclass: ``dataclasses`` costs ~5 ms of ``import ethos_sdk``.)
    """

    __slots__ = ("mode", "secret")
    __match_args__ = ("mode", "secret")

    mode: str  # "bearer" or "cookie"
    secret: str

    def __init__(self, mode: str, secret: str) -> None:
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "secret", secret)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Credentials)
        return (self.mode, self.secret) == (other.mode, other.secret)

    def __hash__(self) -> int:
        return hash((self.mode, self.secret))

    def header(self) -> tuple[str, str]:
        if self.mode == "bearer":
            return "Authorization", f"Bearer {self.secret}"
        return "Cookie", f"ethos_auth={self.secret}"

    def __repr__(self) -> str:
        return f"Credentials(mode={self.mode!r}, secret='***')"


def user_agent() -> str:
    """``ethos-sdk-python/<sdk> python/<python> requests/<requests>``."""
    import platform  # here, not at the top: it adds milliseconds to ``import ethos_sdk``
    return (
        f"ethos-sdk-python/{__version__} python/{platform.python_version()} "
        f"requests/{requests.__version__}"
    )


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, as browsers send it in ``Origin``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - now()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def backoff_delay(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Delay before retry number ``attempt`` (0-based): 0.5 s doubling, capped at 8 s, with jitter."""
    delay: float = min(_BACKOFF_BASE * (2**attempt), _BACKOFF_CAP)
    return delay * (1.0 - 0.25 * rand())


def _cannot_have_reached_server(exc: requests.exceptions.RequestException) -> bool:
    """True when the failure happened before a byte of the request was sent."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason: Any = exc.args[0] if exc.args else None
        if isinstance(reason, urllib3.exceptions.MaxRetryError):
            reason = reason.reason
        return isinstance(reason, urllib3.exceptions.NewConnectionError)
    return False


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(exc, (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError)):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return isinstance(reason, (urllib3.exceptions.TimeoutError, TimeoutError))


def connection_error(exc: BaseException, request_id: str | None, what: str) -> APIConnectionError:
    """Wrap a requests or urllib3 exception in the SDK's own error."""
    detail = redact(f"{type(exc).__name__}: {exc}")
    if _is_timeout(exc):
        return APITimeoutError(
            f"{what} timed out ({detail}); raise the limit with timeout=", request_id=request_id
        )
    return APIConnectionError(f"{what} failed: {detail}", request_id=request_id)


def hint_for(
    status: int, code: str | None, message: str, *, auth_mode: str | None, procedure: str | None
) -> str | None:
    """Advice the SDK can add to an error the server explained only in its own terms."""
    text = message.lower()
    if status in (401, 403) and "origin" in text:
        if auth_mode == "bearer":
            return (
                "this API key is pinned to origins: pass origin='<one of the key's allowedOrigins>' "
                "to EthosClient (or set ETHOS_ORIGIN)"
            )
        return (
            "cookie-authenticated calls must come from an origin the server accepts: "
            "pass origin='<the web UI's address>' to EthosClient (or set ETHOS_ORIGIN)"
        )
    if status == 403 and auth_mode == "bearer":
        name = procedure or "this procedure"
        if "missing required scope" in text:
            return (
                "mint a key that has this scope (scopes cannot be added to an existing key), "
                "or use cookie authentication"
            )
        if "cookie" in text or "not accessible via api key" in text or "experimental" in text:
            return (
                f"{name} cannot be called with an API key; use cookie authentication: "
                "EthosClient(cookie=...), the local web-token file, or client.login(...)"
            )
    if status == 404 and code is None and procedure:
        return (
            f"the server does not route {procedure}: it may be older or newer than this SDK "
            "(python -m ethos_sdk check-server lists the differences)"
        )
    return None


def _body_prefix(response: requests.Response) -> bytes:
    """Up to 64 KiB of the body, read even from a streamed response that never ends."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(8192):
            chunks.append(chunk)
            size += len(chunk)
            if size >= _ERROR_TEXT_LIMIT:
                break
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError):
        pass  # keep what arrived: the status alone still says what went wrong
    return b"".join(chunks)[:_ERROR_TEXT_LIMIT]


def status_error(
    response: requests.Response,
    *,
    request_id: str | None,
    auth_mode: str | None,
    procedure: str | None,
) -> APIStatusError:
    """Build the typed error for a non-2xx answer, from whichever body shape it has."""
    status = response.status_code
    text = _body_prefix(response).decode("utf-8", errors="replace")
    body: Any = None
    try:
        body = json.loads(text) if text.strip() else None
    except (ValueError, RecursionError):  # not JSON, or nested too deep to decode
        body = None

    code: str | None = None
    message = ""
    action: str | None = None
    issues: list[dict[str, Any]] = []
    body_request_id: str | None = None

    error = body.get("json") if isinstance(body, dict) and isinstance(body.get("json"), dict) else body
    if isinstance(error, dict) and isinstance(error.get("code"), str) and "message" in error:
        # oRPC procedure error: {"json": {defined, code, status, message, data?}} (or bare).
        code = error["code"]
        message = str(error.get("message") or "")
        data = error.get("data")
        if isinstance(data, dict):
            if isinstance(data.get("action"), str):
                action = data["action"]
            found = data.get("issues")
            if isinstance(found, list):
                issues = [i for i in found if isinstance(i, dict)]
    elif isinstance(body, dict) and body.get("ok") is False:
        # Middleware error: {"ok": false, code, error, action, requestId?}.
        code = body["code"] if isinstance(body.get("code"), str) else None
        message = str(body.get("error") or "")
        if isinstance(body.get("action"), str):
            action = body["action"]
        if isinstance(body.get("requestId"), str):
            body_request_id = body["requestId"]
    elif isinstance(body, dict) and isinstance(body.get("error"), dict):
        # OpenAI-compatible routes: {"error": {message, type, code}}.
        inner = body["error"]
        code = inner["code"] if isinstance(inner.get("code"), str) else None
        message = str(inner.get("message") or "")
    if not message:
        snippet = " ".join(text.split())[:200]
        message = snippet or (response.reason or "empty body")

    retry_after = parse_retry_after(response.headers.get("retry-after"))
    header_request_id = response.headers.get("x-request-id")
    cls = status_error_class(status)
    return cls(
        message,
        status=status,
        code=code,
        action=action,
        issues=issues,
        hint=hint_for(status, code, message, auth_mode=auth_mode, procedure=procedure),
        request_id=header_request_id or body_request_id or request_id,
        body=body,
        text=text,
        retry_after=retry_after,
    )


class Transport:
    """Sends procedures to one server over one ``requests.Session``."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Credentials,
        origin: str | None,
        timeout: Timeout,
        max_retries: int,
        session: requests.Session | None,
        headers: Mapping[str, str] | None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.origin = origin
        self.timeout = timeout
        self.max_retries = max_retries
        self.owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self.extra_headers = dict(headers or {})
        self.sleep: Callable[[float], None] = time.sleep
        self._base_headers: dict[str, str] = {}
        self._rebuild_headers()

    # -- headers -----------------------------------------------------------

    def _rebuild_headers(self) -> None:
        headers = {
            "User-Agent": user_agent(),
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        headers.update(self.extra_headers)
        _register_secret(self.credentials.secret)  # masked in every error, even when a server echoes it
        name, value = self.credentials.header()
        headers[name] = value
        origin = self.effective_origin()
        if origin:
            headers["Origin"] = origin
        self._base_headers = headers

    def effective_origin(self) -> str | None:
        """The ``Origin`` sent: the one given, else (cookie mode only) the base URL's."""
        if self.origin:
            return self.origin
        if self.credentials.mode == "cookie":
            return origin_of(self.base_url)
        return None

    def set_credentials(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self._rebuild_headers()

    def headers_for(
        self, extra: Mapping[str, str] | None, *, accept: str | None = None
    ) -> tuple[dict[str, str], str]:
        """The headers of one request, and its request id: the caller's ``x-request-id``, else a new one."""
        headers = dict(self._base_headers)
        if accept:
            headers["Accept"] = accept
        if extra:
            headers.update(extra)
        for name, value in headers.items():
            if name.lower() == "x-request-id":
                return headers, value
        import uuid  # loaded on the first call, not at import (with platform, ~4 ms)

        request_id = str(uuid.uuid4())
        headers["x-request-id"] = request_id
        return headers, request_id

    def resolve_timeout(self, timeout: Timeout | NotGiven) -> Timeout:
        return self.timeout if isinstance(timeout, NotGiven) else timeout

    # -- RPC ---------------------------------------------------------------

    def rpc(
        self,
        procedure: str,
        params: Any,
        *,
        idempotent: bool,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Call ``procedure`` with ``params`` and return its decoded output."""
        url = f"{self.base_url}/rpc/{procedure.replace('.', '/')}"
        body = _envelope.encode_input(params)
        headers, request_id = self.headers_for(extra_headers)
        limit = self.resolve_timeout(timeout)
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                response = self.session.post(
                    url, data=body, headers=headers, timeout=limit, allow_redirects=False
                )
            except requests.exceptions.RequestException as exc:
                error = connection_error(exc, request_id, f"POST /rpc/{procedure.replace('.', '/')}")
                safe = idempotent or _cannot_have_reached_server(exc)
                if safe and attempt < self.max_retries:
                    delay = backoff_delay(attempt)
                    log.info(
                        "%s: %s; retry %d of %d in %.2f s",
                        procedure, error, attempt + 1, self.max_retries, delay,
                    )
                    self.sleep(delay)
                    attempt += 1
                    continue
                raise error from exc

            status = response.status_code
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "POST /rpc/%s -> %d in %.1f ms (request id %s)",
                    procedure.replace(".", "/"), status,
                    (time.monotonic() - started) * 1000, request_id,
                )
            if 200 <= status < 300:
                return self._decode(response, request_id)
            if 300 <= status < 400:
                raise self._redirect_error(response, request_id)
            error_obj = status_error(
                response, request_id=request_id,
                auth_mode=self.credentials.mode, procedure=procedure,
            )
            if idempotent and status in RETRY_STATUSES and attempt < self.max_retries:
                wait = error_obj.retry_after
                if wait is None or wait <= MAX_RETRY_AFTER:
                    delay = backoff_delay(attempt) if wait is None else wait
                    log.info(
                        "%s: %d; retry %d of %d in %.2f s",
                        procedure, status, attempt + 1, self.max_retries, delay,
                    )
                    self.sleep(delay)
                    attempt += 1
                    continue
            raise error_obj

    def _decode(self, response: requests.Response, request_id: str) -> Any:
        request_id = response.headers.get("x-request-id", request_id)
        content = response.content
        try:
            envelope = json.loads(content)
            return _envelope.decode_output(envelope)
        except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as exc:
            text = content[:2000].decode("utf-8", errors="replace")
            raise UnexpectedResponseError(
                f"the answer is not an oRPC envelope ({exc}); is base_url an Ethos server?",
                status=response.status_code,
                text=text,
                request_id=request_id,
            ) from exc

    def _redirect_error(self, response: requests.Response, request_id: str) -> APIStatusError:
        location = response.headers.get("location", "?")
        return APIStatusError(
            f"the server redirected to {redact(location)}; the SDK does not follow redirects "
            "(they would drop the request body or the credentials)",
            status=response.status_code,
            hint="set base_url to the address the server really answers on",
            request_id=response.headers.get("x-request-id", request_id),
            text=response.text[:2000],
        )

    # -- other routes (health, metrics, avatars, downloads) --------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        stream: bool = False,
        answers: frozenset[int] = frozenset(),
    ) -> requests.Response:
        """One request to a route outside ``/rpc`` (sent once, redirects not followed).

        ``data`` is sent as it is, with the caller's ``Content-Type`` (none when
        no data). A 2xx answer, or one whose status is in ``answers``, is
        returned; any other raises the SDK's typed error.
        """
        all_headers, request_id = self.headers_for(headers)
        if data is None and not any(name.lower() == "content-type" for name in headers or {}):
            all_headers.pop("Content-Type", None)
        try:
            response = self.session.request(
                method,
                f"{self.base_url}{path}",
                params=params,
                data=data,
                headers=all_headers,
                timeout=self.resolve_timeout(timeout),
                stream=stream,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            raise connection_error(exc, request_id, f"{method} {path}") from exc
        if 200 <= response.status_code < 300 or response.status_code in answers:
            return response
        try:
            raise status_error(
                response, request_id=request_id, auth_mode=self.credentials.mode, procedure=None
            )
        finally:
            response.close()

    # -- GET (event stream, login, spec) -------------------------------------

    def get(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        stream: bool = False,
        credentials: bool = True,
    ) -> requests.Response:
        """GET ``path`` (no redirects followed); raises the SDK's errors for failures.

        A 3xx answer is returned to the caller, a 4xx/5xx raises.
        """
        all_headers, request_id = self.headers_for(headers)
        all_headers.pop("Content-Type", None)
        if not credentials:
            all_headers.pop("Authorization", None)
            all_headers.pop("Cookie", None)
        try:
            response = self.session.get(
                f"{self.base_url}{path}",
                params=params,
                headers=all_headers,
                timeout=self.resolve_timeout(timeout),
                stream=stream,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            raise connection_error(exc, request_id, f"GET {path}") from exc
        if response.status_code >= 400:
            try:
                raise status_error(
                    response, request_id=request_id,
                    auth_mode=self.credentials.mode, procedure=None,
                )
            finally:
                response.close()
        return response

    def close(self) -> None:
        if self.owns_session:
            self.session.close()
