"""Classifying many statements: quotes, plain-text lines or the rows of a table, chunk by chunk.

Each chunk is read, predicted and handed on before the next is read, so a million-row file
needs the memory of one chunk, and every input column comes out beside the prediction columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stance.data import (
    check_values,
    file_kind,
    iter_lines,
    iter_table,
    line_number,
    looks_english,
    refuse_prediction_columns,
    warn_empty,
    warn_not_english,
)
from stance.model import Prediction, StanceModel
from stance.schema import ACTORS, PREDICTION_COLUMNS, probability_column

if TYPE_CHECKING:
    import pandas as pd

    from stance.articles import Article
    from stance.extraction import AliasTable

CHUNK_ROWS = 10_000


def prediction_columns(prediction: Prediction | None) -> dict[str, Any]:
    """The columns classify and extract append: stance, confidence, one probability per label.

    A row with no prediction (its text is empty) keeps its place with these columns empty (null in
    JSON), and a warning names its line, so the output stays row-aligned with the input.
    """
    if prediction is None:
        return dict.fromkeys(PREDICTION_COLUMNS)
    columns: dict[str, Any] = {"stance": prediction.label, "confidence": round(prediction.confidence, 4)}
    for label, probability in prediction.probabilities.items():
        columns[probability_column(label)] = round(probability, 4)
    return columns


def prediction_frame(model: StanceModel, texts: Sequence[str], min_confidence: float | None = None) -> pd.DataFrame:
    """The columns `prediction_columns` gives, for a whole batch at once: a frame of one row per text.

    `StanceModel.predict_frame` labels the non-empty texts; an empty (or missing) text keeps its
    place with an empty stance and empty probabilities, and the numbers are rounded as classify writes them.
    """
    import pandas as pd

    kept = [i for i, text in enumerate(texts) if isinstance(text, str) and text.strip()]
    predicted = model.predict_frame(pd.DataFrame({"text": [texts[i] for i in kept]}), "text", min_confidence)
    columns = predicted.drop(columns="text").set_axis(kept).reindex(range(len(texts)))
    columns["stance"] = columns["stance"].astype("string")
    numbers = [column for column in columns.columns if column != "stance"]
    columns[numbers] = columns[numbers].astype("float64").round(4)
    return columns


def _predicted(model: StanceModel, texts: list[str], min_confidence: float | None) -> list[Prediction | None]:
    """A prediction per text, None for an empty one: every text keeps its place."""
    kept = [i for i, text in enumerate(texts) if text.strip()]
    predictions: list[Prediction | None] = [None] * len(texts)
    for i, prediction in zip(kept, model.predict([texts[i] for i in kept], min_confidence), strict=True):
        predictions[i] = prediction
    return predictions


def _line_of_row(path: Path, offset: int, index: int) -> int:
    return line_number(path, offset + index)


def flagged(texts: Sequence[str]) -> tuple[list[int], list[int]]:
    """Positions of the empty texts, and of those that do not look like English."""
    empty = [i for i, text in enumerate(texts) if not text.strip()]
    foreign = [i for i, text in enumerate(texts) if text.strip() and not looks_english(text)]
    return empty, foreign


def _warn_about(name: str, texts: Sequence[str], line_of: Callable[[int], int] = lambda index: index + 1) -> None:
    """Warn, naming their lines, about empty texts and texts that do not look like English."""
    empty, foreign = flagged(texts)
    if empty:
        warn_empty(name, [line_of(i) for i in empty])
    if foreign:
        warn_not_english(name, [line_of(i) for i in foreign])


def classify_texts(
    model: StanceModel, texts: Iterable[str], min_confidence: float | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of `text` plus prediction columns for quotes given directly (no file, no pandas)."""
    texts = list(texts)
    _warn_about("arguments", texts)
    yield from _text_rows(model, texts, min_confidence)


def classify_lines(
    model: StanceModel, path: Path | None, min_confidence: float | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[dict[str, Any]]:
    """Plain text, one statement a line, from a file or standard input (path None); a row per line."""
    return _classified(model, line_chunks(path, chunk_rows), "text", min_confidence)


def _text_rows(model: StanceModel, texts: list[str], min_confidence: float | None) -> Iterator[dict[str, Any]]:
    for text, prediction in zip(texts, _predicted(model, texts, min_confidence), strict=True):
        yield {"text": text, **prediction_columns(prediction)}


def classify_table(
    model: StanceModel,
    path: Path,
    text_column: str = "text",
    min_confidence: float | None = None,
    chunk_rows: int = CHUNK_ROWS,
    on_chunk: Callable[[int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every row of a CSV, TSV, JSONL or JSON file with its input columns and the prediction columns."""
    return _classified(model, table_chunks(path, text_column, chunk_rows), text_column, min_confidence, on_chunk)


def _classified(
    model: StanceModel,
    chunks: Iterable[Chunk],
    text_column: str,
    min_confidence: float | None,
    on_chunk: Callable[[int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    import pandas as pd

    from stance.output import records

    for chunk in chunks:
        texts = chunk.frame[text_column].tolist()
        _warn_about(chunk.name, texts, chunk.line_of)
        predicted = prediction_frame(model, texts, min_confidence)
        predicted.index = chunk.frame.index
        yield from records(pd.concat([chunk.frame, predicted], axis=1))
        if on_chunk:
            on_chunk(len(chunk.frame))


def table_chunks(path: Path, text_column: str = "text", chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """A table's rows a chunk at a time, checked as `classify_table` checks them."""
    offset = 0
    for frame in iter_table(path, chunk_rows, required=[text_column], keep_blank=True):
        if offset == 0:
            refuse_prediction_columns(path, frame)
        if "actor" in frame.columns:
            check_values(path, frame, "actor", (*ACTORS, ""), offset)
        yield Chunk(frame, str(path), partial(_line_of_row, path, offset))
        offset += len(frame)


def line_chunks(path: Path | None, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Plain text, one statement a line (standard input when path is None), as chunks of a `text` column."""
    import pandas as pd

    lines = iter_lines(path)
    while chunk := list(islice(lines, chunk_rows)):
        numbers = [number for number, _ in chunk]
        yield Chunk(pd.DataFrame({"text": [text for _, text in chunk]}), str(path or "<stdin>"), numbers.__getitem__)


@dataclass
class Chunk:
    """Rows to classify, where they came from, and the line of each row (by its position in the chunk)."""

    frame: pd.DataFrame
    name: str
    line_of: Callable[[int], int]


@dataclass
class Rendered:
    """A chunk classified and written out in the output format, with the rows that deserve a warning."""

    text: str
    rows: int
    columns: list[str]
    empty: list[int]
    foreign: list[int]

    @staticmethod
    def join(parts: list[Rendered], format: str) -> Rendered:
        """Consecutive parts of one chunk as one (row positions counted from the first part)."""
        starts = np.cumsum([0, *(part.rows for part in parts)])
        return Rendered(
            (",\n" if format == "json" else "").join(part.text for part in parts if part.rows),
            int(starts[-1]),
            parts[0].columns,
            [start + i for part, start in zip(parts, starts, strict=False) for i in part.empty],
            [start + i for part, start in zip(parts, starts, strict=False) for i in part.foreign],
        )


@dataclass
class Flagged:
    """The rows of a whole run that deserve a warning, said once at its end: how many, and the first lines."""

    name: str = ""
    empty: int = 0
    foreign: int = 0
    empty_lines: list[int] = field(default_factory=list)
    foreign_lines: list[int] = field(default_factory=list)

    def add(self, chunk: Chunk, rendered: Rendered) -> None:
        self.name = chunk.name
        self.empty += len(rendered.empty)
        self.foreign += len(rendered.foreign)
        self.empty_lines += [chunk.line_of(i) for i in rendered.empty[: 5 - len(self.empty_lines)]]
        self.foreign_lines += [chunk.line_of(i) for i in rendered.foreign[: 5 - len(self.foreign_lines)]]

    def warn(self) -> None:
        if self.empty:
            warn_empty(self.name, self.empty_lines, self.empty)
        if self.foreign:
            warn_not_english(self.name, self.foreign_lines, self.foreign)


def render_chunk(
    model: StanceModel,
    frame: pd.DataFrame,
    format: str,
    text_column: str = "text",
    min_confidence: float | None = None,
    escape_formulas: bool = True,
) -> Rendered:
    """Classify a chunk and write it out, all in one place: what a worker of `--jobs` does with its part."""
    import pandas as pd

    from stance.output import render

    texts = frame[text_column].tolist()
    empty, foreign = flagged(texts)
    predicted = prediction_frame(model, texts, min_confidence)
    predicted.index = frame.index
    labelled = pd.concat([frame, predicted], axis=1)
    return Rendered(
        render(labelled, format, escape_formulas), len(frame), list(map(str, labelled.columns)), empty, foreign
    )


def classify_source(
    model: StanceModel,
    source: Path | None,
    text_column: str = "text",
    min_confidence: float | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """A file by its kind (CSV, TSV, JSONL, JSON or plain text), or standard input as plain text."""
    if source is not None and file_kind(source) != "text":
        return classify_table(model, source, text_column, min_confidence, on_chunk=on_chunk)
    return classify_lines(model, source, min_confidence)


def with_evidence(model: StanceModel, rows: Iterable[dict[str, Any]], text_column: str, top: int = 5) -> Iterator[dict]:
    """Add an `evidence` column: the word n-grams that pushed each statement most towards its label."""
    for row in rows:
        if row["stance"] is None:
            yield {**row, "evidence": ""}
            continue
        label = row["stance"] if row["stance"] in model.labels else None
        evidence = model.explain(row[text_column], top=top, label=label, kinds=("word",))
        yield {**row, "evidence": "; ".join(f"{e.feature} ({e.weight:.2f})" for e in evidence)}


def extract_rows(
    model: StanceModel,
    articles: Iterable[Article],
    aliases: AliasTable | dict[str, str] | None = None,
    all_speakers: bool = False,
    min_confidence: float | None = None,
) -> Iterator[dict[str, Any]]:
    """One row per statement found in each article, classified, with its offsets and the article's
    metadata, repeats across articles marked (`mark_repeats`)."""
    for_each = (article_rows(model, article, aliases, all_speakers, min_confidence) for article in articles)
    return mark_repeats(row for rows in for_each for row in rows)


def article_rows(
    model: StanceModel,
    article: Article,
    aliases: AliasTable | dict[str, str] | None = None,
    all_speakers: bool = False,
    min_confidence: float | None = None,
) -> list[dict[str, Any]]:
    """The statements of one article joined to their predictions: the extractor knows nothing of labels."""
    from stance.extraction import extract_statements

    found = extract_statements(article.text, aliases, all_speakers)
    predictions = model.predict([s.text for s in found], min_confidence) if found else []
    return [
        {
            "article": article.path,
            "actor": statement.actor,
            "speaker": statement.speaker,
            "form": statement.form,
            "statement": statement.text,
            "start": statement.start,
            "end": statement.end,
            **prediction_columns(prediction),
            "statement_id": statement.statement_id,
            "verb": statement.verb,
            "duplicate_of": statement.duplicate_of,
            "date": article.date,
            "source": article.source,
            "url": article.url,
            "title": article.title,
        }
        for statement, prediction in zip(found, predictions, strict=True)
    ]


def mark_repeats(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Rows with `duplicate_of` naming the first statement of their group of repeats, across articles
    (syndicated copy, updates, a caption repeating the lede), marked as they stream past."""
    from stance.dedup import RepeatIndex

    repeats = RepeatIndex()
    ids: list[str] = []
    for row in rows:
        first = repeats.add(row["statement"], row["actor"])
        ids.append(row["statement_id"])
        if not row["duplicate_of"] and first != len(ids) - 1:
            row = {**row, "duplicate_of": ids[first]}
        yield row
