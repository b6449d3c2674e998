"""Time `stance report` on a folder of 10,000 articles: extraction, de-duplication and the report.

    .venv/bin/python benchmarks/report_scale.py [--articles 10000] [--write]

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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.sections import write_section

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
    parser.add_argument("--write", action="store_true", help="Put the figure in benchmarks/RESULTS.md.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "articles"
        folder.mkdir()
        make_folder(folder, args.articles)
        table = Path(scratch) / "table.csv"
        command = [STANCE, "report", folder, "--aliases", CRISIS / "aliases.csv", "--by", "month", "--table", table]
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *map(str, command)], capture_output=True, text=True, check=True
        )
        seconds = time.perf_counter() - started
        peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
        counted = sum(int(row["statements"]) for row in csv.DictReader(table.open(encoding="utf-8")))
    line = f"{args.articles:,} articles: {seconds:.1f} s wall, peak {peak_mb:.0f} MB; {counted} statements counted"
    print(line)
    if args.write:
        write_section(
            ROOT / "benchmarks" / "RESULTS.md",
            "report-scale",
            "## A pile of articles through `stance report`\n\n"
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python benchmarks/report_scale.py "
            f"--articles {args.articles} --write`: the examples/crisis text files repeated, one copy a day later "
            "than the last, read from one folder, extracted, de-duplicated and counted per actor and month "
            f"(`stance report FOLDER --table`).\n\n- {line}.\n- Targets: under 2 minutes "
            f"({'met' if seconds < 120 else 'NOT met'}), under 1 GB peak ({'met' if peak_mb < 1024 else 'NOT met'}).",
        )


if __name__ == "__main__":
    main()
