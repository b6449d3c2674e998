"""Paths and helpers the tests share, imported as a plain module (pytest puts tests/ on the path).

Tests import these rather than `conftest` or `benchmarks/`, so no test depends on how pytest loads
its configuration or on benchmark code. The fixture-article scorer lives here because it reads
test fixtures; benchmarks/extraction.py prints its figures.
"""

from __future__ import annotations

import csv
from pathlib import Path

from stance.evaluate import extraction_scores
from stance.extract import extract_statements, read_aliases

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
STATEMENTS = FIXTURES / "statements.csv"


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


ARTICLES = FIXTURES / "articles"
# Written after the extractor was tuned on ARTICLES, and first measured without any change to it.
UNSEEN = ARTICLES.parent / "articles_unseen"


def gold_rows(article: Path) -> list[dict]:
    """The truth file's statements with their offsets: each is found in order, after the previous one."""
    text = article.read_text(encoding="utf-8")
    rows, cursor = [], 0
    with article.with_suffix(".truth.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            start = text.find(row["statement"], cursor)
            if start < 0:
                start = text.find(row["statement"])
            if start < 0:
                raise ValueError(f"{article.name}: truth statement not in the article: {row['statement']!r}")
            cursor = start + 1
            rows.append({**row, "article": article.name, "start": start, "end": start + len(row["statement"])})
    return rows


def score_fixtures(folder: Path = ARTICLES) -> dict:
    aliases = read_aliases(folder / "aliases.csv")
    found, gold = [], []
    for article in sorted(folder.glob("*.txt")):
        text = article.read_text(encoding="utf-8")
        found += [
            {
                "article": article.name,
                "actor": s.actor,
                "form": s.form,
                "start": s.start,
                "end": s.end,
                "statement": s.text,
                "speaker": s.speaker,
            }
            for s in extract_statements(text, aliases)
        ]
        gold += gold_rows(article)
    return extraction_scores(found, gold)
