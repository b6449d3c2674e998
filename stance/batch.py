"""Classifying many statements: quotes, plain-text lines or the rows of a table, chunk by chunk.

Each chunk is read, predicted and handed on before the next is read, so a million-row file
needs the memory of one chunk, and every input column comes out beside the prediction columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from stance.articles import Article
    from stance.extraction import AliasTable
from stance.schema import ACTORS, PREDICTION_COLUMNS, probability_column

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


def _predicted(model: StanceModel, texts: list[str], min_confidence: float | None) -> list[Prediction | None]:
    """A prediction per text, None for an empty one: every text keeps its place."""
    kept = [i for i, text in enumerate(texts) if text.strip()]
    predictions: list[Prediction | None] = [None] * len(texts)
    for i, prediction in zip(kept, model.predict([texts[i] for i in kept], min_confidence), strict=True):
        predictions[i] = prediction
    return predictions


def _warn_about(name: str, numbered: list[tuple[int, str]]) -> None:
    empty = [number for number, text in numbered if not text.strip()]
    if empty:
        warn_empty(name, empty)
    foreign = [number for number, text in numbered if text.strip() and not looks_english(text)]
    if foreign:
        warn_not_english(name, foreign)


def classify_texts(
    model: StanceModel, texts: Iterable[str], min_confidence: float | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of `text` plus prediction columns for quotes given directly (no file, no pandas)."""
    texts = list(texts)
    _warn_about("arguments", list(enumerate(texts, start=1)))
    yield from _text_rows(model, texts, min_confidence)


def classify_lines(
    model: StanceModel, path: Path | None, min_confidence: float | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[dict[str, Any]]:
    """Plain text, one statement a line, from a file or standard input (path None); a row per line."""
    name = str(path) if path else "<stdin>"
    lines = iter_lines(path)
    while chunk := list(islice(lines, chunk_rows)):
        _warn_about(name, chunk)
        yield from _text_rows(model, [text for _, text in chunk], min_confidence)


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
    offset = 0
    for chunk in iter_table(path, chunk_rows, required=[text_column], keep_blank=True):
        if offset == 0:
            refuse_prediction_columns(path, chunk)
        if "actor" in chunk.columns:
            check_values(path, chunk, "actor", (*ACTORS, ""), offset)
        texts = chunk[text_column].tolist()
        _warn_about(str(path), [(line_number(path, offset + i), text) for i, text in enumerate(texts)])
        predictions = _predicted(model, texts, min_confidence)
        for row, prediction in zip(chunk.to_dict("records"), predictions, strict=True):
            yield {**row, **prediction_columns(prediction)}
        offset += len(chunk)
        if on_chunk:
            on_chunk(len(chunk))


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
