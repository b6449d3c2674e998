"""The pandas-first API: the same rows and column names as the CLI's outputs, as DataFrames.

    import stance
    statements = stance.extract(["...article text..."])          # or a DataFrame with a text column
    stance.report(statements, by="week").to_html("report.html")
    stance.evaluate(stance.load_model(), labelled_frame)["macro_f1"]

Each function is a thin layer over the library the CLI uses, so a notebook and a shell script
give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError

if TYPE_CHECKING:
    import pandas as pd

    from stance.articles import Article
    from stance.extraction import AliasTable
    from stance.model import StanceModel
    from stance.reporting import Period, Report


def _articles(source: pd.DataFrame | Iterable[str | Article], text_column: str) -> list[Article]:
    import pandas as pd

    from stance.articles import METADATA, Article, make_article

    if isinstance(source, str):
        raise StanceError("extract() takes a list of article texts or a DataFrame, not one string; wrap it in a list")
    if isinstance(source, pd.DataFrame):
        if text_column not in source.columns:
            raise StanceError(
                f"the frame has no {text_column!r} column (columns: {', '.join(map(str, source.columns))})"
            )
        rows = source.fillna("").astype(str).to_dict("records")
        return [
            make_article(
                row[text_column],
                row.get("article") or row.get("path") or f"row {number}",
                **{key: row.get(key, "") for key in (*METADATA, "id")},
            )
            for number, row in enumerate(rows)
        ]
    return [
        item if isinstance(item, Article) else make_article(str(item), f"text {i}") for i, item in enumerate(source)
    ]


def extract(
    articles: pd.DataFrame | Iterable[str | Article],
    model: StanceModel | None = None,
    *,
    text_column: str = "text",
    aliases: AliasTable | dict[str, str] | str | Path | None = None,
    all_speakers: bool = False,
    min_confidence: float | None = None,
) -> pd.DataFrame:
    """Every statement by the four actors in the articles, labelled: one row each, as `stance extract` writes.

    `articles` is a list of texts (or `stance.articles.Article`s) or a DataFrame with a text column
    and any of `date, source, url, title, id`, which are carried into each row.
    """
    import pandas as pd

    from stance.batch import extract_rows
    from stance.extraction import read_aliases
    from stance.model import load_model
    from stance.schema import EXTRACT_COLUMNS

    table = read_aliases(aliases) if isinstance(aliases, str | Path) else aliases
    rows = extract_rows(model or load_model(), _articles(articles, text_column), table, all_speakers, min_confidence)
    return pd.DataFrame(list(rows), columns=list(EXTRACT_COLUMNS))


def evaluate(model: StanceModel, frame: pd.DataFrame, text_column: str = "text") -> dict[str, Any]:
    """Accuracy, macro-F1 (four and three labels), per label, per actor, confusion and calibration, as plain data."""
    from stance.metrics import evaluate_model

    for column in (text_column, "label"):
        if column not in frame.columns:
            raise StanceError(f"the frame has no {column!r} column")
    return evaluate_model(model, frame.rename(columns={text_column: "text"}))[0]


def report(frame: pd.DataFrame, by: Period = "week", texts: dict[str, str] | None = None) -> Report:
    """Counts and shares of each label per actor and period, one statement per group of repeats."""
    from stance.reporting import report as build

    return build(frame, by=by, texts=texts)
