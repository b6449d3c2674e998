"""The labelled corpus: its strict schema, its crisis-grouped split, and the report of its targets.

The targets come from ../shared/REAL_SPEECH.md and DECISIONS.md: an authored corpus is only as
useful as its resemblance to real speech, so each share is measured here and held by a test.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.data import check_values, is_test_crisis, iter_table, line_number
from stance.errors import StanceError
from stance.schema import ACTORS, FORMS, HARD_KINDS, LABELS, RECORD_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

# Words that perform an act outright; real speech uses them in these shares of each label (REAL_SPEECH.md).
EXPLICIT_WORDS = {
    "condemn": (re.compile(r"condemn|denounc|deplor", re.I), 0.29),
    "deny": (re.compile(r"\bden(y|ies|ied)\b|reject|groundless|baseless|unfounded|fabricat|false", re.I), 0.21),
    "de-escalate": (re.compile(r"restraint|ceasefire|cease-fire|de-?escalat|dialogue|negotiat", re.I), 0.54),
}
# Two shapes of row, each measured against its own population of real speech (REAL_SPEECH.md):
# quotes as users paste them (round 1), and statements as `extract` cuts them from articles
# (round 2, written with the reporting verb an article gives them, so `verb` tells them apart).
POPULATIONS = ("quote-shaped", "article-shaped")
# Each share's target range per population: (lowest, highest).
TARGETS: dict[str, dict[str, tuple[float, float]]] = {
    "quote-shaped": {
        "direct": (0.55, 0.65),
        "fragments_of_reported": (0.40, 0.60),
        "first_person_of_direct": (0.50, 1.0),
        "short_12_words_or_fewer": (0.10, 0.20),
        "long_40_words_or_more": (0.10, 0.20),
        "hard": (0.15, 1.0),
    },
    "article-shaped": {
        "direct": (0.25, 0.35),
        "starts_lower_case": (0.40, 0.60),
        "first_person": (0.10, 0.22),
        "median_words": (12, 16),
        "short_12_words_or_fewer": (0.33, 0.47),
        "long_40_words_or_more": (0.0, 0.05),
    },
}
FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]urs?|us|I|[Mm]y|me)\b")
WORD = re.compile(r"[a-z0-9']+")
NEAR_DUPLICATE = 0.8


def read_corpus(path: str | Path) -> pd.DataFrame:
    """A corpus file in the strict schema: every column, known values, non-empty text, unique ids."""
    import pandas as pd

    path = Path(path)
    frame = pd.concat(list(iter_table(path)), ignore_index=True)
    if list(frame.columns) != list(RECORD_COLUMNS):
        raise StanceError(f"{path}: columns are {', '.join(frame.columns)}; expected {', '.join(RECORD_COLUMNS)}")
    check_values(path, frame, "label", LABELS)
    check_values(path, frame, "actor", ACTORS)
    check_values(path, frame, "form", FORMS)
    check_values(path, frame, "hard", ("", *HARD_KINDS))
    for column in ("id", "text", "crisis", "source"):
        empty = frame[column].str.strip() == ""
        if empty.any():
            index = int(empty.to_numpy().nonzero()[0][0])
            raise StanceError(f"{path}: line {line_number(path, index)}, column {column!r}: empty")
    repeated = frame["id"].duplicated()
    if repeated.any():
        index = int(repeated.to_numpy().nonzero()[0][0])
        raise StanceError(f"{path}: line {line_number(path, index)}, column 'id': {frame['id'].iloc[index]!r} repeats")
    return frame


def split_by_crisis(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train and test rows: a crisis goes wholly to one side, by the stable hash of its name."""
    to_test = frame["crisis"].map(is_test_crisis)
    return frame[~to_test].sort_values("id"), frame[to_test].sort_values("id")


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def word_count(text: str) -> int:
    return len(text.split())


def four_grams(texts: list[str]) -> Counter:
    """In how many statements each word 4-gram occurs, leaving out 4-grams of stop words only."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    counts: Counter = Counter()
    for text in texts:
        tokens = WORD.findall(text.lower())
        grams = {
            " ".join(gram)
            for gram in zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False)
            if not all(token in ENGLISH_STOP_WORDS for token in gram)
        }
        counts.update(grams)
    return counts


def cross_split_near_duplicates(train: pd.DataFrame, test: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Train/test pairs whose TF-IDF cosine (word 1-2-grams, sublinear tf) reaches the 0.8 limit."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), lowercase=True, sublinear_tf=True)
    vectorizer.fit([*train["text"], *test["text"]])
    similarity = vectorizer.transform(test["text"]) @ vectorizer.transform(train["text"]).T
    similarity = similarity.tocoo()
    return [
        (test["id"].iloc[i], train["id"].iloc[j], round(float(s), 3))
        for i, j, s in zip(similarity.row, similarity.col, similarity.data, strict=True)
        if s >= NEAR_DUPLICATE
    ]


def shares(frame: pd.DataFrame) -> dict[str, float]:
    """The shape of a set of statements, in the terms REAL_SPEECH.md measures real speech by."""
    texts = frame["text"]
    direct = frame[frame["form"] == "direct"]
    reported = frame[frame["form"] == "reported"]
    lengths = texts.map(word_count)
    measured = {
        "direct": float((frame["form"] == "direct").mean()),
        "fragments_of_reported": float(reported["text"].str[:1].str.islower().mean()) if len(reported) else 0.0,
        "first_person_of_direct": float(direct["text"].map(lambda t: bool(FIRST_PERSON.search(t))).mean())
        if len(direct)
        else 0.0,
        "first_person": float(texts.map(lambda t: bool(FIRST_PERSON.search(t))).mean()),
        "starts_lower_case": float(texts.str[:1].str.islower().mean()),
        "median_words": float(lengths.median()),
        "short_12_words_or_fewer": float((lengths <= 12).mean()),
        "long_40_words_or_more": float((lengths >= 40).mean()),
        "hard": float((frame["hard"] != "").mean()),
    }
    for label, (pattern, _) in EXPLICIT_WORDS.items():
        rows = frame[frame["label"] == label]["text"]
        measured[f"explicit_words_{label}"] = float(rows.map(lambda t, p=pattern: bool(p.search(t))).mean())
    return {key: round(value, 4) for key, value in measured.items()}


def population(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The rows of one shape: article-shaped rows carry the reporting verb, quote-shaped ones none."""
    article_shaped = frame["verb"].str.strip() != ""
    return frame[article_shaped if name == "article-shaped" else ~article_shaped]


def population_shares(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each population's rows and shares, over both splits and over test alone."""
    import pandas as pd

    both = pd.concat([train, test], ignore_index=True)
    return {
        name: {
            "rows": len(population(both, name)),
            "test_rows": len(population(test, name)),
            "all": shares(population(both, name)),
            "test": shares(population(test, name)),
        }
        for name in POPULATIONS
    }


# The shapes the pilot model got wrong (REAL_SPEECH.md), each expected in its label for every actor.
SHAPES = {"hedged": "condemn", "counter-claim": "deny", "implicit": "de-escalate", "cross-vocabulary": "other"}


def shape_counts(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per actor: shapes 1 to 4 in their label, rhetoric and fragments in any label."""
    fragment = (frame["form"] == "reported") & frame["text"].str[:1].str.islower()
    counts = {}
    for actor in ACTORS:
        rows = frame["actor"] == actor
        counts[actor] = {
            shape: int((rows & (frame["hard"] == shape) & (frame["label"] == label)).sum())
            for shape, label in SHAPES.items()
        }
        counts[actor]["rhetoric"] = int((rows & (frame["hard"] == "rhetoric")).sum())
        counts[actor]["fragment"] = int((rows & fragment).sum())
    return counts


def cells_lacking(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The actor x label cells with no rhetoric row, and those with no fragment."""
    fragment = (frame["form"] == "reported") & frame["text"].str[:1].str.islower()
    lacking: dict[str, list[str]] = {"rhetoric": [], "fragment": []}
    for actor in ACTORS:
        for label in LABELS:
            cell = (frame["actor"] == actor) & (frame["label"] == label)
            if not (cell & (frame["hard"] == "rhetoric")).any():
                lacking["rhetoric"].append(f"{actor}/{label}")
            if not (cell & fragment).any():
                lacking["fragment"].append(f"{actor}/{label}")
    return lacking


def report(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, Any]:
    """Every corpus target measured on the two splits, as plain data for tests and the datasheet."""
    import pandas as pd

    both = pd.concat([train, test], ignore_index=True)
    cells = both.groupby(["actor", "label"]).size()
    test_cells = test.groupby(["actor", "label"]).size()
    crisis_rows = both["crisis"].value_counts()
    grams = four_grams(both["text"].tolist())
    duplicates = both["text"].map(normalised).duplicated(keep=False)
    return {
        "rows": {"total": len(both), "train": len(train), "test": len(test)},
        "test_share": round(len(test) / len(both), 4),
        "cells": {f"{a}/{b}": int(cells.get((a, b), 0)) for a in ACTORS for b in LABELS},
        "test_cells": {f"{a}/{b}": int(test_cells.get((a, b), 0)) for a in ACTORS for b in LABELS},
        "crises": {
            "total": int(both["crisis"].nunique()),
            "train": int(train["crisis"].nunique()),
            "test": int(test["crisis"].nunique()),
        },
        "largest_crisis_share": round(float(crisis_rows.iloc[0] / len(both)), 4),
        "crises_in_both_splits": sorted(set(train["crisis"]) & set(test["crisis"])),
        "lengths": {"min": int(both["text"].map(word_count).min()), "max": int(both["text"].map(word_count).max())},
        "shares": shares(both),
        "test_shares": shares(test),
        "populations": population_shares(train, test),
        "population_targets": {
            name: {key: list(bounds) for key, bounds in targets.items()} for name, targets in TARGETS.items()
        },
        "explicit_word_targets": {label: target for label, (_, target) in EXPLICIT_WORDS.items()},
        "shapes_per_actor": shape_counts(both),
        "cells_lacking": cells_lacking(both),
        "top_4grams": [(gram, round(count / len(both), 4)) for gram, count in grams.most_common(20)],
        "exact_duplicates": sorted(both.loc[duplicates, "id"]),
        "near_duplicates": cross_split_near_duplicates(train, test),
    }


def _refuse_losing_a_split(paths: Sequence[str | Path], out_dir: Path) -> None:
    """Splitting one split alone would replace the other with only the rows that hash to it:
    `stance split data/labeled/train.csv` would wipe test.csv to a header. Refuse that."""
    import os

    outputs = [out_dir / name for name in ("train.csv", "test.csv")]

    def is_input(output: Path) -> bool:
        return any(os.path.exists(path) and output.exists() and os.path.samefile(path, output) for path in paths)

    for output, other in (outputs, outputs[::-1]):
        if is_input(output) and other.exists() and not is_input(other):
            raise StanceError(
                f"{output} is an input but {other} is not: its rows would be lost; "
                f"give both splits (and any new rows): stance split {outputs[0]} {outputs[1]} NEW.csv"
            )


def write_split(paths: Sequence[str | Path], out_dir: str | Path) -> tuple[Path, Path]:
    """Merge corpus files and write train.csv and test.csv by crisis, each written whole or not at all."""
    import pandas as pd

    from stance.output import write_text_atomically

    out_dir = Path(out_dir)
    _refuse_losing_a_split(paths, out_dir)
    frames = [read_corpus(path) for path in paths]
    merged = pd.concat(frames, ignore_index=True).drop_duplicates()
    repeated = merged["id"].duplicated()
    if repeated.any():
        raise StanceError(f"id {merged['id'][repeated].iloc[0]!r} stands in more than one file with different rows")
    train, test = split_by_crisis(merged)
    written = []
    for name, frame in (("train.csv", train), ("test.csv", test)):
        path = out_dir / name
        write_text_atomically(path, frame.to_csv(index=False, lineterminator="\n"))
        written.append(path)
    return written[0], written[1]
