"""Loading a history file's text safely: bounded size, UTF-8, no binary data. Every
complaint about a file names the file and the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from ..errors import TraceFormatError

MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    path: Path
    text: str

    def fail(self, line: int, message: str) -> NoReturn:
        raise TraceFormatError(f"{self.path}:{line}: {message}")


def load(path: str | Path, max_bytes: int = MAX_BYTES) -> Source:
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > max_bytes:
            raise TraceFormatError(
                f"{file}: {size:,} bytes is more than the {max_bytes:,} a history may have"
            )
        data = file.read_bytes()
    except OSError as exc:
        raise TraceFormatError(f"cannot read history file {str(file)!r}: {exc.strerror}") from None
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise TraceFormatError(f"{file}:{line}: binary data (a NUL byte); a history is text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TraceFormatError(f"{file}:{line}: not UTF-8 text ({exc.reason})") from None
    if not text.strip():
        raise TraceFormatError(f"{file}: the history is empty")
    return Source(file, text.removeprefix("\ufeff"))


def hashable(source: Source, line: int, value: Any, what: str = "a value") -> Any:
    """A JSON or EDN value as a hashable one (lists become tuples), iteratively; maps are
    refused: no operation kind takes one."""
    if isinstance(value, dict):
        source.fail(line, f"{what} cannot be a map: {_short(value)}")
    if not isinstance(value, list | tuple | frozenset):
        return value
    # Rebuild nested lists bottom-up without recursion.
    stack: list[tuple[Any, list[Any]]] = [(value, [])]
    iterators = [iter(value)]
    while True:
        item = next(iterators[-1], _END)
        if item is _END:
            original, built = stack.pop()
            iterators.pop()
            done = frozenset(built) if isinstance(original, frozenset) else tuple(built)
            if not stack:
                return done
            stack[-1][1].append(done)
        elif isinstance(item, dict):
            source.fail(line, f"{what} cannot contain a map: {_short(item)}")
        elif isinstance(item, list | tuple | frozenset):
            stack.append((item, []))
            iterators.append(iter(item))
        else:
            stack[-1][1].append(item)


_END = object()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
