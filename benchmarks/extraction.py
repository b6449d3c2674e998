"""Precision and recall of `stance extract` on annotated articles: overall, per form, per actor and per
kind of miss, with the speaker agreement; and the time to read generated articles of growing size.

    .venv/bin/python benchmarks/extraction.py [--misses] [--folder ../shared/real_articles] [--timing]

A found statement matches a gold one when their actors agree and their spans overlap by at least
half of the longer span (DECISIONS.md). `--misses` lists what was missed and what was spurious, each
with its kind. The folder's `aliases.csv` is optional (real copy comes without one).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from stance.extraction import extract_statements
from stance.extraction.scoring import KINDS, score_folder

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "fixtures" / "articles"


def generated_article(size: int) -> str:
    """An article of about `size` characters: attributions by name, role noun, pronoun and quote, repeated."""
    paragraphs = [
        "The ministry said the talks would resume next week.",
        '"We will not accept this," Kremlin spokesman Dmitry Peskov told reporters on Monday.',
        "He added that the convoy had been stopped at the border.",
        "Turkey's Foreign Ministry condemned the attack, the agency said.",
        "Residents said the shelling continued through the night.",
    ]
    block = "\n\n".join(paragraphs) + "\n\n"
    return block * max(1, size // len(block))


def timing(sizes=(10_000, 100_000, 1_000_000, 5_000_000)) -> list[tuple[int, int, float]]:
    """(characters, statements found, seconds) for generated articles of each size."""
    lines = []
    for size in sizes:
        article = generated_article(size)
        started = time.perf_counter()
        found = extract_statements(article)
        lines.append((len(article), len(found), time.perf_counter() - started))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="List missed and spurious statements, with kinds.")
    parser.add_argument(
        "--folder", type=Path, default=ARTICLES, help="Articles with .truth.csv (aliases.csv optional)."
    )
    parser.add_argument("--timing", action="store_true", help="Also time 10 KB, 100 KB, 1 MB and 5 MB articles.")
    args = parser.parse_args()
    scores = score_folder(args.folder)
    print(f"{'':18s} {'found':>6s} {'gold':>6s} {'precision':>10s} {'recall':>8s}")

    def line(name: str, s: dict) -> None:
        p = "-" if s["precision"] is None else f"{s['precision']:.3f}"
        r = "-" if s["recall"] is None else f"{s['recall']:.3f}"
        print(f"{name:18s} {s['found']:6d} {s['gold']:6d} {p:>10s} {r:>8s}")

    line("all", scores)
    for name, s in {**scores["per_form"], **scores["per_actor"]}.items():
        line(name, s)
    print(f"speaker named as annotated: {scores['speaker_agreement']} of {len(scores['matched'])} matched statements")
    print("\nmissed by kind:")
    for kind, title in KINDS.items():
        count = sum(row["kind"] == kind for row in scores["missed"])
        if count:
            print(f"  {count:4d}  {title}")
    print("spurious by kind:")
    for kind in sorted({row["kind"] for row in scores["spurious"]}):
        print(f"  {sum(row['kind'] == kind for row in scores['spurious']):4d}  {kind}")
    if args.misses:
        for which in ("missed", "spurious"):
            print(f"\n{which}:")
            for row in scores[which]:
                print(f"  {row['article'][:28]:28s} {row['actor']:17s} {row['kind']:9s} {row['statement'][:80]}")
    if args.timing:
        print("\nextract time on generated articles:")
        for size, count, seconds in timing():
            print(f"  {size / 1000:8.0f} KB  {count:6d} statements  {seconds:6.2f} s")


if __name__ == "__main__":
    main()
