"""The labelling loop's data: which statement to ask about next, and the log of answers.

A person's time is the scarce thing, so the queue asks first about the statements the model is
least sure of, while a cap per article (or source) keeps one story from filling the queue. Every
answer is appended to a CSV and forced to disk before the next statement is shown: a killed
session loses nothing, and the next run skips what was answered (by `statement_id`). The log is
also a training file: `stance train base.csv labels.csv` reads it as it is.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.schema import LABELS, probability_column

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from stance.model import StanceModel

ORDERS = ("uncertain", "random")
# Where a statement came from, most specific first: the diversity cap counts statements per group.
GROUP_COLUMNS = ("article", "source", "url")
CARRIED_COLUMNS = ("actor", "speaker", "form", "article", "source", "url", "start", "end", "context")
LOG_COLUMNS = (
    "statement_id",
    "text",
    "actor",
    "speaker",
    "label",
    "model_label",
    "model_sha256",
    "annotator",
    "time",
    "article",
    "source",
    "url",
)
DEFAULT_CAP = 2


def text_id(text: str) -> str:
    """A stable id for a statement that came without one: a hash of its whitespace-normalised text."""
    return "t" + hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


@dataclass
class Item:
    """One statement to label, with what the screen and the log need to know about it."""

    statement_id: str
    text: str
    group: str
    info: dict[str, str] = field(default_factory=dict)
    model_label: str = ""
    probabilities: dict[str, float] = field(default_factory=dict)

    @property
    def confidence(self) -> float:
        return max(self.probabilities.values()) if self.probabilities else 0.0


def read_statements(path: Path) -> pd.DataFrame:
    """Statements from a classify or extract output, or any CSV/JSONL with a text or statement column.

    The frame gets `text`, `statement_id` (the input's, else its `id`, else a hash of the text) and
    `group` (article, else source, else url, else the row itself); rows repeating an id are dropped.
    """
    import pandas as pd

    from stance.data import iter_table

    frame = pd.concat(list(iter_table(path)), ignore_index=True)
    column = next((name for name in ("text", "statement") if name in frame.columns), None)
    if column is None:
        found = ", ".join(map(str, frame.columns))
        raise StanceError(f"{path}: missing column 'text' (or 'statement') (found: {found})")
    frame["text"] = frame[column]
    frame = frame[frame["text"].str.strip() != ""]
    if "duplicate_of" in frame.columns:
        frame = frame[frame["duplicate_of"].str.strip() == ""]
    if "statement_id" not in frame.columns:
        ids = frame["id"] if "id" in frame.columns else frame["text"].map(text_id)
        frame["statement_id"] = ids
    frame = frame.drop_duplicates("statement_id")
    group_column = next((name for name in GROUP_COLUMNS if name in frame.columns), None)
    groups = frame[group_column] if group_column else frame["statement_id"]
    frame["group"] = [group if group else sid for group, sid in zip(groups, frame["statement_id"], strict=True)]
    if frame.empty:
        raise StanceError(f"{path}: no statements to label")
    return frame.reset_index(drop=True)


def uncertainty_order(probabilities: np.ndarray, groups: Sequence[str], cap: int = DEFAULT_CAP) -> list[int]:
    """Row indices, least confident first, taking at most `cap` rows of a group per round.

    Confidence is the margin between the two likeliest labels (small: the model hesitates). Round
    one holds each group's `cap` least confident rows, ordered by margin; round two the next `cap`
    of each; and so on, so a story the model finds hard cannot take the whole head of the queue.
    """
    import numpy as np

    if cap < 1:
        raise StanceError(f"the cap per group must be at least 1, got {cap}")
    top_two = np.sort(probabilities, axis=1)[:, -2:] if probabilities.shape[1] > 1 else probabilities
    margin = top_two[:, -1] - (top_two[:, 0] if probabilities.shape[1] > 1 else 0.0)
    by_margin = sorted(range(len(margin)), key=lambda i: (margin[i], i))
    seen: dict[str, int] = {}
    rounds = []
    for index in by_margin:
        rank = seen.get(groups[index], 0)
        seen[groups[index]] = rank + 1
        rounds.append((rank // cap, margin[index], index))
    return [index for *_, index in sorted(rounds)]


def random_order(count: int, seed: int = 0) -> list[int]:
    """An unbiased sample's order: a seeded permutation, the same for the same seed."""
    import numpy as np

    return np.random.default_rng(seed).permutation(count).tolist()


def build_queue(
    frame: pd.DataFrame,
    model: StanceModel,
    *,
    order: str = "uncertain",
    seed: int = 0,
    cap: int = DEFAULT_CAP,
    answered: Iterable[str] = (),
) -> list[Item]:
    """Every unanswered statement as an `Item`, ranked once (so the next one is a list lookup)."""
    if order not in ORDERS:
        raise StanceError(f"unknown order {order!r} (expected one of: {', '.join(ORDERS)})")
    done = set(answered)
    frame = frame[~frame["statement_id"].isin(done)].reset_index(drop=True)
    if frame.empty:
        return []
    probabilities = model.predict_proba(frame["text"].tolist())
    groups = frame["group"].tolist()
    ranked = uncertainty_order(probabilities, groups, cap) if order == "uncertain" else random_order(len(frame), seed)
    carried = [column for column in CARRIED_COLUMNS if column in frame.columns]
    records = frame[["statement_id", "text", *carried]].to_dict("records")
    items = []
    for index in ranked:
        row = probabilities[index].tolist()
        record = records[index]
        items.append(
            Item(
                statement_id=str(record["statement_id"]),
                text=str(record["text"]),
                group=groups[index],
                info={column: str(record[column]) for column in carried},
                model_label=model.labels[max(range(len(row)), key=row.__getitem__)],
                probabilities=dict(zip(model.labels, row, strict=True)),
            )
        )
    return items


def context_of(info: dict[str, str], articles: dict[str, str | None]) -> tuple[str, str, str] | None:
    """(before, statement, after): the statement in its paragraph, when the row names its article
    file and offsets (an extract output); None otherwise. `articles` caches the files read."""
    name = info.get("article", "")
    try:
        start, end = int(info.get("start", "")), int(info.get("end", ""))
    except ValueError:
        return None
    if name not in articles:
        path = Path(name)
        try:
            articles[name] = path.read_text(encoding="utf-8") if name and path.is_file() else None
        except (OSError, UnicodeDecodeError):
            articles[name] = None
    text = articles[name]
    if text is None or not 0 <= start < end <= len(text):
        return None
    left = text.rfind("\n\n", 0, start)
    right = text.find("\n\n", end)
    left = 0 if left < 0 else left + 2
    right = len(text) if right < 0 else right
    left, right = max(left, start - CONTEXT_CHARS), min(right, end + CONTEXT_CHARS)
    return text[left:start].lstrip(), text[start:end], text[end:right].rstrip()


CONTEXT_CHARS = 400


def model_sha256(model: StanceModel) -> str:
    """The hash of the model file the predictions came from, as its card records it."""
    hashes = model.card.sha256 if model.card is not None else {}
    return hashes.get("npz") or hashes.get("joblib") or ""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def answer_row(item: Item, label: str, sha256: str, annotator: str) -> dict[str, str]:
    """The log line for one answer: the label and where it came from."""
    if label not in LABELS:
        raise StanceError(f"unknown label {label!r} (expected one of: {', '.join(LABELS)})")
    return {
        "statement_id": item.statement_id,
        "text": item.text,
        "actor": item.info.get("actor", ""),
        "speaker": item.info.get("speaker", ""),
        "label": label,
        "model_label": item.model_label,
        "model_sha256": sha256,
        "annotator": annotator,
        "time": now(),
        "article": item.info.get("article", ""),
        "source": item.info.get("source", ""),
        "url": item.info.get("url", ""),
    }


class AnswerLog:
    """The labels CSV, appended one answer at a time and synced to disk before returning.

    A crash can at worst cut the last line short (the write was under way); opening the log
    drops such a partial line, rewriting the file through a temporary and a rename.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.rows = self._read()

    def _read(self) -> list[dict[str, str]]:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return []
        if self.path.is_dir():
            raise StanceError(f"{self.path}: is a directory, not a labels file")
        try:
            raw = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise StanceError(f"{self.path}: bytes that are not UTF-8; not a labels file") from None
        records = list(csv.reader(io.StringIO(raw, newline="")))
        if not records or tuple(records[0]) != LOG_COLUMNS:
            header = ",".join(records[0]) if records else ""
            raise StanceError(
                f"{self.path}: not a labels file of stance label (header {header[:80]!r}); give another --out"
            )
        body = [record for record in records[1:] if record]
        cut = bool(body) and not raw.endswith("\n")  # the last write was under way when the process died
        if cut:
            body.pop()
        rows = [
            dict(zip(LOG_COLUMNS, record, strict=True))
            for record in body
            if len(record) == len(LOG_COLUMNS) and record[LOG_COLUMNS.index("label")] in LABELS
        ]
        if cut or len(rows) != len(body):
            self._rewrite(rows)
        return rows

    def _rewrite(self, rows: list[dict[str, str]]) -> None:
        from stance.output import temporary_beside

        with temporary_beside(self.path) as temporary:
            with temporary.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=LOG_COLUMNS, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)

    @property
    def answered(self) -> set[str]:
        return {row["statement_id"] for row in self.rows}

    def append(self, row: dict[str, str]) -> None:
        """Add one answer and force it to disk: once this returns, a crash cannot take it back."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            self._rewrite([])  # the header, written once through a rename
        with self.path.open("a", encoding="utf-8", newline="") as handle:
            csv.DictWriter(handle, fieldnames=LOG_COLUMNS, lineterminator="\n").writerow(row)
            handle.flush()
            os.fsync(handle.fileno())
        self.rows.append(row)

    def undo(self) -> dict[str, str] | None:
        """Remove the last answer (the file is rewritten whole and renamed into place); None if empty."""
        if not self.rows:
            return None
        removed = self.rows.pop()
        self._rewrite(self.rows)
        return removed


EXPORT_COLUMNS = ("statement_id", "text", "actor", "speaker", "context", "model_label", "confidence", "model_sha256")


def export_queue(items: Sequence[Item], path: Path, sha256: str) -> int:
    """The queue as a spreadsheet: one row a statement, in queue order, with an empty `label` to fill."""
    from stance.output import RowWriter

    articles: dict[str, str | None] = {}

    def rows() -> Iterable[dict[str, Any]]:
        for item in items:
            context = context_of(item.info, articles)
            yield {
                "statement_id": item.statement_id,
                "text": item.text,
                "actor": item.info.get("actor", ""),
                "speaker": item.info.get("speaker", ""),
                "context": "".join(context) if context else item.info.get("context", ""),
                "model_label": item.model_label,
                "confidence": round(item.confidence, 4),
                **{probability_column(label): round(p, 4) for label, p in item.probabilities.items()},
                "model_sha256": sha256,
                "article": item.info.get("article", ""),
                "source": item.info.get("source", ""),
                "url": item.info.get("url", ""),
                "label": "",
            }

    with RowWriter("csv", path) as writer:
        writer.write(rows())
    return len(items)


def import_answers(path: Path, log: AnswerLog, annotator: str) -> tuple[int, int]:
    """Append the filled rows of an exported queue to the log; (added, already answered).

    Rows with an empty label are left for later; a label may be written in full or as its key.
    """
    import pandas as pd

    from stance.data import iter_table, line_number, require_columns

    frame = pd.concat(list(iter_table(path)), ignore_index=True)
    require_columns(path, frame, ["statement_id", "text", "label"])
    done = log.answered
    added = skipped = 0
    for index, row in enumerate(frame.to_dict("records")):
        label = KEYS.get(row["label"].strip().lower(), row["label"].strip().lower())
        if not label:
            continue
        if label not in LABELS:
            raise StanceError(
                f"{path}: line {line_number(path, index)}, column 'label': unknown label {row['label']!r} "
                f"(expected one of: {', '.join(LABELS)}, or c, d, e, o)"
            )
        if row["statement_id"] in done:
            skipped += 1
            continue
        info = {column: row.get(column, "") for column in CARRIED_COLUMNS}
        item = Item(row["statement_id"], row["text"], "", info, model_label=row.get("model_label", ""))
        log.append(answer_row(item, label, row.get("model_sha256", ""), annotator))
        done.add(row["statement_id"])
        added += 1
    return added, skipped


KEYS = {"c": "condemn", "d": "deny", "e": "de-escalate", "o": "other"}
