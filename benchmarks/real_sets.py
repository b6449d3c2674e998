"""The two real development populations, read where they lie (../shared), never copied here.

- real quotes: `real_dev.csv` (text, label, actor, form), what users paste;
- real article statements: the gold statements of `real_articles/*.truth.csv`, what `extract`
  yields from news copy (mostly reported fragments).

Both are for measuring only (DECISIONS.md): nothing here is saved, and no test needs them.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
REAL_DEV = Path(os.environ.get("STANCE_REAL_DEV") or ROOT.parent / "shared" / "real_dev.csv")
REAL_ARTICLES = Path(os.environ.get("STANCE_REAL_ARTICLES") or ROOT.parent / "shared" / "real_articles")


def real_quotes(path: Path | None = REAL_DEV) -> pd.DataFrame | None:
    """The real dev quotes, or None when the file is absent."""
    if path is None or not Path(path).exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def real_article_statements(folder: Path | None = REAL_ARTICLES) -> pd.DataFrame | None:
    """Gold statements of the real articles with text, label, actor, form and article; None if absent."""
    if folder is None or not Path(folder).is_dir():
        return None
    rows = []
    for truth in sorted(Path(folder).glob("*.truth.csv")):
        with truth.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows.append(
                    {
                        "text": row["statement"],
                        "label": row["label"],
                        "actor": row["actor"],
                        "form": row["form"],
                        "article": truth.name.removesuffix(".truth.csv"),
                    }
                )
    return pd.DataFrame(rows)


def populations() -> dict[str, pd.DataFrame]:
    """Each real population that is present, by the name the reports use."""
    found = {"real quotes": real_quotes(), "real article statements": real_article_statements()}
    return {name: frame for name, frame in found.items() if frame is not None}
