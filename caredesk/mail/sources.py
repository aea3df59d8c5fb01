"""Where `caredesk ingest` reads emails from: .eml files, folders of them, mbox files and stdin."""

import mailbox
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

STDIN = "-"


class BadSource(ValueError):
    """A path that cannot be read as email; the message says which and why."""


def check(paths: list[str]) -> None:
    """Raise BadSource for the first path that does not exist, before anything is read or stored."""
    if paths.count(STDIN) > 1:
        raise BadSource("- (standard input) can be given only once.")
    for path in paths:
        if path != STDIN and not Path(path).exists():
            raise BadSource(f"{path} does not exist. Give .eml files, folders of them, mbox files, or - for stdin.")


def messages(paths: list[str], *, stdin: BinaryIO) -> Iterator[bytes]:
    """The raw bytes of each email, in the order given; a folder's .eml files in name order."""
    for path in paths:
        if path == STDIN:
            yield stdin.read()
            continue
        path = Path(path)
        if path.is_dir():
            for file in sorted(child for child in path.iterdir() if child.is_file() and child.suffix.lower() == ".eml"):
                yield file.read_bytes()
        elif is_mbox(path):
            yield from _mbox(path)
        else:
            yield path.read_bytes()


def runs(messages: Iterable[bytes], *, most: int, size: int) -> Iterator[list[bytes]]:
    """The emails in order, in lists of at most `most`, and at most `size` bytes beyond a list's first."""
    run, total = [], 0
    for raw in messages:
        if run and (len(run) >= most or total + len(raw) > size):
            yield run
            run, total = [], 0
        run.append(raw)
        total += len(raw)
    if run:
        yield run


def is_mbox(path: Path) -> bool:
    """An mbox file by name, or by content: every message in one starts with a "From " line."""
    if path.suffix.lower() == ".mbox":
        return True
    with path.open("rb") as file:
        return file.read(5) == b"From "


def _mbox(path: Path) -> Iterator[bytes]:
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            # Without the "From " separator line, which is the mbox's and not part of the message.
            yield box.get_bytes(key)
    finally:
        box.close()
