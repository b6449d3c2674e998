"""Precision and recall of `stance extract` on the annotated fixture articles, per form and per actor.

    .venv/bin/python benchmarks/extraction.py [--misses] [--folder tests/fixtures/articles_unseen]

A found statement matches a gold one when their actors agree and their spans overlap by at least
half of the longer span (DECISIONS.md). `--misses` lists what was missed and what was spurious.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The scorer reads the test fixtures, so it lives with them; this script prints its figures.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import ARTICLES, score_fixtures


def same_speaker(found: str, gold: str) -> bool:
    """Loosely: the same name or institution, whatever the article's wording around it."""
    found, gold = found.lower().replace("’", "'"), gold.lower().replace("’", "'")
    return found == gold or found in gold or gold in found or found.split()[-1] == gold.split()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="List missed and spurious statements.")
    parser.add_argument("--folder", type=Path, default=ARTICLES, help="Articles with .truth.csv and aliases.csv.")
    args = parser.parse_args()
    scores = score_fixtures(args.folder)
    print(f"{'':18s} {'found':>6s} {'gold':>6s} {'precision':>10s} {'recall':>8s}")

    def line(name: str, s: dict) -> None:
        p = "-" if s["precision"] is None else f"{s['precision']:.3f}"
        r = "-" if s["recall"] is None else f"{s['recall']:.3f}"
        print(f"{name:18s} {s['found']:6d} {s['gold']:6d} {p:>10s} {r:>8s}")

    line("all", scores)
    for name, s in {**scores["per_form"], **scores["per_actor"]}.items():
        line(name, s)
    same = sum(same_speaker(found["speaker"], gold["speaker"]) for found, gold in scores["matched"])
    print(f"speaker named as annotated: {same} of {len(scores['matched'])} matched statements")
    if args.misses:
        for kind in ("missed", "spurious"):
            print(f"\n{kind}:")
            for row in scores[kind]:
                print(f"  {row['article']:28s} {row['actor']:17s} {row['form']:8s} {row['statement'][:90]}")


if __name__ == "__main__":
    main()
