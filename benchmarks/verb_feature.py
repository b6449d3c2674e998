"""Does the reporting verb help? A candidate feature measured on both real populations.

    .venv/bin/python -m benchmarks.verb_feature

The candidate adds the reporting verb as one extra token (`zzverbsaid`, `zzverbwarned` ...) to
each statement that has one: the article-shaped corpus rows carry it in their `verb` column, and
the real article statements get theirs from `stance extract` run on their articles (matched to the
gold spans as extract's benchmark matches them). Real quotes have none. It is scored against the
same settings without it; nothing is saved.
"""

from __future__ import annotations

import csv

import pandas as pd

from benchmarks.real_sets import REAL_ARTICLES, real_quotes
from stance.extraction import extract_statements
from stance.metrics import scores
from stance.training import train


def article_statements_with_verbs() -> pd.DataFrame:
    rows = []
    for truth in sorted(REAL_ARTICLES.glob("*.truth.csv")):
        article = truth.with_name(truth.name.removesuffix(".truth.csv") + ".txt").read_text(encoding="utf-8")
        found = extract_statements(article)
        with truth.open(encoding="utf-8", newline="") as handle:
            for gold in csv.DictReader(handle):
                start = article.find(gold["statement"])
                end = start + len(gold["statement"])
                verb = next(
                    (
                        f.verb
                        for f in found
                        if f.actor == gold["actor"]
                        and min(end, f.end) - max(start, f.start) >= 0.5 * max(end - start, f.end - f.start)
                    ),
                    "",
                )
                rows.append({"text": gold["statement"], "label": gold["label"], "verb": verb})
    return pd.DataFrame(rows)


def with_verb(frame: pd.DataFrame) -> list[str]:
    verbs = [verb.split()[0] if verb.strip() else "" for verb in frame["verb"].astype(str)]
    return [text + (f" zzverb{verb}" if verb else "") for text, verb in zip(frame["text"], verbs, strict=True)]


def main() -> None:
    from pathlib import Path

    labeled = Path(__file__).resolve().parent.parent / "data" / "labeled"
    corpus = pd.read_csv(labeled / "train.csv", dtype=str, keep_default_na=False)
    held = pd.read_csv(labeled / "test.csv", dtype=str, keep_default_na=False)
    quotes = real_quotes()
    if quotes is None or not REAL_ARTICLES.is_dir():
        raise SystemExit("the real populations are not beside the repository (../shared); nothing to measure")
    quotes = quotes.assign(verb="")
    articles = article_statements_with_verbs()
    print(f"reporting verb found by extract for {(articles['verb'] != '').sum()} of {len(articles)} article statements")
    print(f"{'candidate':12s} {'held-out':>9s} {'real quotes':>12s} {'real articles':>14s}")
    for name, tagged in (("text only", False), ("text + verb", True)):
        model = train(corpus.assign(text=with_verb(corpus)) if tagged else corpus, cv=0)
        figures = []
        for frame in (held, quotes, articles):
            texts = with_verb(frame) if tagged else frame["text"].tolist()
            predicted = [p.label for p in model.predict(texts)]
            figures.append(scores(frame["label"].tolist(), predicted)["macro_f1"])
        print(f"{name:12s} {figures[0]:9.3f} {figures[1]:12.3f} {figures[2]:14.3f}")


if __name__ == "__main__":
    main()
