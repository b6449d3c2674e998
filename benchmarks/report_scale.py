"""Time `stance report` on a folder of 10,000 articles: extraction, de-duplication and the report.

    .venv/bin/python benchmarks/report_scale.py [--articles 10000] [--jobs 1]

The articles are examples/crisis repeated with their dates moved (one copy a day), so every
statement recurs many times: the de-duplication has real work to do and the report must still
count each one once. Prints the wall time, the peak memory of the `stance` process and the counts.
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRISIS = ROOT / "examples" / "crisis"
STANCE = Path(sys.executable).parent / "stance"


def make_folder(folder: Path, count: int) -> None:
    """`count` articles: the crisis's text files in turn, each copy dated one day later than the last."""
    sources = sorted(CRISIS.glob("*.txt"))
    for number in range(count):
        source = sources[number % len(sources)]
        day = date(2026, 3, 2) + timedelta(days=number // len(sources))
        text = re.sub(
            r"^date: .*$", f"date: {day.isoformat()}", source.read_text(encoding="utf-8"), count=1, flags=re.M
        )
        (folder / f"{number:05d}-{source.name}").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "articles"
        folder.mkdir()
        make_folder(folder, args.articles)
        table = Path(scratch) / "table.csv"
        command = [STANCE, "report", folder, "--aliases", CRISIS / "aliases.csv", "--by", "month", "--table", table]
        if args.jobs > 1:
            command += ["--jobs", str(args.jobs)]
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *map(str, command)], capture_output=True, text=True, check=True
        )
        seconds = time.perf_counter() - started
        peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
        counted = sum(int(row["statements"]) for row in csv.DictReader(table.open(encoding="utf-8")))
    print(f"{args.articles:,} articles: {seconds:.1f} s wall, peak {peak_mb:.0f} MB; {counted} statements counted")


if __name__ == "__main__":
    main()
