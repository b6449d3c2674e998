"""Reading statements from CSV, JSONL and plain text, with errors a user can act on.

Every check happens here, once, as data enters: the rest of the library trusts what it gets.
Line numbers in messages count the file's lines from 1, the CSV header being line 1.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from stance.errors import EmptyTextWarning, InputWarning, NotEnglishWarning, StanceError
from stance.schema import ACTORS, LABELS, PREDICTION_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
ACCEPTED = ".csv, .tsv, .jsonl, .ndjson, .json, or plain text (one statement a line)"
TEST_SHARE_PERCENT = 20
BOM = b"\xef\xbb\xbf"
SNIFF_BYTES = 8192
# A few words nearly every English sentence of eight words or more holds one of.
_COMMON_ENGLISH = (
    "the a an of to and in is are was were be been it its we our us they their this that these those "
    "on for with by as at from not no will would has have had all any which who must should can says said"
)
ENGLISH_WORDS = frozenset(_COMMON_ENGLISH.split())
_TAG = re.compile(rb"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?>")
_WORDS = re.compile(r"[^\W\d_]+")
# A common English word as a whole run of letters: one search, which stops at the first found.
_ENGLISH_WORD = re.compile(
    r"(?<![^\W\d_])(?:" + "|".join(sorted(ENGLISH_WORDS, key=len, reverse=True)) + r")(?![^\W\d_])", re.IGNORECASE
)


def file_kind(path: Path) -> str:
    """csv, tsv, jsonl, json or text, by the file's extension: what a user would expect from the name."""
    return TABLE_SUFFIXES.get(path.suffix.lower(), "text")


def check_readable(path: Path) -> None:
    """Refuse a missing path, a directory and an empty regular file; pipes and /dev/fd/N pass
    (their size says nothing before they are read)."""
    if not path.exists():
        raise StanceError(f"{path}: no such file")
    if path.is_dir():
        raise StanceError(f"{path}: is a directory, not a file")
    info = path.stat()
    if stat.S_ISREG(info.st_mode) and info.st_size == 0:
        raise StanceError(f"{path}: the file is empty")


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _undecodable_line(path: Path) -> str:
    """Find where the file stops being UTF-8, so the message can point at the line.

    A pipe cannot be read twice, so for one the message names no line."""
    if _is_regular(path):
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    return _not_utf8(str(path), number, raw[error.start : error.start + 1])
    return f"{path}: bytes that are not UTF-8; save the file as UTF-8"


def _not_utf8(name: str, number: int, bad: bytes) -> str:
    return f"{name}: line {number}: bytes that are not UTF-8 ({bad!r}); save the file as UTF-8"


def looks_like_html(head: bytes) -> bool:
    """A web page saved as is: a doctype or <html> at the start, or markup tags all over."""
    start = head.lstrip(BOM + b" \t\r\n")[:64].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")):
        return True
    return len(_TAG.findall(head)) >= 10


def _sniff_text(name: str, head: bytes, *, what: str) -> None:
    """Refuse bytes that are not text (a NUL byte) and HTML, before any line is classified."""
    if b"\x00" in head:
        raise StanceError(f"{name}: not a text file (it holds binary data); accepted formats: {ACCEPTED}")
    if looks_like_html(head):
        raise StanceError(f"{name}: looks like an HTML page, not {what}; save the page's text and give that")


def _decoded_lines(handle: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    """Lines of a binary stream decoded strictly as UTF-8, a leading BOM dropped, numbered from 1."""
    for number, raw in enumerate(handle, start=1):
        if number == 1:
            raw = raw.removeprefix(BOM)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise StanceError(_not_utf8(name, number, raw[error.start : error.start + 1])) from None
        yield number, line.rstrip("\r\n")


def _stdin_bytes() -> BinaryIO:
    if sys.stdin is None:
        raise StanceError("<stdin>: standard input is closed; give a file or pipe text in")
    return cast(BinaryIO, getattr(sys.stdin, "buffer", sys.stdin))  # a test's replacement may be bytes already


def _iter_csv(path: Path, chunksize: int, separator: str = ",", keep_blank: bool = False) -> Iterator[pd.DataFrame]:
    import pandas as pd

    kind = "TSV" if separator == "\t" else "CSV"
    try:
        with pd.read_csv(
            path,
            sep=separator,
            dtype=str,
            keep_default_na=False,
            index_col=False,
            chunksize=chunksize,
            encoding="utf-8-sig",
            skip_blank_lines=not keep_blank,
        ) as reader:
            yield from reader
    except UnicodeDecodeError:
        raise StanceError(_undecodable_line(path)) from None
    except pd.errors.ParserError as error:
        detail = str(error).replace("Error tokenizing data. C error: ", "").strip()
        raise StanceError(f"{path}: not a well-formed {kind} file: {detail}") from None
    except pd.errors.EmptyDataError:
        raise StanceError(f"{path}: the file is empty") from None


def _as_row(path: Path, where: str, row: object) -> dict[str, str]:
    if not isinstance(row, dict):
        raise StanceError(f"{path}: {where}: expected a JSON object, got {type(row).__name__}")
    return {str(key): "" if value is None else str(value) for key, value in row.items()}


def _iter_jsonl(path: Path, chunksize: int) -> Iterator[pd.DataFrame]:
    import pandas as pd

    rows: list[dict] = []
    with path.open("rb") as handle:
        for number, line in _decoded_lines(handle, str(path)):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise StanceError(f"{path}: line {number}: not valid JSON ({error.msg})") from None
            rows.append(_as_row(path, f"line {number}", row))
            if len(rows) == chunksize:
                yield pd.DataFrame(rows)
                rows = []
    if rows:
        yield pd.DataFrame(rows)


def _iter_json(path: Path, chunksize: int) -> Iterator[pd.DataFrame]:
    """A JSON array of objects, one object a row."""
    import pandas as pd

    raw = path.read_bytes().removeprefix(BOM)
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise StanceError(_undecodable_line(path)) from None
    except json.JSONDecodeError as error:
        raise StanceError(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(document, list):
        raise StanceError(f"{path}: expected a JSON array of objects, got a {type(document).__name__}")
    for start in range(0, len(document), chunksize):
        yield pd.DataFrame(
            [_as_row(path, f"item {start + i + 1}", row) for i, row in enumerate(document[start : start + chunksize])]
        )


def iter_table(
    path: str | Path, chunksize: int = 10_000, required: Iterable[str] = (), keep_blank: bool = False
) -> Iterator[pd.DataFrame]:
    """Yield a CSV, TSV, JSONL or JSON file in chunks of rows, all values as strings, so memory stays bounded.

    `required` columns must be in the header, and in every JSON object (an object without one is
    named); other keys an object lacks read as empty. `keep_blank` keeps a blank line of a CSV
    or TSV as an empty row, for output that must stay row-aligned with the file.
    """
    path = Path(path)
    required = list(required)
    check_readable(path)
    kind = file_kind(path)
    if kind in ("csv", "tsv"):
        chunks = _iter_csv(path, chunksize, "\t" if kind == "tsv" else ",", keep_blank)
    elif kind == "jsonl":
        chunks = _iter_jsonl(path, chunksize)
    elif kind == "json":
        chunks = _iter_json(path, chunksize)
    else:
        raise StanceError(f"{path}: expected a table: .csv, .tsv, .jsonl, .ndjson or .json")
    rows = 0
    for chunk in chunks:
        if rows == 0:
            _check_columns(path, chunk)
            require_columns(path, chunk, required)
        for column in required:
            absent = chunk[column].isna()
            if absent.any():
                index = rows + int(absent.to_numpy().nonzero()[0][0])
                raise StanceError(f"{path}: {where(path, index)}: no {column!r} key")
        chunk = chunk.fillna("")
        if len(chunk):
            rows += len(chunk)
            yield chunk
    if rows == 0:
        raise StanceError(f"{path}: the file has no rows")


def iter_lines(path: str | Path | None) -> Iterator[tuple[int, str]]:
    """Plain text, one statement a line, from a file, a pipe or (path None) standard input.

    Decoded strictly as UTF-8 wherever it comes from; binary files and HTML pages are refused.
    """
    if path is None:
        name = "<stdin>"
        handle = _stdin_bytes()
    else:
        path = Path(path)
        check_readable(path)
        name = str(path)
        handle = path.open("rb")
    with handle:
        peek = getattr(handle, "peek", None)
        if peek is not None:
            _sniff_text(name, peek(SNIFF_BYTES)[:SNIFF_BYTES], what="statements one a line")
        yield from _decoded_lines(handle, name)


def _check_columns(path: Path, frame: pd.DataFrame) -> None:
    for column in frame.columns:
        if str(column).startswith("Unnamed: "):
            raise StanceError(
                f"{path}: a column has no name in the header (column {frame.columns.get_loc(column) + 1})"
            )


def line_number(path: Path, index: int) -> int:
    """The file line of a data row: CSV and TSV count their header, JSONL does not."""
    return index + (2 if file_kind(path) in ("csv", "tsv") else 1)


def where(path: Path, index: int) -> str:
    """Where a data row is, in the terms of its file: a line, or an item of a JSON array."""
    if file_kind(path) == "json":
        return f"item {index + 1}"
    return f"line {line_number(path, index)}"


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
            f"{path}: {where(path, offset + index)}, column {column!r}: "
            f"unknown {column} {value!r} (expected one of: {', '.join(allowed)})"
        )


def empty_text_rows(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].str.strip() == ""


def read_labelled(paths: Sequence[str | Path], *, text_column: str = "text") -> pd.DataFrame:
    """Labelled statements for training or evaluation: text and label required, actor checked if present.

    Files merge on their common meaning: when only some name each row's crisis, the merged
    table has no crisis column (and a warning says so), since a crisis-grouped estimate needs all.
    """
    import pandas as pd

    frames = []
    for raw in paths:
        path = Path(raw)
        frame = pd.concat(list(iter_table(path, required=[text_column, "label"])), ignore_index=True)
        empty = empty_text_rows(frame, text_column)
        if empty.any():
            index = int(empty.to_numpy().nonzero()[0][0])
            raise StanceError(f"{path}: {where(path, index)}, column {text_column!r}: the text is empty")
        frame["label"] = frame["label"].str.strip()
        check_values(path, frame, "label", LABELS)
        if "actor" in frame.columns:
            check_values(path, frame, "actor", ACTORS)
        if text_column != "text":
            frame = frame.rename(columns={text_column: "text"})
        frames.append((path, frame))
    if not frames:
        raise StanceError("no data files given")
    without_crisis = [str(path) for path, frame in frames if "crisis" not in frame.columns]
    if without_crisis and len(without_crisis) < len(frames):
        warnings.warn(
            f"{without_crisis[0]}: no 'crisis' column, so crises are ignored for all files "
            "(cross-validation is stratified, not grouped by crisis)",
            InputWarning,
            stacklevel=2,
        )
        frames = [(path, frame.drop(columns="crisis", errors="ignore")) for path, frame in frames]
    return pd.concat([frame for _, frame in frames], ignore_index=True).fillna("")


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


def _shown(lines: list[int], total: int) -> str:
    return ", ".join(map(str, lines[:5])) + (" ..." if total > 5 else "")


def warn_empty(path: str, lines: list[int], total: int | None = None) -> None:
    """`lines` the first lines (five are shown), `total` how many there are in all (default: len(lines))."""
    total = len(lines) if total is None else total
    warnings.warn(
        f"{path}: {total:,} empty statement(s) at line(s) {_shown(lines, total)} kept with no stance",
        EmptyTextWarning,
        stacklevel=2,
    )


def looks_english(text: str) -> bool:
    """A cheap check, not a language detector: mostly Latin letters, and a sentence of eight words or
    more holds a common English word. The model knows English only, so other text gets a warning."""
    if not text.isascii():
        letters = [c for c in text if c.isalpha()]
        if letters and sum(c.isascii() for c in letters) / len(letters) < 0.8:
            return False
    return _ENGLISH_WORD.search(text) is not None or len(_WORDS.findall(text)) < 8


def warn_not_english(path: str, lines: list[int], total: int | None = None) -> None:
    total = len(lines) if total is None else total
    warnings.warn(
        f"{path}: {total:,} statement(s) at line(s) {_shown(lines, total)} do not look like English; the model"
        " knows English only, so their stance is unreliable",
        NotEnglishWarning,
        stacklevel=2,
    )


def read_bytes(path: str | Path | None) -> tuple[str, bytes]:
    """(name, bytes) of a file, a pipe or (path None) standard input, checked as readable first."""
    if path is None:
        return "<stdin>", _stdin_bytes().read()
    path = Path(path)
    check_readable(path)
    try:
        return str(path), path.read_bytes()
    except OSError as error:
        raise StanceError(f"{path}: cannot read ({error.strerror})") from None


def decode_text(name: str, raw: bytes) -> str:
    """Bytes decoded strictly as UTF-8, a BOM dropped, binary refused; newlines kept as they are
    (CRLF stays CRLF), so offsets into the text index the file's own characters."""
    if b"\x00" in raw[:SNIFF_BYTES]:
        raise StanceError(f"{name}: not a text file (it holds binary data); accepted formats: {ACCEPTED}")
    raw = raw.removeprefix(BOM)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        number = raw.count(b"\n", 0, error.start) + 1
        raise StanceError(_not_utf8(name, number, raw[error.start : error.start + 1])) from None
