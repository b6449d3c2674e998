"""Writing result rows as CSV, JSON lines or JSON, to a file that appears only when complete.

Rows are plain dicts, so the one-quote path writes them without pandas. Every output path is
checked before a run starts (`check_output`), so a run never replaces its own input, the model it
uses, a device or a directory, and a temporary left by a killed run is swept on the next one.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import sys
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from stance.errors import InputWarning, StanceError

if TYPE_CHECKING:
    import pandas as pd


class Format(StrEnum):
    """Every output format, declared once: the CLI validates --format from it."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


FORMATS = tuple(member.value for member in Format)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _say_why(path: Path, error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    if error.errno == errno.ENOSPC:
        reason = "no space left on the device"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = f"cannot write in {path.parent}: {reason.lower()}"
    return f"{path}: cannot write the file ({reason})"


def _prefix(target: Path) -> str:
    return f".{target.name}."


def new_temporary(target: Path) -> Path:
    """An empty file beside `target` (so a rename onto it is atomic), with a normal file's permissions.

    Its name carries this process's id, so a later run can tell a dead run's leftover from a live one's.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f"{_prefix(target)}{os.getpid()}.", suffix=".tmp")
    except OSError as error:
        raise StanceError(_say_why(target, error)) from None
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_leftovers(target: Path) -> list[Path]:
    """Remove temporaries beside `target` left by runs that died (SIGKILL, power loss).

    A temporary whose process still runs is a concurrent writer's and is left alone; one whose
    name holds no process id is named in a warning rather than guessed about. Returns those removed.
    """
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    for leftover in target.parent.glob(f"{_prefix(target)}*.tmp"):
        owner = leftover.name[len(_prefix(target)) :].split(".", 1)[0]
        if owner.isdigit():
            if int(owner) != os.getpid() and not _alive(int(owner)):
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
        else:
            warnings.warn(f"{leftover}: a temporary file left by an earlier run; remove it", InputWarning, stacklevel=2)
    return removed


def _same(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return os.path.realpath(one) == os.path.realpath(other)


def _through_a_file(path: Path) -> Path | None:
    for parent in path.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def check_output(
    path: Path, *, inputs: Iterable[Path | None] = (), protected: Iterable[Path | None] = (), option: str = ""
) -> Path:
    """Refuse an output that would destroy something; return the regular file to write.

    Refused: a directory, a device, a FIFO or socket, a path under a file, one of the run's
    inputs, and the model (or a file beside it with its name, such as its card) the run uses.
    A symlink is followed: its target is replaced, the link itself stays.
    """
    named = f"{option} {path}" if option else str(path)
    target = Path(os.path.realpath(path))
    blocker = _through_a_file(target)
    if blocker is not None:
        raise StanceError(f"{named}: {blocker} is a file, not a directory")
    if target.exists():
        mode = target.stat().st_mode
        if stat.S_ISDIR(mode):
            raise StanceError(f"{named}: is a directory; give a file name")
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            raise StanceError(f"{named}: is a device, not a file; refusing to replace it")
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise StanceError(f"{named}: is a pipe or socket, not a file; write to a regular file or to stdout")
        if not stat.S_ISREG(mode):
            raise StanceError(f"{named}: not a regular file; refusing to replace it")
    for source in inputs:
        if source is not None and str(source) != "-" and _same(target, source):
            raise StanceError(f"{named}: is an input of this run ({source}); writing it would destroy the input")
    for model in protected:
        if model is None:
            continue
        model_real = Path(os.path.realpath(model))
        if target.parent == model_real.parent and target.stem == model_real.stem:
            raise StanceError(f"{named}: belongs to the model in use ({model}); choose another file")
    sweep_leftovers(target)
    return target


def choose_format(format: str | None, output: Path | None, stdout_is_terminal: bool) -> str:
    """--format when given; else the output file's extension; else a table for people, JSON lines for pipes."""
    if isinstance(format, Format):
        format = format.value
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


_BY_SUFFIX = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}


def escape_formula(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """A frame's rows as dicts, missing values as None (null in JSON, empty in CSV)."""
    yield from frame.astype(object).where(frame.notna(), None).to_dict("records")


def render(frame: pd.DataFrame, format: str, escape_formulas: bool = True) -> str:
    """A frame's rows as `RowWriter.write` would write them (no header, no brackets), a column at a time.

    The same text as row by row, made without a dict per row: CSV cells are made per column and
    written by the csv module in one call; JSON rows are joined by ",\n".
    """
    if format != "csv":
        dumped = [json.dumps(row, ensure_ascii=False) for row in records(frame)]
        return "".join(line + "\n" for line in dumped) if format == "jsonl" else ",\n".join(dumped)
    buffer = io.StringIO()
    columns = [_csv_cells(frame[column], escape_formulas) for column in frame.columns]
    csv.writer(buffer, lineterminator="\n").writerows(zip(*columns, strict=True))
    return buffer.getvalue()


def _csv_cells(values: pd.Series, escape_formulas: bool) -> list[Any]:
    """One column's CSV cells: missing values empty, floats as `repr` (as the csv module writes them)."""
    if values.dtype.kind == "f":
        return _float_cells(values.to_numpy())
    cells = values.astype(object).where(values.notna(), "").tolist()
    if escape_formulas:  # found in bulk; `escape_formula` decides per cell (a number stays a number)
        formula = values.astype(str).str.startswith(FORMULA_STARTS, na=False).to_numpy(dtype=bool)
        for index in formula.nonzero()[0].tolist():
            cells[index] = escape_formula(cells[index])
    return cells


@cache
def _four_decimals() -> Any:
    """The reprs of 0.0, 0.0001, ... 1.0, then "" for a missing value."""
    import numpy as np

    return np.array([*(repr(k / 10_000) for k in range(10_001)), ""], dtype=object)


def _float_cells(values: Any) -> list[str]:
    """Floats as text; those on a grid of 4 decimals (the rounded probabilities) from a table of their reprs."""
    import numpy as np

    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    steps = np.rint(filled * 10_000)
    if ((steps >= 0) & (steps <= 10_000) & (steps / 10_000 == filled)).all():
        return _four_decimals()[np.where(present, steps, 10_001).astype(np.int64)].tolist()
    return ["" if value != value else repr(value) for value in values.tolist()]


class RowWriter:
    """Streams rows in one format; to a file through a temporary that is renamed when all went well.

    `columns` gives a CSV its header even when no row comes; `escape_formulas` quotes CSV cells
    that a spreadsheet would evaluate.
    """

    def __init__(
        self,
        format: str,
        output: Path | None = None,
        *,
        columns: list[str] | None = None,
        escape_formulas: bool = True,
    ) -> None:
        self.format = format
        self.output = output
        self.columns = columns
        self.escape_formulas = escape_formulas
        self._count = 0
        self._csv: csv.DictWriter | None = None
        if output is None:
            if sys.stdout is None:
                raise StanceError("standard output is closed; give --output FILE")
            self._temporary = None
            self._target = None
            self._handle: IO[str] = sys.stdout
        else:
            self._target = Path(os.path.realpath(output))
            self._temporary = new_temporary(self._target)
            self._handle = self._temporary.open("w", encoding="utf-8", newline="")

    def _start_csv(self, columns: list[str]) -> csv.DictWriter:
        writer = csv.DictWriter(self._handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        return writer

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        try:
            for row in rows:
                self._write_row(row)
        except OSError as error:
            if self.output is None:
                raise
            raise StanceError(_say_why(self.output, error)) from None

    def write_rendered(self, text: str, rows: int, columns: list[str]) -> None:
        """Rows already in this format (`render`): the fast path for big tables."""
        try:
            if self.format == "csv" and self._csv is None:
                self._csv = self._start_csv(columns)
            if self.format == "json" and rows:
                self._handle.write("[\n" if self._count == 0 else ",\n")
            self._handle.write(text)
        except OSError as error:
            if self.output is None:
                raise
            raise StanceError(_say_why(self.output, error)) from None
        self._count += rows

    def _write_row(self, row: dict[str, Any]) -> None:
        if self.format == "csv":
            if self._csv is None:
                self._csv = self._start_csv(list(row))
            if self.escape_formulas:
                row = {key: escape_formula(value) for key, value in row.items()}
            extra = [key for key in row if key not in self._csv.fieldnames]
            if extra:
                raise StanceError(
                    f"{self.output or '<stdout>'}: row {self._count + 1} has column {extra[0]!r} "
                    "that the first row lacked; a CSV needs the same columns in every row (use jsonl)"
                )
            self._csv.writerow(row)
        elif self.format == "jsonl":
            self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            self._handle.write(("[\n" if self._count == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
        self._count += 1

    def close(self, ok: bool = True) -> None:
        """Finish the format and rename the temporary into place; on failure, remove the temporary."""
        try:
            if ok:
                if self.format == "json":
                    self._handle.write("[]\n" if self._count == 0 else "\n]\n")
                if self.format == "csv" and self._csv is None and self.columns:
                    self._csv = self._start_csv(self.columns)
                self._handle.flush()
                if self._temporary is not None and self._target is not None:
                    self._handle.close()
                    os.replace(self._temporary, self._target)
        except OSError as error:
            if self._temporary is None or self.output is None:
                raise
            ok = False
            raise StanceError(_say_why(self.output, error)) from None
        finally:
            if self._temporary is not None and not ok:
                with suppress(OSError):
                    self._handle.close()
                self._temporary.unlink(missing_ok=True)

    def __enter__(self) -> RowWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.close(ok=exc_type is None)


def write_text_atomically(path: Path, text: str) -> None:
    target = Path(os.path.realpath(path))
    with temporary_beside(target) as temporary:
        try:
            temporary.write_text(text, encoding="utf-8")
        except OSError as error:
            raise StanceError(_say_why(path, error)) from None
        os.replace(temporary, target)


def pyplot(needed_for: str) -> Any:
    """matplotlib's pyplot without a display, or a one-line error naming the extra that brings it."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise StanceError(f"{needed_for} needs the report extra: pip install 'stance[report]'") from None
    return plt


def save_figure(figure: Any, path: Path, dpi: int) -> None:
    """A matplotlib figure written as PNG through a temporary renamed into place, then closed."""
    with temporary_beside(path) as temporary:
        figure.savefig(temporary, format="png", dpi=dpi)
        temporary.replace(path)
    pyplot("a plot").close(figure)
