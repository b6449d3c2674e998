"""Paths and helpers the tests share, imported as a plain module (pytest puts tests/ on the path).

Tests import these rather than `conftest` or `benchmarks/`, so no test depends on how pytest loads
its configuration or on benchmark code. The scorer of annotated article folders is the library's
(`stance.extraction.scoring`); this module only names the folders.
"""

from __future__ import annotations

from pathlib import Path

from stance.extraction.scoring import score_folder as score_fixtures  # noqa: F401  (tests import it from here)

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
UNSEEN = FIXTURES / "articles_unseen"
# Written in the style of real wire copy (clutter, headlines, officials known by role) before the rules for it.
WIRE = FIXTURES / "articles_wire"
# The real development articles beside the repository (never copied into it); tests skip without them.
REAL = REPO.parent / "shared" / "real_articles"
