"""Writing result rows as CSV, JSON lines or JSON, to a file that appears only when complete.

Rows are plain dicts, so the one-quote path writes them without pandas.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from stance.errors import StanceError

FORMATS = ("table", "json", "jsonl", "csv")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def new_temporary(target: Path) -> Path:
    """An empty file beside `target` (so a rename onto it is atomic), with a normal file's permissions."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(descriptor)
    os.chmod(name, 0o666 & ~_umask())
    return Path(name)


@contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A temporary path to write `target` through; removed if the caller did not rename it."""
    path = new_temporary(target)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


_BY_SUFFIX = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}


def choose_format(format: str | None, output: Path | None, stdout_is_terminal: bool) -> str:
    """--format when given; else the output file's extension; else a table for people, JSON lines for pipes."""
    if format is not None:
        if format not in FORMATS:
            raise StanceError(f"unknown format {format!r} (expected one of: {', '.join(FORMATS)})")
        if format == "table" and output is not None:
            raise StanceError(f"{output}: a table is for the terminal; write a file as csv, json or jsonl")
        return format
    if output is not None:
        try:
            return _BY_SUFFIX[output.suffix.lower()]
        except KeyError:
            raise StanceError(
                f"{output}: cannot tell the format from the extension; use .csv, .jsonl, .json or --format"
            ) from None
    return "table" if stdout_is_terminal else "jsonl"


class RowWriter:
    """Streams rows in one format; to a file through a temporary that is renamed when all went well."""

    def __init__(self, format: str, output: Path | None = None) -> None:
        self.format = format
        self.output = output
        self._count = 0
        self._csv: csv.DictWriter | None = None
        if output is None:
            self._temporary = None
            self._handle: IO[str] = sys.stdout
        else:
            self._temporary = new_temporary(output)
            self._handle = self._temporary.open("w", encoding="utf-8", newline="")

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            if self.format == "csv":
                if self._csv is None:
                    self._csv = csv.DictWriter(self._handle, fieldnames=list(row), lineterminator="\n")
                    self._csv.writeheader()
                self._csv.writerow(row)
            elif self.format == "jsonl":
                self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                self._handle.write(("[\n" if self._count == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
            self._count += 1

    def close(self, ok: bool = True) -> None:
        if ok and self.format == "json":
            self._handle.write("[]\n" if self._count == 0 else "\n]\n")
        self._handle.flush()
        if self._temporary is None:
            return
        self._handle.close()
        if ok:
            os.replace(self._temporary, self.output)
        else:
            self._temporary.unlink(missing_ok=True)

    def __enter__(self) -> RowWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.close(ok=exc_type is None)


def write_text_atomically(path: Path, text: str) -> None:
    with temporary_beside(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
