"""Compare the named candidate settings: grouped CV on train.csv, held-out test.csv, and both real populations.

    .venv/bin/python benchmarks/candidates.py [--real-dev PATH] [--real-articles FOLDER]

Both real sets default to ../shared (real_dev.csv, real_articles/) when they are there.

This is how the default setting is chosen (DECISIONS.md): among a handful of named candidates,
by grouped cross-validation and by macro-F1 on real statements (the quotes users paste and the
statements inside real articles), the real figures weighing more. No search runs on the real
sets: a person reads this table and picks.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.real_sets import REAL_ARTICLES, REAL_DEV, real_article_statements, real_quotes
from stance.data import read_labelled
from stance.metrics import evaluate_model
from stance.training import CANDIDATES, train

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real-dev", type=Path, default=REAL_DEV)
    parser.add_argument("--real-articles", type=Path, default=REAL_ARTICLES)
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="candidate names to run (default: all)")
    args = parser.parse_args()
    train_frame = read_labelled([ROOT / "data" / "labeled" / "train.csv"])
    test_frame = read_labelled([ROOT / "data" / "labeled" / "test.csv"])
    real = {"real quotes": real_quotes(args.real_dev), "real articles": real_article_statements(args.real_articles)}
    print(f"{'candidate':24s} {'CV macro-F1':>14s} {'held-out':>9s} {'real quotes':>12s} {'real articles':>14s}")
    for name in args.only or CANDIDATES:
        model = train(train_frame, settings=name, cv=args.cv)
        cross = model.card.cross_validation
        held = evaluate_model(model, test_frame)[0]
        figures = [f"{evaluate_model(model, f)[0]['macro_f1']:.3f}" if f is not None else "-" for f in real.values()]
        print(
            f"{name:24s} {cross['macro_f1_mean']:7.3f} ± {cross['macro_f1_std']:.3f} "
            f"{held['macro_f1']:9.3f} {figures[0]:>12s} {figures[1]:>14s}"
        )


if __name__ == "__main__":
    main()
