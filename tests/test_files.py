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
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from ethos_sdk import BadRequestError, ConfigurationError, EthosClient, File
from ethos_sdk._files import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, attachments_for, mime_type_of
from ethos_sdk.testing import LocalEthosServer
from ethos_sdk.types.chat import Attachment

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
        (PNG, "not-really.txt", "image/png"),          # the content's magic bytes win over the name
        (WEBP, None, "image/webp"),
        (PDF, None, "application/pdf"),
        (b"# Title\n", "readme.md", "text/markdown"),
        (b'{"a": 1}', "data.json", "application/json"),
        (b"plain words", None, "text/plain"),             # no name: UTF-8 text is text
        ("caf\u00e9".encode(), None, "text/plain"),
        (b"\x00\x01\x02\xff", None, "application/octet-stream"),
        (b"\x00\x01\x02\xff", "blob.unknownext", "application/octet-stream"),
    ],
)
def test_the_type_comes_from_magic_bytes_then_the_name(data: bytes, name: Any, expected: str) -> None:
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
    opened: List[str] = []
    real_open = open

    def watched_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watched_open)
    with pytest.raises(ConfigurationError, match="at most 10,485,760"):
        attachments_for([big])
    assert opened == []


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
