"""Compare the named candidate settings: grouped CV on train.csv, held-out test.csv, and the real dev set.

    .venv/bin/python benchmarks/candidates.py --real-dev ../shared/real_dev.csv

This is how the default setting was chosen (DECISIONS.md): among a handful of named candidates,
by grouped cross-validation and by macro-F1 on real statements, the real figure weighing more.
No search runs on the real dev set: a person reads this table and picks.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from stance.data import read_labelled
from stance.evaluate import evaluate_model
from stance.training import CANDIDATES, train

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real-dev", type=Path, default=os.environ.get("STANCE_REAL_DEV"))
    parser.add_argument("--cv", type=int, default=5)
    args = parser.parse_args()
    train_frame = read_labelled([ROOT / "data" / "labeled" / "train.csv"])
    test_frame = read_labelled([ROOT / "data" / "labeled" / "test.csv"])
    real = read_labelled([args.real_dev]) if args.real_dev else None
    print(f"{'candidate':24s} {'CV macro-F1':>14s} {'held-out':>9s} {'real dev':>9s} {'real 3-label':>13s}")
    for name in CANDIDATES:
        model = train(train_frame, settings=name, cv=args.cv)
        cross = model.card.cross_validation
        held = evaluate_model(model, test_frame)[0]
        real_scores = evaluate_model(model, real)[0] if real is not None else None
        real_text = (
            f"{real_scores['macro_f1']:9.3f} {real_scores['macro_f1_stance']:13.3f}" if real_scores else "        -"
        )
        print(
            f"{name:24s} {cross['macro_f1_mean']:7.3f} ± {cross['macro_f1_std']:.3f} "
            f"{held['macro_f1']:9.3f} {real_text}"
        )


if __name__ == "__main__":
    main()
