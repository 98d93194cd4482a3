"""Files sent with a message: ``files=`` of ``chat.send``, ``chat.ask`` and ``chat.stream``.

Each item of ``files`` is read here and becomes one attachment of the
contract's shape (``{"type": "image"|"file", "data": <base64>, "mimeType",
"name"}``). An item is one of:

* a path (``str`` or ``pathlib.Path``) of a regular file: the file's name is
  its base name. Anything else at that path (a FIFO, ``/dev/stdin`` on a pipe,
  a device, a socket, a folder) is refused at once: reading it could wait
  forever, or never end;
* a ``(name, data)`` pair, ``data`` being ``bytes``;
* a :class:`File` (``File(data, name=..., mime_type=...)``), to set the MIME
  type yourself or to send bytes whose name you do not want to invent;
* a binary file object (``open(path, "rb")``, ``io.BytesIO``...), read from
  where it is; its ``name`` attribute, when it has one, names it. One whose
  ``fileno()`` is not a regular file (a pipe, ``sys.stdin.buffer`` fed by a
  pipe, a socket, a terminal) is refused like such a path: read it yourself
  and pass the bytes, so that the wait is yours to see.

Every name is cleaned before it is sent (it reaches the agent's prompt): only
its last path component is kept, control, bidi and zero-width characters are
dropped and it is capped at 200 characters, keeping its extension
(:func:`~ethos_sdk._safety.clean_file_name`). A name with nothing left is not
sent.

The MIME type is the name's extension's: ``readme.txt`` is ``text/plain``
whatever its first bytes. The content only has a say for the formats that
announce themselves (PNG, JPEG, GIF, WebP, BMP, PDF): under an image or PDF
extension, content that really is one of them goes as what it is (a JPEG
named ``photo.png`` as ``image/jpeg``); without a name, or with an extension
not known here, those first bytes decide, else ``text/plain`` for UTF-8 text,
else ``application/octet-stream``. ``image/*`` types are sent as ``"image"``,
everything else as ``"file"``.

The server refuses more than :data:`MAX_ATTACHMENTS` attachments or more than
:data:`MAX_ATTACHMENT_BYTES` bytes of them in all (decoded); both are checked
here, before anything is read in full or sent, so a message that would be
refused never leaves. (The figures are the server's, in its chat service at
the commit ``contract/README.md`` names; no transcript records them.)
"""

from __future__ import annotations

import base64
import errno
import mimetypes
import os
import stat
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, BinaryIO, List, Optional, Sequence, Tuple, Union, cast

from ._safety import clean_file_name
from .errors import ConfigurationError

if TYPE_CHECKING:
    from .types.chat import Attachment

__all__ = ["File", "FileInput", "MAX_ATTACHMENTS", "MAX_ATTACHMENT_BYTES", "attachments_for"]

MAX_ATTACHMENTS = 10
"""The most attachments one message may carry (the server's limit)."""
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
"""The most bytes the attachments of one message may hold together, before base64 (10 MiB, the server's limit)."""


@dataclass(frozen=True)
class File:
    """Bytes to send with a message, with the name the agent sees and, if you know it, the MIME type.

    ::

        client.chat.ask("What is in this table?",
                        files=[File(csv_bytes, name="sales.csv")])

    Args:
        data: the content.
        name: the file name shown to the agent (``"note.txt"``); it also
            gives the type when ``mime_type`` is not set.
        mime_type: e.g. ``"text/csv"``; by default guessed from the content,
            then from ``name``.
    """

    data: bytes
    name: Optional[str] = None
    mime_type: Optional[str] = None

    def __post_init__(self) -> None:
        if not isinstance(self.data, (bytes, bytearray, memoryview)):
            raise ConfigurationError(f"File data must be bytes, got {type(self.data).__name__}")
        if self.name is not None and (not isinstance(self.name, str) or not self.name):
            raise ConfigurationError(f"File name must be a non-empty string or None, got {self.name!r}")
        if self.mime_type is not None and (not isinstance(self.mime_type, str) or "/" not in self.mime_type):
            raise ConfigurationError(f'File mime_type must look like "type/subtype", got {self.mime_type!r}')

    def __repr__(self) -> str:  # never the content: it may be large, or private
        return f"File(<{len(self.data)} bytes>, name={self.name!r}, mime_type={self.mime_type!r})"


FileInput = Union[str, os.PathLike[str], Tuple[str, bytes], File, IO[bytes]]
"""What one item of ``files=`` may be: a path, a ``(name, bytes)`` pair, a :class:`File` or a binary file object."""

_MAGIC: Tuple[Tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"%PDF-", "application/pdf"),
)

_BY_EXTENSION = {  # the common ones, the same on every platform (``mimetypes`` reads the system's tables)
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".xml": "application/xml",
    ".html": "text/html",
    ".htm": "text/html",
    ".py": "text/x-python",
    ".log": "text/plain",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".bmp": "image/bmp",
    ".svg": "image/svg+xml",
}


_ANNOUNCED = frozenset(mime for _, mime in _MAGIC) | {"image/webp"}
"""The types whose content says what it is: an extension of one of these is checked against the content."""


def _sniff(head: bytes) -> Optional[str]:
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _type_of_name(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    extension = os.path.splitext(name)[1].lower()
    if not extension:
        return None
    return _BY_EXTENSION.get(extension) or mimetypes.guess_type(name, strict=False)[0]


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data[:65536].decode("utf-8")
    except UnicodeDecodeError as exc:  # a character cut at the end of the sample is still text
        return exc.start >= len(data[:65536]) - 3 and len(data) > 65536
    return True


def mime_type_of(data: bytes, name: Optional[str]) -> str:
    """The MIME type to send ``data`` under: ``name``'s extension, checked by the content for images and PDF.

    A known extension decides (``readme.txt`` starting with ``GIF89a`` is
    ``text/plain``), except that under an image or PDF extension, content
    whose first bytes show it is a PNG, JPEG, GIF, WebP, BMP or PDF goes as
    what it is. Without a known extension those first bytes decide, else
    ``text/plain`` for UTF-8 text, else ``application/octet-stream``.
    """
    by_name = _type_of_name(name)
    if by_name is not None and by_name not in _ANNOUNCED:
        return by_name
    sniffed = _sniff(data[:16])
    if sniffed is not None:
        return sniffed
    if by_name is not None:
        return by_name
    return "text/plain" if _looks_like_text(data) else "application/octet-stream"


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, words in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device (a terminal, or a device such as /dev/zero)"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return words
    return "a special file"


def _not_regular(what: str, mode: int) -> ConfigurationError:
    if stat.S_ISDIR(mode):
        advice = "pass the files in it one by one, or an archive of it"
    else:
        advice = (
            "reading it could wait forever or never end, so it was not read: read it yourself and "
            "pass the bytes, as (\"name.txt\", data) or File(data, name=\"name.txt\")"
        )
    return ConfigurationError(f"{what} is {_kind(mode)}, not a regular file: {advice}")


_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO with no writer would wait in open() itself
    | getattr(os, "O_NOCTTY", 0)  # a terminal never becomes this process's controlling terminal
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def open_regular_file(path: str, what: str) -> BinaryIO:
    """``path`` opened for binary reading, once ``fstat`` has shown it is a regular file.

    The file is opened without blocking, so that a FIFO with no writer
    cannot hold ``open`` itself, then checked on the open descriptor:
    anything but a regular file (a FIFO, ``/dev/stdin`` on a pipe, a
    device, a socket, a folder) raises
    :class:`~ethos_sdk.ConfigurationError` at once, naming ``what``. Other
    failures (missing, not allowed) raise ``OSError``, for the caller to word.
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # what open() says of a socket
            try:
                mode = os.stat(path).st_mode
            except OSError:
                raise exc from None
            if not stat.S_ISREG(mode):
                raise _not_regular(what, mode) from None
        raise
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(what, mode)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def check_regular_stream(stream: Any, what: str) -> None:
    """Refuse, as :func:`open_regular_file` does, a file object whose ``fileno()`` is not a regular file.

    A file object without a descriptor (``io.BytesIO``, your own class) passes.
    """
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (AttributeError, OSError, ValueError, TypeError):
        return
    if not stat.S_ISREG(mode):
        raise _not_regular(what, mode)


def _decoded_size(attachment: Any) -> int:
    """How many bytes a hand-built attachment's base64 ``data`` stands for."""
    data = attachment.get("data") if isinstance(attachment, dict) else None
    if not isinstance(data, str):
        return 0
    stripped = data.rstrip("=")
    return len(stripped) * 3 // 4


def _too_much(total: int) -> ConfigurationError:
    return ConfigurationError(
        f"the attachments hold {total:,} bytes; the server takes at most {MAX_ATTACHMENT_BYTES:,} bytes "
        f"(10 MiB) in all for one message. Nothing was sent: send fewer or smaller files, or split them "
        f"over several messages."
    )


class _Reader:
    """Reads the items one by one, keeping count of the bytes the message holds so far."""

    def __init__(self, used: int) -> None:
        self.used = used

    def _room(self) -> int:
        return MAX_ATTACHMENT_BYTES - self.used

    def _take(self, size: int) -> None:
        self.used += size
        if self.used > MAX_ATTACHMENT_BYTES:
            raise _too_much(self.used)

    def _read_stream(self, stream: IO[bytes], where: str) -> bytes:
        try:
            data = stream.read(self._room() + 1)  # never more than the limit allows, plus one byte to notice
        except (OSError, ValueError) as exc:  # a closed file is a ValueError
            raise ConfigurationError(f"{where}: cannot read the file object: {exc}") from exc
        if not isinstance(data, (bytes, bytearray)):
            raise ConfigurationError(f"{where} must be opened in binary mode (open(path, \"rb\")), it gave {type(data).__name__}")
        if len(data) > self._room():
            raise _too_much(self.used + len(data))
        return bytes(data)

    def read(self, item: Any, where: str) -> Tuple[bytes, Optional[str], Optional[str]]:
        """``(data, name, mime_type or None)`` of one item of ``files``."""
        if isinstance(item, File):
            self._take(len(item.data))
            return bytes(item.data), item.name, item.mime_type
        if isinstance(item, tuple):
            if len(item) != 2 or not isinstance(item[0], str) or not isinstance(item[1], (bytes, bytearray)):
                raise ConfigurationError(f"{where} as a tuple must be (name, bytes), got {_shape(item)}")
            self._take(len(item[1]))
            return bytes(item[1]), item[0], None
        if isinstance(item, (str, os.PathLike)):
            path = os.fspath(item)
            if not isinstance(path, str):
                path = os.fsdecode(path)
            try:
                with open_regular_file(path, f"{where} ({path!r})") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    if size > self._room():  # refuse before reading a large file at all
                        raise _too_much(self.used + size)
                    data = self._read_stream(handle, where)
            except OSError as exc:
                raise ConfigurationError(f"{where}: cannot read {path!r}: {exc.strerror or exc}") from exc
            self.used += len(data)
            return data, path, None
        if isinstance(item, (bytes, bytearray, memoryview)):
            raise ConfigurationError(
                f"{where} is bytes without a name: pass (\"name.ext\", data) or File(data, name=\"name.ext\") "
                f"so that the agent knows what it is"
            )
        if callable(getattr(item, "read", None)):
            raw_name = getattr(item, "name", None)
            name = raw_name if isinstance(raw_name, str) and raw_name else None
            check_regular_stream(item, f"{where} (a file object{f' named {name!r}' if name else ''})")
            data = self._read_stream(cast(IO[bytes], item), where)
            self.used += len(data)
            return data, name, None
        raise ConfigurationError(
            f"{where} must be a path, a (name, bytes) pair, a File or a binary file object, got {_shape(item)}"
        )


def _shape(item: Any) -> str:
    if isinstance(item, tuple):
        return "(" + ", ".join(type(part).__name__ for part in item) + ")"
    return type(item).__name__


def attachments_for(files: Optional[Sequence[FileInput]], attachments: Sequence[Attachment] = ()) -> List[Attachment]:
    """The attachments to send: ``attachments`` as given, then one per item of ``files``.

    Raises :class:`~ethos_sdk.ConfigurationError` (nothing sent) for an item
    that cannot be read, or when the message would break the server's limits
    (:data:`MAX_ATTACHMENTS`, :data:`MAX_ATTACHMENT_BYTES`).
    """
    if files is None:
        items: Sequence[Any] = ()
    elif (
        isinstance(files, (str, bytes, os.PathLike, File))
        or (isinstance(files, tuple) and len(files) == 2 and isinstance(files[1], (bytes, bytearray)))
        or callable(getattr(files, "read", None))
    ):
        raise ConfigurationError("files must be a list of files, e.g. files=[\"note.txt\"], not one file on its own")
    else:
        items = list(files)
    given = list(attachments)
    count = len(given) + len(items)
    if count > MAX_ATTACHMENTS:
        raise ConfigurationError(
            f"{count} attachments for one message; the server takes at most {MAX_ATTACHMENTS}. "
            f"Nothing was sent: send the rest in another message, or put them in one archive."
        )
    reader = _Reader(sum(_decoded_size(attachment) for attachment in given))
    if reader.used > MAX_ATTACHMENT_BYTES:
        raise _too_much(reader.used)
    out: List[Attachment] = given
    for index, item in enumerate(items):
        data, given_name, mime = reader.read(item, f"files[{index}]")
        name = clean_file_name(given_name) if given_name else ""  # it reaches the agent's prompt
        mime = mime or mime_type_of(data, name)
        attachment: Attachment = {
            "type": "image" if mime.startswith("image/") else "file",
            "data": base64.b64encode(data).decode("ascii"),
            "mimeType": mime,
        }
        if name:
            attachment["name"] = name
        out.append(attachment)
    return out

