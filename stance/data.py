"""Reading statements from CSV, JSONL and plain text, with errors a user can act on.

Every check happens here, once, as data enters: the rest of the library trusts what it gets.
Line numbers in messages count the file's lines from 1, the CSV header being line 1.
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from stance.errors import EmptyTextWarning, StanceError
from stance.schema import ACTORS, LABELS, PREDICTION_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

TABLE_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
TEST_SHARE_PERCENT = 20


def file_kind(path: Path) -> str:
    """csv, jsonl or text, by the file's extension: what a user would expect from the name."""
    return TABLE_SUFFIXES.get(path.suffix.lower(), "text")


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise StanceError(f"{path}: no such file")
    if path.is_dir():
        raise StanceError(f"{path}: is a directory, not a file")
    if path.stat().st_size == 0:
        raise StanceError(f"{path}: the file is empty")


def _undecodable_line(path: Path) -> str:
    """Find where the file stops being UTF-8, so the message can point at the line."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as error:
                bad = raw[error.start : error.start + 1]
                return f"{path}: line {number}: bytes that are not UTF-8 ({bad!r}); save the file as UTF-8"
    return f"{path}: bytes that are not UTF-8; save the file as UTF-8"


def _iter_csv(path: Path, chunksize: int) -> Iterator[pd.DataFrame]:
    import pandas as pd

    try:
        with pd.read_csv(
            path, dtype=str, keep_default_na=False, index_col=False, chunksize=chunksize, encoding="utf-8"
        ) as reader:
            yield from reader
    except UnicodeDecodeError:
        raise StanceError(_undecodable_line(path)) from None
    except pd.errors.ParserError as error:
        detail = str(error).replace("Error tokenizing data. C error: ", "").strip()
        raise StanceError(f"{path}: not a well-formed CSV file: {detail}") from None


def _iter_jsonl(path: Path, chunksize: int) -> Iterator[pd.DataFrame]:
    import pandas as pd

    rows: list[dict] = []
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    raise StanceError(f"{path}: line {number}: not valid JSON ({error.msg})") from None
                if not isinstance(row, dict):
                    raise StanceError(f"{path}: line {number}: expected a JSON object, got {type(row).__name__}")
                rows.append({key: "" if value is None else str(value) for key, value in row.items()})
                if len(rows) == chunksize:
                    yield pd.DataFrame(rows)
                    rows = []
    except UnicodeDecodeError:
        raise StanceError(_undecodable_line(path)) from None
    if rows:
        yield pd.DataFrame(rows)


def iter_table(path: str | Path, chunksize: int = 10_000) -> Iterator[pd.DataFrame]:
    """Yield a CSV or JSONL file in chunks of rows, all values as strings, so memory stays bounded."""
    path = Path(path)
    _check_readable(path)
    kind = file_kind(path)
    if kind == "csv":
        chunks = _iter_csv(path, chunksize)
    elif kind == "jsonl":
        chunks = _iter_jsonl(path, chunksize)
    else:
        raise StanceError(f"{path}: expected a .csv or .jsonl file")
    rows = 0
    for chunk in chunks:
        if rows == 0:
            _check_columns(path, chunk)
        if len(chunk):
            rows += len(chunk)
            yield chunk
    if rows == 0:
        raise StanceError(f"{path}: the file has no rows")


def iter_lines(path: str | Path | None) -> Iterator[tuple[int, str]]:
    """Plain text, one statement a line, from a file or (path None) standard input."""
    if path is None:
        handle = sys.stdin
        name = "<stdin>"
    else:
        path = Path(path)
        _check_readable(path)
        handle = path.open(encoding="utf-8")
        name = str(path)
    try:
        with handle:
            yield from enumerate((line.rstrip("\r\n") for line in handle), start=1)
    except UnicodeDecodeError:
        raise StanceError(_undecodable_line(Path(name)) if path else "<stdin>: bytes that are not UTF-8") from None


def _check_columns(path: Path, frame: pd.DataFrame) -> None:
    for column in frame.columns:
        if str(column).startswith("Unnamed: "):
            raise StanceError(
                f"{path}: a column has no name in the header (column {frame.columns.get_loc(column) + 1})"
            )


def line_number(path: Path, index: int) -> int:
    """The file line of a data row: CSV counts its header, JSONL does not."""
    return index + (2 if file_kind(path) == "csv" else 1)


def require_columns(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns))
        raise StanceError(f"{path}: missing column {missing[0]!r} (found: {found})")


def refuse_prediction_columns(path: Path, frame: pd.DataFrame) -> None:
    """Output appends these columns; an input column of the same name would be lost."""
    clash = [column for column in PREDICTION_COLUMNS if column in frame.columns]
    if clash:
        raise StanceError(f"{path}: input column {clash[0]!r} clashes with an output column; rename it")


def check_values(path: Path, frame: pd.DataFrame, column: str, allowed: tuple[str, ...], offset: int = 0) -> None:
    """Refuse the first value outside `allowed`, naming its line and the valid values."""
    bad = ~frame[column].isin(allowed)
    if bad.any():
        index = int(bad.to_numpy().nonzero()[0][0])
        value = frame[column].iloc[index]
        raise StanceError(
            f"{path}: line {line_number(path, offset + index)}, column {column!r}: "
            f"unknown {column} {value!r} (expected one of: {', '.join(allowed)})"
        )


def empty_text_rows(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].str.strip() == ""


def read_labelled(paths: Sequence[str | Path], *, text_column: str = "text") -> pd.DataFrame:
    """Labelled statements for training or evaluation: text and label required, actor checked if present."""
    import pandas as pd

    frames = []
    for raw in paths:
        path = Path(raw)
        frame = pd.concat(list(iter_table(path)), ignore_index=True)
        require_columns(path, frame, [text_column, "label"])
        empty = empty_text_rows(frame, text_column)
        if empty.any():
            index = int(empty.to_numpy().nonzero()[0][0])
            raise StanceError(f"{path}: line {line_number(path, index)}, column {text_column!r}: the text is empty")
        frame["label"] = frame["label"].str.strip()
        check_values(path, frame, "label", LABELS)
        if "actor" in frame.columns:
            check_values(path, frame, "actor", ACTORS)
        if text_column != "text":
            frame = frame.rename(columns={text_column: "text"})
        frames.append(frame)
    if not frames:
        raise StanceError("no data files given")
    return pd.concat(frames, ignore_index=True)


def files_sha256(paths: Sequence[str | Path]) -> str:
    """One hash over the files' bytes, in order: what a model card ties itself to."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def is_test_crisis(crisis: str) -> bool:
    """A crisis goes to the held-out split by a stable hash of its name, so the split never moves."""
    bucket = int(hashlib.sha256(crisis.encode("utf-8")).hexdigest(), 16) % 100
    return bucket < TEST_SHARE_PERCENT


def warn_empty(path: str, lines: list[int]) -> None:
    shown = ", ".join(map(str, lines[:5])) + (" ..." if len(lines) > 5 else "")
    warnings.warn(f"{path}: skipped {len(lines)} empty statement(s) at line(s) {shown}", EmptyTextWarning, stacklevel=2)


def read_article(path: str | Path | None) -> tuple[str, str]:
    """(name, text) of a plain-text article, from a file or (path None) standard input.

    Newlines are kept as they are (CRLF stays CRLF), so extract offsets index the file's own text.
    """
    if path is None:
        try:
            return "<stdin>", sys.stdin.read()
        except UnicodeDecodeError:
            raise StanceError("<stdin>: bytes that are not UTF-8") from None
    path = Path(path)
    _check_readable(path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return str(path), handle.read()
    except UnicodeDecodeError:
        raise StanceError(_undecodable_line(path)) from None
