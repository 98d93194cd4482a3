"""``files=`` on ``chat.send``, ``chat.ask`` and ``chat.stream``: reading, typing, limits, delivery.

What is read and how it is typed is checked on ``attachments_for`` alone;
that the files reach the agent, and that a message over the server's limits
is never sent, against ``LocalEthosServer`` (whose scripted agent echoes the
message as the model would see it: text files inlined as ``=== file: ...``).
"""

from __future__ import annotations

import base64
import io
import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, List

import pytest

from ethos_sdk import BadRequestError, ConfigurationError, EthosClient, File
from ethos_sdk._files import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, attachments_for, mime_type_of
from ethos_sdk._safety import MAX_NAME_LENGTH
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.types.chat import Attachment

from .conftest import ROOT, report

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(32))
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
PDF = b"%PDF-1.7\n" + b"\x00\x01" * 10
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 10


@pytest.fixture(scope="module")
def server() -> Iterator[LocalEthosServer]:
    with LocalEthosServer() as local:
        yield local


@pytest.fixture
def client(server: LocalEthosServer) -> Iterator[EthosClient]:
    with server.client(timeout=10) as c:
        yield c


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text("The meeting moved to Thursday.\n", encoding="utf-8")
    return path


def _bytes(attachment: Attachment) -> bytes:
    return base64.b64decode(attachment["data"], validate=True)


# ---------------------------------------------------------------- reading


def test_every_kind_of_item_becomes_an_attachment(note: Path, tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(JPEG)
    with open(tmp_path / "photo.jpg", "rb") as handle:
        got = attachments_for([
            note,                                   # a Path
            str(note),                              # a str path
            ("chart.png", PNG),                     # (name, bytes)
            File(b"a,b\n1,2\n", name="t.csv"),      # File
            handle,                                 # a binary file object with a name
            io.BytesIO(PDF),                        # ... and one without
        ])
    assert [(a["type"], a["mimeType"], a.get("name")) for a in got] == [
        ("file", "text/plain", "note.txt"),
        ("file", "text/plain", "note.txt"),
        ("image", "image/png", "chart.png"),
        ("file", "text/csv", "t.csv"),
        ("image", "image/jpeg", "photo.jpg"),
        ("file", "application/pdf", None),
    ]
    assert _bytes(got[0]) == note.read_bytes() and _bytes(got[2]) == PNG and _bytes(got[5]) == PDF


def test_a_file_object_is_read_from_where_it_is() -> None:
    stream = io.BytesIO(b"header|the rest")
    stream.seek(7)
    assert _bytes(attachments_for([stream])[0]) == b"the rest"


@pytest.mark.parametrize(
    "data, name, expected",
    [
        (b"GIF89a, the first words of my notes", "readme.txt", "text/plain"),  # the name decides...
        (PDF, "notes.md", "text/markdown"),
        (PNG, "table.csv", "text/csv"),
        (PNG, "chart.png", "image/png"),                   # ...the content confirms an image or a PDF...
        (PDF, "report.pdf", "application/pdf"),
        (JPEG, "photo.png", "image/jpeg"),                 # ...and says which one it really is
        (b"not an image", "broken.png", "image/png"),      # content that proves nothing: the name stands
        (b"<svg/>", "logo.svg", "image/svg+xml"),
        (WEBP, None, "image/webp"),                        # no name: the first bytes decide
        (PDF, None, "application/pdf"),
        (PDF, "scan.unknownext", "application/pdf"),      # an extension not known here: the same
        (PNG, "README", "image/png"),
        (b"# Title\n", "readme.md", "text/markdown"),
        (b'{"a": 1}', "data.json", "application/json"),
        (b"plain words", None, "text/plain"),             # no name: UTF-8 text is text
        ("caf\u00e9".encode(), None, "text/plain"),
        (b"\x00\x01\x02\xff", None, "application/octet-stream"),
        (b"\x00\x01\x02\xff", "blob.unknownext", "application/octet-stream"),
    ],
)
def test_the_type_comes_from_the_name_and_the_content_confirms_images(data: bytes, name: Any, expected: str) -> None:
    assert mime_type_of(data, name) == expected


def test_a_given_mime_type_is_kept() -> None:
    got = attachments_for([File(b"<svg/>", name="x.svg", mime_type="image/svg+xml")])
    assert (got[0]["type"], got[0]["mimeType"]) == ("image", "image/svg+xml")


def test_hand_built_attachments_come_first_and_are_kept_as_they_are() -> None:
    given: Attachment = {"type": "file", "data": base64.b64encode(b"x").decode(), "mimeType": "text/plain", "name": "x"}
    got = attachments_for([("y.txt", b"y")], [given])
    assert got[0] == given and got[1]["name"] == "y.txt"


@pytest.mark.parametrize(
    "item, words",
    [
        (b"raw", "bytes without a name"),
        (("a.txt",), "(name, bytes)"),
        (("a.txt", "text, not bytes"), "(name, bytes)"),
        (io.StringIO("text mode"), "binary mode"),
        (42, "must be a path"),
    ],
)
def test_items_that_cannot_be_sent_are_refused_with_their_place(item: Any, words: str) -> None:
    with pytest.raises(ConfigurationError, match=r"files\[1\]") as refused:
        attachments_for([("ok.txt", b"ok"), item])
    assert words in str(refused.value)


def test_a_missing_file_is_refused_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"files\[0\]: cannot read .*missing\.txt"):
        attachments_for([tmp_path / "missing.txt"])


def test_a_closed_file_object_is_refused_with_its_place() -> None:
    stream = io.BytesIO(b"gone")
    stream.close()
    with pytest.raises(ConfigurationError, match=r"files\[0\]: cannot read the file object"):
        attachments_for([stream])


# ------------------------------------------------ what is not a regular file

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes (os.mkfifo) on this platform")


def _refused_at_once(files: Any, kind: str, send: Callable[[Any], object] = attachments_for, place: str = "files[0]") -> float:
    """Seconds ``send(files)`` took to refuse, checking the message names ``place`` and ``kind``.

    The call runs in a thread: were it to block (as reading a pipe does), the
    test fails after 5 s instead of hanging the run.
    """
    outcome: List[BaseException] = []

    def call() -> None:
        try:
            send(files)
        except BaseException as exc:  # handed to the test below
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(5)
    took = time.monotonic() - started
    assert not worker.is_alive(), f"{files!r} still being read after {took:.1f} s"
    assert outcome and isinstance(outcome[0], ConfigurationError), f"not refused: {outcome!r}"
    message = str(outcome[0])
    assert f"is {kind}" in message and "not a regular file" in message and message.startswith(place)
    return took


@needs_fifo
def test_a_fifo_without_a_writer_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "inbox"
    os.mkfifo(fifo)
    took = _refused_at_once([fifo], "a pipe (FIFO)")
    report(f"files=: a FIFO with no writer refused in {took * 1000:.1f} ms (bound 100 ms)")
    assert took < 0.1


@needs_fifo
def test_a_fifo_whose_writer_never_closes_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "log"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # a writer that stays, with bytes waiting
    try:
        os.write(writer, b"some of it, never the end")
        took = _refused_at_once([str(fifo)], "a pipe (FIFO)")
    finally:
        os.close(writer)
    report(f"files=: a FIFO whose writer never closes refused in {took * 1000:.1f} ms (bound 100 ms)")
    assert took < 0.1


_STDIN_CHILD = """
import json, sys, time
from ethos_sdk import ConfigurationError
from ethos_sdk._files import attachments_for
out = {}
for label, item in (("path", "/dev/stdin"), ("file object", sys.stdin.buffer)):
    started = time.monotonic()
    try:
        attachments_for([item])
        out[label] = ["read", time.monotonic() - started]
    except ConfigurationError as exc:
        out[label] = [str(exc), time.monotonic() - started]
print(json.dumps(out), flush=True)
"""


@pytest.mark.skipif(not os.path.exists("/dev/stdin"), reason="no /dev/stdin on this platform")
def test_dev_stdin_on_a_pipe_is_refused_at_once_as_a_path_and_as_a_file_object() -> None:
    import json

    child = subprocess.Popen(
        [sys.executable, "-c", _STDIN_CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(b"the start of what the pipe carries")  # and its writer never closes it
        child.stdin.flush()
        ready, _, _ = select.select([child.stdout], [], [], 30)  # a child reading the pipe would never answer
        assert ready, "the child is still reading /dev/stdin after 30 s"
        line = child.stdout.readline()
    finally:
        child.kill()
        child.wait()
    got = json.loads(line)
    for label in ("path", "file object"):
        message, took = got[label]
        report(f"files=: /dev/stdin on a pipe ({label}) refused in {took * 1000:.1f} ms (bound 100 ms)")
        assert "is a pipe (FIFO), not a regular file" in message and "pass the bytes" in message
        assert took < 0.1


def test_a_file_object_on_a_pipe_is_refused_and_the_pipe_is_not_read() -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, b"waiting")
    with open(read_end, "rb") as stream:
        try:
            took = _refused_at_once([stream], "a pipe (FIFO)")
        finally:
            os.close(write_end)
        assert stream.read() == b"waiting"  # left for its owner to read
    assert took < 0.1


@pytest.mark.parametrize(
    "make, kind",
    [
        (lambda folder: folder, "a folder"),
        (lambda folder: Path(os.devnull), "a character device"),
    ],
)
def test_folders_and_devices_are_refused(tmp_path: Path, make: Callable[[Path], Path], kind: str) -> None:
    _refused_at_once([make(tmp_path)], kind)


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets on this platform")
def test_a_socket_is_refused(tmp_path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind(str(tmp_path / "control.sock"))
        _refused_at_once([tmp_path / "control.sock"], "a socket")
    finally:
        listener.close()


@needs_fifo
def test_the_avatar_refuses_a_fifo_the_same_way(tmp_path: Path) -> None:
    fifo = tmp_path / "face.png"
    os.mkfifo(fifo)
    with EthosClient("http://127.0.0.1:9", cookie="not-used") as client:
        took = _refused_at_once(
            fifo, "a pipe (FIFO)", lambda image: client.personalities.set_avatar("researcher", image), "the avatar image"
        )
    assert took < 0.1


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    "given, sent",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\notes.txt", "notes.txt"),
        ("in\x1b[2Jvoice.txt", "in[2Jvoice.txt"),         # a terminal escape loses its ESC
        ("line\r\nbreak\x00.txt", "linebreak.txt"),
        ("report\u202etxt.exe", "reporttxt.exe"),          # a bidi override that would show ...exe.txt
        ("zero\u200bwidth\u2066.md", "zerowidth.md"),
        ("x" * 1000 + ".txt", "x" * (MAX_NAME_LENGTH - 4) + ".txt"),
    ],
)
def test_names_are_cleaned_before_they_are_sent(given: str, sent: str) -> None:
    for item in ((given, b"data"), File(b"data", name=given)):
        got = attachments_for([item])[0]
        assert got.get("name") == sent
    assert attachments_for([(given, b"data")])[0]["mimeType"] == mime_type_of(b"data", sent)


@pytest.mark.parametrize("given", ["..", "\u202e\u200b", " . "])
def test_a_name_with_nothing_left_is_not_sent(given: str) -> None:
    got = attachments_for([(given, b"data")])[0]
    assert "name" not in got and got["mimeType"] == "text/plain"


def test_a_path_and_a_file_object_send_their_cleaned_base_name(tmp_path: Path) -> None:
    path = tmp_path / "minutes\x1b]0;owned\x07.txt"
    path.write_bytes(b"agenda")
    with open(path, "rb") as handle:
        got = attachments_for([path, handle])
    assert [a.get("name") for a in got] == ["minutes]0;owned.txt"] * 2


@pytest.mark.parametrize("files", ["note.txt", ("note.txt", b"data"), File(b"x", name="x")])
def test_one_file_on_its_own_is_not_mistaken_for_a_list(files: Any) -> None:
    with pytest.raises(ConfigurationError, match="must be a list"):
        attachments_for(files)


def test_a_tuple_of_paths_is_a_list(note: Path) -> None:
    assert len(attachments_for((str(note), str(note)))) == 2


def test_file_checks_its_arguments_and_never_shows_its_content() -> None:
    with pytest.raises(ConfigurationError):
        File("not bytes")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        File(b"x", name="")
    with pytest.raises(ConfigurationError):
        File(b"x", mime_type="png")
    assert repr(File(b"secret", name="k.txt")) == "File(<6 bytes>, name='k.txt', mime_type=None)"


# ----------------------------------------------------------------- limits


def test_the_limits_are_the_servers() -> None:
    assert (MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES) == (10, 10 * 1024 * 1024)


def test_ten_files_go_and_eleven_are_refused() -> None:
    assert len(attachments_for([(f"{i}.txt", b"x") for i in range(10)])) == 10
    with pytest.raises(ConfigurationError, match="11 attachments for one message; the server takes at most 10"):
        attachments_for([(f"{i}.txt", b"x") for i in range(11)])


def test_the_count_includes_hand_built_attachments() -> None:
    given: List[Attachment] = [{"type": "file", "data": "eA==", "mimeType": "text/plain"}] * 6
    with pytest.raises(ConfigurationError, match="11 attachments"):
        attachments_for([(f"{i}.txt", b"x") for i in range(5)], given)


def test_exactly_10_mib_goes_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    half = MAX_ATTACHMENT_BYTES // 2
    assert len(attachments_for([("a.bin", b"\x00" * half), ("b.bin", b"\x00" * half)])) == 2
    with pytest.raises(ConfigurationError, match="10,485,761 bytes; the server takes at most 10,485,760"):
        attachments_for([("a.bin", b"\x00" * half), ("b.bin", b"\x00" * (half + 1))])


def test_a_large_file_is_refused_from_its_size_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.log"
    with open(big, "wb") as handle:
        handle.truncate(MAX_ATTACHMENT_BYTES + 1)  # sparse: nothing to read, and nothing is
    asked: List[int] = []
    real_fdopen = os.fdopen

    class Watched:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> "Watched":
            return self

        def __exit__(self, *exc: Any) -> None:
            self.handle.close()

        def fileno(self) -> int:
            return int(self.handle.fileno())

        def read(self, size: int = -1) -> bytes:
            asked.append(size)
            return bytes(self.handle.read(size))

    monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: Watched(real_fdopen(*args, **kwargs)))
    with pytest.raises(ConfigurationError, match="at most 10,485,760"):
        attachments_for([big])
    assert asked == []
    small = tmp_path / "small.txt"
    small.write_bytes(b"x")
    attachments_for([small])
    assert asked == [MAX_ATTACHMENT_BYTES + 1]  # the watch sees reads when there are some


def test_a_file_object_is_read_no_further_than_the_limit() -> None:
    class Endless(io.RawIOBase):
        asked: List[int] = []

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.asked.append(size)
            return b"\x00" * size

    stream = Endless()
    with pytest.raises(ConfigurationError, match="at most 10,485,760"):
        attachments_for([("one.bin", b"\x00" * 10), stream])  # type: ignore[list-item]
    assert stream.asked == [MAX_ATTACHMENT_BYTES - 10 + 1]


# --------------------------------------------------------- against the server


def test_files_reach_the_agent_through_ask(client: EthosClient, note: Path) -> None:
    reply = client.chat.ask("When is the meeting?", files=[note, ("chart.png", PNG)])
    assert "=== file: note.txt ===\nThe meeting moved to Thursday.\n\n=== end file ===" in reply.text
    assert 'mime="image/png"' in reply.text and 'filename="chart.png"' in reply.text
    assert reply.text.endswith("When is the meeting?")
    stored = client.sessions.get(reply.session_id)["messages"]
    assert stored[0]["role"] == "user" and "=== file: note.txt ===" in stored[0]["content"]


def test_files_reach_the_agent_through_stream_and_send(client: EthosClient, note: Path) -> None:
    with client.chat.stream("Read it", files=[str(note)]) as turn:
        assert "The meeting moved to Thursday." in turn.result().text
    sent = client.chat.send("And now?", session_id=turn.session_id, files=[File(b"v2 notes", name="v2.txt")])
    assert sent["sessionId"] == turn.session_id
    with client.events(turn.session_id, since=None) as events:
        for event in events:
            if event["type"] == "done" and "v2 notes" in event["text"]:
                break


def test_a_text_file_that_starts_like_an_image_reaches_the_agent_as_text(client: EthosClient, tmp_path: Path) -> None:
    readme = tmp_path / "readme.txt"
    readme.write_bytes(b"GIF89a is how a GIF starts; this file only says so.\n")
    reply = client.chat.ask("What does it say?", files=[readme])
    assert "=== file: readme.txt ===\nGIF89a is how a GIF starts" in reply.text  # inlined: the model reads it


def test_a_cleaned_name_is_what_reaches_the_agent(client: EthosClient) -> None:
    reply = client.chat.ask("Read it", files=[("../\x1b[31mred\u202e.txt", b"plain")])
    assert "=== file: [31mred.txt ===" in reply.text and "\x1b" not in reply.text and "\u202e" not in reply.text


@needs_fifo
@pytest.mark.parametrize("how", ["send", "ask", "stream"])
def test_a_fifo_is_refused_before_anything_is_sent(
    server: LocalEthosServer, client: EthosClient, tmp_path: Path, how: str
) -> None:
    fifo = tmp_path / "stream.txt"
    os.mkfifo(fifo)
    before = server.request_counts.get("chat.send", 0)
    _refused_at_once([fifo], "a pipe (FIFO)", lambda files: getattr(client.chat, how)("hello", files=files, timeout=3))
    assert server.request_counts.get("chat.send", 0) == before


@pytest.mark.parametrize("how", ["send", "ask", "stream"])
def test_eleven_files_are_refused_before_anything_is_sent(server: LocalEthosServer, client: EthosClient, how: str) -> None:
    before = server.request_counts.get("chat.send", 0)
    sessions = len(client.sessions.list(limit=200)["items"])
    files = [(f"{i}.txt", b"x") for i in range(11)]
    with pytest.raises(ConfigurationError, match="at most 10"):
        if how == "send":
            client.chat.send("hello", files=files)
        elif how == "ask":
            client.chat.ask("hello", files=files)
        else:
            client.chat.stream("hello", files=files)
    assert server.request_counts.get("chat.send", 0) == before
    assert len(client.sessions.list(limit=200)["items"]) == sessions


def test_the_local_server_enforces_the_limits_itself(client: EthosClient) -> None:
    eleven = [{"type": "file", "data": "eA==", "mimeType": "text/plain"}] * 11
    with pytest.raises(BadRequestError, match="Too many attachments: 11 \\(max 10\\)") as refused:
        client.call("chat.send", {"clientId": "t", "text": "hi", "attachments": eleven})
    assert refused.value.code == "INVALID_INPUT" and refused.value.action == "Reduce the number of attachments."
    big = base64.b64encode(b"\x00" * (MAX_ATTACHMENT_BYTES + 1)).decode()
    with pytest.raises(BadRequestError, match="Total attachment size exceeds 10 MB"):
        client.call("chat.send", {"clientId": "t", "text": "hi", "attachments": [{"type": "file", "data": big, "mimeType": "x/y"}]})
