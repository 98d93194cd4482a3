"""The server's routes beside ``/rpc``: health, metrics, avatars and document downloads.

``EthosClient.health``/``metrics`` and the avatar and download methods of
``client.personalities`` and ``client.documents`` are thin wrappers around the
functions here. Each route has its own rules (recorded from a real server):

* ``GET /healthz`` needs no credential; 503 with ``status: "degraded"`` is an
  answer, not a failure.
* ``GET /metrics`` takes only an API key holding ``metrics:read``; its errors
  use the OpenAI envelope ``{"error": {...}}``.
* ``/api/personalities/<id>/avatar`` and ``/documents/download`` take only the
  web cookie: every API key gets 401 "Missing auth cookie". The SDK adds a hint
  saying so.

The reads (health, metrics, an avatar, a download) are retried as procedures
that change nothing are: after a failed connection or a 408/429/502/503/504,
within ``max_retries`` and ``deadline`` (see ``Transport.request``). Uploading
or deleting an avatar is sent again only when the request cannot have left.

The two event streams of this family (``/sse/system`` and ``/sse/goals/<id>``)
are in :mod:`ethos_sdk.surface_streams`.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Mapping, Optional, Union, cast
from urllib.parse import unquote

import requests
import urllib3.exceptions

from ._safety import download_name, path_segment
from ._transport import connection_error
from ._types import NOT_GIVEN, NotGiven, Timeout
from .errors import APIStatusError, ConfigurationError, UnexpectedResponseError

if TYPE_CHECKING:
    from ._client import EthosClient
    from .types.personalities import OkResult
    from .types.system import AvatarUploaded, Health

__all__ = [
    "Download",
    "AvatarImage",
    "MAX_AVATAR_BYTES",
    "AVATAR_TYPES",
    "health",
    "metrics",
    "set_avatar",
    "get_avatar",
    "delete_avatar",
    "download",
    "filename_from_disposition",
    "avatar_content_type",
]

MAX_AVATAR_BYTES = 5 * 1024 * 1024
"""The largest avatar the server accepts: 5 MiB (5242880 bytes)."""

AVATAR_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
"""The image types the server accepts as avatars."""

_EXTENSIONS = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}

_CHUNK = 64 * 1024

AvatarImage = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", IO[bytes]]
"""What :meth:`set_avatar` takes: the image's bytes, the path of an image file, or a binary file."""

COOKIE_HINT = (
    "{route} only accepts cookie authentication, never an API key: use "
    "EthosClient(cookie=...), the local web-token file, or client.login(...)"
)


def _cookie_only(error: APIStatusError, route: str, auth_mode: str) -> APIStatusError:
    """The same error, with the hint that the route takes the cookie only (for 401/403 to a key)."""
    if auth_mode != "bearer" or error.status not in (401, 403):
        return error
    return _with_hint(error, COOKIE_HINT.format(route=route))


def _with_hint(error: APIStatusError, hint: str) -> APIStatusError:
    return type(error)(
        error.message,
        status=error.status,
        code=error.code,
        action=error.action,
        issues=error.issues,
        hint=hint,
        request_id=error.request_id,
        body=error.body,
        text=error.text,
        retry_after=error.retry_after,
    )


def _send(
    client: EthosClient,
    method: str,
    path: str,
    *,
    route: str,
    cookie_only: bool = False,
    key_hint: Optional[str] = None,
    missing_hint: Optional[str] = None,
    **kwargs: Any,
) -> requests.Response:
    """One request through the client's transport, with the SDK's hints added to its errors."""
    transport = client._transport
    try:
        return transport.request(method, path, **kwargs)
    except APIStatusError as exc:
        error = exc
        if cookie_only:
            error = _cookie_only(error, route, transport.credentials.mode)
        elif key_hint is not None and error.status in (401, 403) and not error.hint:
            error = _with_hint(error, key_hint)
        if missing_hint is not None and error.status == 404 and error.code is None and not error.hint:
            error = _with_hint(error, missing_hint)
        if error is exc:
            raise
        raise error from None


def _json(response: requests.Response, route: str) -> Any:
    request_id = response.headers.get("x-request-id")
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        raise UnexpectedResponseError(
            f"{route} did not answer with JSON ({exc}); is base_url an Ethos server?",
            status=response.status_code,
            text=response.content[:2000].decode("utf-8", "replace"),
            request_id=request_id,
        ) from exc


# -- health and metrics -----------------------------------------------------------


def _is_health_answer(response: requests.Response) -> bool:
    """A 503 carrying the health answer (``status: "degraded"``), not a proxy's or a gateway's 503."""
    if response.status_code != 503:
        return False
    try:
        body: Any = json.loads(response.content)
    except (ValueError, RecursionError):
        return False
    return isinstance(body, dict) and "status" in body


def health(client: EthosClient, *, timeout: Timeout | NotGiven = NOT_GIVEN) -> Health:
    """``GET /healthz``: the answer, also when it is 503 "degraded".

    A 503 without the health answer in its body (a proxy's) is retried like
    any other, and raised once no retry is left.
    """
    response = _send(client, "GET", "/healthz", route="GET /healthz", timeout=timeout, is_answer=_is_health_answer)
    with response:
        body = _json(response, "GET /healthz")
    if not isinstance(body, dict) or "status" not in body:
        raise UnexpectedResponseError(
            "GET /healthz answered without a status; is base_url an Ethos server?",
            status=response.status_code,
            text=response.text[:2000],
            request_id=response.headers.get("x-request-id"),
        )
    return cast("Health", body)


def metrics(
    client: EthosClient,
    *,
    timeout: Timeout | NotGiven = NOT_GIVEN,
    extra_headers: Mapping[str, str] | None = None,
) -> str:
    """``GET /metrics``: the Prometheus text."""
    headers = {"Accept": "text/plain"}
    headers.update(extra_headers or {})
    response = _send(
        client, "GET", "/metrics", route="GET /metrics", timeout=timeout, headers=headers,
        key_hint=(
            "GET /metrics accepts only an API key holding the scope metrics:read (never the web "
            "cookie): EthosClient(api_key=...)"
        ),
    )
    with response:
        return response.content.decode("utf-8", "replace")  # the exposition format is UTF-8


# -- avatars ----------------------------------------------------------------------------


def avatar_content_type(data: bytes, name: Optional[str]) -> Optional[str]:
    """The image type of ``data``: from its magic bytes, else from the file name's extension."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if name:
        return _EXTENSIONS.get(os.path.splitext(name)[1].lower())
    return None


def _read_image(image: AvatarImage) -> tuple[bytes, Optional[str]]:
    """The image's bytes (at most one over the limit) and its file name, if it has one."""
    limit = MAX_AVATAR_BYTES + 1
    if isinstance(image, (bytes, bytearray, memoryview)):
        return bytes(image), None
    from ._files import check_regular_stream, open_regular_file  # the same refusal of FIFOs and devices as files=

    if isinstance(image, (str, os.PathLike)):
        path = Path(image)
        try:
            with open_regular_file(str(path), f"the avatar image {str(path)!r}") as handle:
                return handle.read(limit), path.name
        except OSError as exc:
            raise ConfigurationError(f"cannot read the avatar image {str(path)!r}: {exc.strerror or exc}") from exc
    read = getattr(image, "read", None)
    if not callable(read):
        raise ConfigurationError(
            f"image must be bytes, a path or a binary file opened with 'rb', not {type(image).__name__}"
        )
    check_regular_stream(image, "the avatar image's file object")
    data = read(limit)
    if not isinstance(data, (bytes, bytearray)):
        raise ConfigurationError("image is a text file: open it in binary mode ('rb')")
    name = getattr(image, "name", None)
    return bytes(data), os.path.basename(name) if isinstance(name, str) else None


def _avatar_path(personality_id: str) -> str:
    return f"/api/personalities/{path_segment(personality_id, 'personality_id')}/avatar"


def set_avatar(
    client: EthosClient,
    personality_id: str,
    image: AvatarImage,
    *,
    timeout: Timeout | NotGiven = NOT_GIVEN,
    extra_headers: Mapping[str, str] | None = None,
) -> AvatarUploaded:
    """Check the image, then ``POST`` its bytes to the personality's avatar route."""
    path = _avatar_path(personality_id)
    data, name = _read_image(image)
    if not data:
        raise ConfigurationError("the avatar image is empty: give the bytes of a PNG, JPEG, WebP or GIF image")
    if len(data) > MAX_AVATAR_BYTES:
        raise ConfigurationError(
            f"the avatar image is over the server's limit of {MAX_AVATAR_BYTES} bytes (5 MiB): "
            "scale it down or compress it first"
        )
    content_type = avatar_content_type(data, name)
    if content_type is None:
        raise ConfigurationError(
            "the avatar is not a PNG, JPEG, WebP or GIF image (neither its first bytes nor "
            f"{'its file name ' + repr(name) if name else 'a file name'} say so): convert it to one of those"
        )
    headers = {"Content-Type": content_type}
    headers.update(extra_headers or {})
    route = f"POST {path}"
    response = _send(
        client, "POST", path, route=route, cookie_only=True, data=data, headers=headers, timeout=timeout
    )
    with response:
        return cast("AvatarUploaded", _json(response, route))


def get_avatar(
    client: EthosClient,
    personality_id: str,
    *,
    timeout: Timeout | NotGiven = NOT_GIVEN,
    extra_headers: Mapping[str, str] | None = None,
) -> bytes:
    """``GET`` the personality's avatar image."""
    path = _avatar_path(personality_id)
    headers = {"Accept": "image/*"}
    headers.update(extra_headers or {})
    response = _send(
        client,
        "GET",
        path,
        route=f"GET {path}",
        cookie_only=True,
        missing_hint=f"personality {personality_id!r} has no avatar, or does not exist",
        headers=headers,
        timeout=timeout,
    )
    with response:
        return response.content


def delete_avatar(
    client: EthosClient,
    personality_id: str,
    *,
    timeout: Timeout | NotGiven = NOT_GIVEN,
    extra_headers: Mapping[str, str] | None = None,
) -> OkResult:
    """``DELETE`` the personality's avatar (``{"ok": true}`` also when it had none)."""
    path = _avatar_path(personality_id)
    route = f"DELETE {path}"
    response = _send(
        client, "DELETE", path, route=route, cookie_only=True, headers=extra_headers, timeout=timeout
    )
    with response:
        return cast("OkResult", _json(response, route))


# -- downloads --------------------------------------------------------------------------


class Download:
    """A file downloaded with :meth:`client.documents.download <ethos_sdk.namespaces.documents.Documents.download>`.

    Attributes:
        filename: the file's name as the server gave it (``content-disposition``,
            decoded from RFC 5987), or ``None`` when it sent none.
        content_type: the ``content-type`` the server sent (from the file's extension).
        size: how many bytes were received.
        content: the file's bytes; ``None`` when they were written to ``to=``.
        path: where the file was written when ``to=`` was a path or a folder, else ``None``.
        request_id: the ``x-request-id`` of the exchange.
    """

    __slots__ = ("filename", "content_type", "size", "content", "path", "request_id")

    def __init__(
        self,
        *,
        filename: Optional[str],
        content_type: Optional[str],
        size: int,
        content: Optional[bytes],
        path: Optional[Path],
        request_id: Optional[str],
    ) -> None:
        self.filename = filename
        self.content_type = content_type
        self.size = size
        self.content = content
        self.path = path
        self.request_id = request_id

    def __repr__(self) -> str:
        where = f" path={str(self.path)!r}" if self.path is not None else ""
        return f"<Download filename={self.filename!r} size={self.size} content_type={self.content_type!r}{where}>"


def filename_from_disposition(value: Optional[str]) -> Optional[str]:
    """The file name of a ``content-disposition`` header: ``filename*=`` (RFC 5987) first, else ``filename=``."""
    if not value:
        return None
    plain: Optional[str] = None
    for part in value.split(";")[1:]:
        key, sep, raw = part.strip().partition("=")
        if not sep:
            continue
        key = key.strip().lower()
        raw = raw.strip()
        if key == "filename*":
            charset, _, rest = raw.partition("'")
            _language, _, encoded = rest.partition("'")
            try:
                return unquote(encoded, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                continue
        if key == "filename" and plain is None:
            plain = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    return plain


def _safe_name(filename: Optional[str], fallback: str) -> str:
    """A name to create inside a folder (see :func:`~ethos_sdk._safety.download_name`), or a ConfigurationError."""
    name = download_name(filename, fallback)
    if name is None:
        raise ConfigurationError(
            f"the server's file name {filename!r} cannot be used as a file name here (a name "
            "Windows reserves, or nothing left once cleaned): pass to= a file path instead of a folder"
        )
    return name


def _write_file(
    response: requests.Response, target: Path, overwrite: bool, request_id: Optional[str], route: str
) -> int:
    """Stream the body into a new temporary file beside ``target``, then move it there.

    The temporary file is created exclusively (``O_CREAT | O_EXCL``, never
    through a symbolic link), so nothing else in the folder can be written
    through it. Without ``overwrite`` an existing ``target`` is never replaced,
    not even one that appears while the body arrives. Local failures raise
    :class:`ConfigurationError` and leave nothing behind.
    """
    import tempfile

    if not overwrite and os.path.lexists(target):
        raise ConfigurationError(
            f"{str(target)!r} exists already: pass overwrite=True to replace it, or another to="
        )
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".ethos-download-", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise ConfigurationError(f"cannot write the download into {str(target.parent)!r}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(descriptor, "wb") as sink:
            size = _write_chunks(response, sink, request_id, route)
        if overwrite:
            os.replace(temporary, target)  # a symbolic link at target is replaced, never followed
        else:
            try:
                os.link(temporary, target)  # fails on an existing name: nothing is replaced
            except FileExistsError:
                raise ConfigurationError(
                    f"{str(target)!r} appeared while downloading: pass overwrite=True to replace it"
                ) from None
            except OSError:  # no hard links here (some network and FAT file systems)
                if os.path.lexists(target):
                    raise ConfigurationError(f"{str(target)!r} exists already: pass overwrite=True") from None
                os.replace(temporary, target)
            else:
                os.unlink(temporary)
    except OSError as exc:
        raise ConfigurationError(f"cannot write the download to {str(target)!r}: {exc.strerror or exc}") from exc
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)  # never leave half a file behind
    return size


def _write_chunks(response: requests.Response, sink: IO[bytes], request_id: Optional[str], route: str) -> int:
    size = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            sink.write(chunk)
            size += len(chunk)
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise connection_error(exc, request_id, f"{route} (after {size} bytes)") from exc
    return size


def download(
    client: EthosClient,
    path: str,
    *,
    personality_id: Optional[str] = None,
    to: Union[str, "os.PathLike[str]", IO[bytes], None] = None,
    timeout: Timeout | NotGiven = NOT_GIVEN,
    extra_headers: Mapping[str, str] | None = None,
    overwrite: bool = False,
) -> Download:
    """``GET /documents/download``: into memory (within ``max_response_bytes``), or streamed to ``to``."""
    if not isinstance(path, str) or not path:
        raise ConfigurationError(
            "path must be a non-empty string: an entry's 'path' from client.documents.list()"
        )
    into_folder = False
    if isinstance(to, (str, os.PathLike)):
        try:
            into_folder = Path(to).is_dir()
            folder = Path(to) if into_folder else Path(to).parent
            if not folder.is_dir():
                raise ConfigurationError(f"cannot write the download to {str(to)!r}: folder {str(folder)!r} does not exist")
        except OSError as exc:  # a name too long for the file system, say
            raise ConfigurationError(f"cannot write the download to {str(to)!r}: {exc.strerror or exc}") from exc
    elif to is not None and (isinstance(to, io.TextIOBase) or not callable(getattr(to, "write", None))):
        raise ConfigurationError(
            f"to must be a path, a folder or a binary file opened for writing, not {type(to).__name__}"
        )
    params = {"path": path}
    if personality_id is not None:
        params = {"personality": personality_id, "path": path}
    route = "GET /documents/download"
    response = _send(
        client,
        "GET",
        "/documents/download",
        route=route,
        cookie_only=True,
        params=params,
        headers=extra_headers,
        timeout=timeout,
        stream=True,
    )
    with response:
        request_id = response.headers.get("x-request-id")
        filename = filename_from_disposition(response.headers.get("content-disposition"))
        content_type = response.headers.get("content-type")
        if to is None:
            content = client._transport.read_limited(response, route, request_id)
            return Download(
                filename=filename, content_type=content_type, size=len(content),
                content=content, path=None, request_id=request_id,
            )
        if isinstance(to, (str, os.PathLike)):
            target = Path(to)
            if into_folder:
                target = target / _safe_name(filename, path)
            size = _write_file(response, target, overwrite, request_id, route)
            return Download(
                filename=filename, content_type=content_type, size=size,
                content=None, path=target, request_id=request_id,
            )
        size = _write_chunks(response, to, request_id, route)
        return Download(
            filename=filename, content_type=content_type, size=size,
            content=None, path=None, request_id=request_id,
        )
