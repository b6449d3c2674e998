"""Speed and scale, measured side by side in one run: the scorer, the cold start, big files, --jobs, Dask.

    .venv/bin/pip install -e '.[bench,dask]'
    .venv/bin/python benchmarks/speed.py --real-dev ../shared/real_dev.csv

1. Batch throughput, one thread, each system in a process of its own, alternated `--rounds`
   times (the best round counts: on a shared machine the slowest rounds measure the neighbours):
   the code-free scorer (labels from `predict_proba`), the scikit-learn pipeline it reproduces,
   and fastText (as benchmarks/bench.py trains it). The scorer's probabilities are compared with
   the pipeline's on the held-out split and the real dev set.
2. Cold start: a one-quote `stance classify` beside bare `import numpy` and bare scikit-learn
   imports, alternated, medians.
3. `stance classify --input big.csv --output out.csv` on `--big-rows` rows, one thread, then
   with `--jobs 2`: wall time and peak memory (of the largest process).
4. `stance classify --engine dask` on Parquet files of 250,000 rows, 1 and 2 local workers of
   one thread each, for each of `--dask-rows`: wall time and each worker's peak memory.
5. `stance extract --engine dask` on `--dask-articles` articles, 1 and 2 workers.

The figures go to benchmarks/SPEED.json and to the "Speed and scale" section of RESULTS.md,
which benchmarks/bench.py keeps when it rewrites the rest of that file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import BARE_IMPORT, ONE_THREAD, QUOTE, ROOT, FastText, machine, read, run_isolated, versions
from benchmarks.sections import write_section
from stance.model_format import CACHE_WORDS

SYSTEMS = ("scorer", "pipeline", "fastText")
PART_ROWS = 250_000


# ---------------------------------------------------------------------------------------------
# 1. Throughput, one system per process


def measure_system(name: str, rows: int, train: Path, test: Path) -> dict:
    import resource

    import numpy as np

    texts = read(test)[0]
    batch = (texts * (rows // len(texts) + 1))[:rows]
    if name == "fastText":
        system = FastText()
        system.fit(*read(train))
        predict = system.predict
    else:
        from stance.model import load_model

        model = load_model(trusted=name == "pipeline")
        labels = np.array(model.labels)
        if name == "scorer":

            def predict(texts):
                return list(labels[model.predict_proba(texts).argmax(axis=1)])
        else:
            pipeline = model.pipeline

            def predict(texts):
                return list(pipeline.predict(texts))

    predict(batch[:2000])  # warm: caches, lazy imports
    start = time.perf_counter()
    for i in range(0, rows, 10_000):
        predict(batch[i : i + 10_000])
    seconds = time.perf_counter() - start
    return {
        "system": name,
        "rows": rows,
        "per_second": round(rows / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def throughput(rows: int, rounds: int, train: Path, test: Path) -> dict:
    runs: dict[str, list[dict]] = {name: [] for name in SYSTEMS}
    for _ in range(rounds):
        for name in SYSTEMS:
            command = [sys.executable, __file__, "--system", name, "--rows", str(rows)]
            command += ["--train", str(train), "--test", str(test)]
            _, _, out = run_isolated(command, ONE_THREAD)
            runs[name].append(json.loads(out))
            print(f"measured {name}: {runs[name][-1]['per_second']:,}/s", file=sys.stderr)
    best = {name: max(found, key=lambda run: run["per_second"]) for name, found in runs.items()}
    return {
        "rows": rows,
        "rounds": rounds,
        "best": best,
        "all_rounds": {name: [run["per_second"] for run in found] for name, found in runs.items()},
    }


def agreement(test: Path, real_dev: Path | None) -> dict:
    """Largest difference between the scorer's and the pipeline's probabilities, and the held-out macro-F1."""
    import numpy as np

    from stance.metrics import scores
    from stance.model import load_model

    code_free, pickled = load_model(), load_model(trusted=True)
    found = {}
    for name, path in (("held_out", test), ("real_dev", real_dev)):
        if path is None:
            continue
        texts, gold = read(path)
        ours = code_free.predict_proba(texts)
        found[f"{name}_max_difference"] = float(np.abs(ours - pickled.predict_proba(texts)).max())
        labels = [code_free.labels[i] for i in ours.argmax(axis=1)]
        found[f"{name}_macro_f1"] = round(scores(gold, labels)["macro_f1"], 4)
    return found


# ---------------------------------------------------------------------------------------------
# 2. Cold start


def cold_start(repeats: int) -> dict:
    commands = {
        "classify": [sys.executable, "-m", "stance", "classify", "--format", "jsonl", QUOTE],
        "numpy": [sys.executable, "-c", "import numpy"],
        "sklearn": [sys.executable, "-c", BARE_IMPORT],
    }
    for command in commands.values():
        subprocess.run(command, capture_output=True, check=True)
    times: dict[str, list[float]] = {key: [] for key in commands}
    for _ in range(repeats):
        for key, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times[key].append(time.perf_counter() - start)
    medians = {key: round(statistics.median(found), 3) for key, found in times.items()}
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", *commands["classify"][1:]], capture_output=True, text=True, check=True
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in probe.stderr.splitlines() if "|" in line}
    return {
        "one_quote_classify_seconds": medians["classify"],
        "bare_numpy_seconds": medians["numpy"],
        "bare_sklearn_seconds": medians["sklearn"],
        "ratio_to_sklearn": round(medians["classify"] / medians["sklearn"], 2),
        "heavy_imports": sorted(imported & {"sklearn", "scipy", "pandas", "joblib", "pyarrow", "dask"}),
        "repeats": repeats,
    }


# ---------------------------------------------------------------------------------------------
# 3. A big CSV through the command line, one job and two


def write_csv(path: Path, rows: int, texts: list[str], new_words: bool = False) -> None:
    """`rows` rows cycling through `texts`; with `new_words`, each ends in a word no other row has."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for i in range(rows):
            text = texts[i % len(texts)]
            writer.writerow([i, f"{text} (ref {_letters(i)})" if new_words else text])


def _letters(number: int) -> str:
    """A number written in letters a-z: a word of its own for every row."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word += chr(ord("a") + digit)
        if number == 0:
            return word


def big_csv(rows: int, test: Path, folder: Path) -> dict:
    source = folder / "big.csv"
    write_csv(source, rows, read(test)[0])
    found = {"rows": rows}
    outputs = []
    for jobs in (1, 2):
        output = folder / f"labelled-{jobs}.csv"
        command = [sys.executable, "-m", "stance", "classify", "--input", str(source), "--output", str(output)]
        wall, peak, _ = run_isolated([*command, "--jobs", str(jobs)], ONE_THREAD)
        found[f"jobs_{jobs}"] = {"wall_seconds": round(wall, 1), "peak_rss_mb": round(peak, 1)}
        outputs.append(output)
        print(f"measured {rows:,} rows with --jobs {jobs}: {wall:.1f} s", file=sys.stderr)
    found["same_output"] = outputs[0].read_bytes() == outputs[1].read_bytes()
    found["jobs_2_speed_up"] = round(found["jobs_1"]["wall_seconds"] / found["jobs_2"]["wall_seconds"], 2)
    source.unlink()
    # The texts above repeat, so their words are soon all cached; here every row brings a new word,
    # the cache fills to its cap and is cleared again and again: the worst case for time and memory.
    write_csv(source, rows, read(test)[0], new_words=True)
    output = folder / "labelled-new-words.csv"
    command = [sys.executable, "-m", "stance", "classify", "--input", str(source), "--output", str(output)]
    wall, peak, _ = run_isolated(command, ONE_THREAD)
    found["new_word_each_row"] = {"wall_seconds": round(wall, 1), "peak_rss_mb": round(peak, 1)}
    print(f"measured {rows:,} rows with a new word each: {wall:.1f} s", file=sys.stderr)
    source.unlink()
    return found


# ---------------------------------------------------------------------------------------------
# 4. Dask


def _peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM): getrusage's ru_maxrss would include the peak of
    the process that started it (Linux carries it across exec), here the benchmark holding the data."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _on_local_cluster(workers: int, run: Callable[[], object]) -> tuple[float, list[float]]:
    """`run` against a new local cluster of `workers` one-thread workers: its wall time, each worker's peak MB."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        os.environ["DASK_SCHEDULER_ADDRESS"] = cluster.scheduler_address
        try:
            start = time.perf_counter()
            run()
            wall = time.perf_counter() - start
            peaks = sorted(client.run(_peak_rss_mb).values())
        finally:
            del os.environ["DASK_SCHEDULER_ADDRESS"]
    return wall, peaks


def dask_runs(row_counts: list[int], test: Path, folder: Path) -> list[dict]:
    import pandas as pd

    from stance.dask import classify_files

    texts = read(test)[0]
    data = folder / "parquet"
    data.mkdir()
    parts = max(row_counts) // PART_ROWS
    for part in range(parts):
        ids = range(part * PART_ROWS, (part + 1) * PART_ROWS)
        frame = pd.DataFrame({"id": ids, "text": [texts[i % len(texts)] for i in ids]})
        frame.to_parquet(data / f"part-{part:04d}.parquet", index=False)
    runs = []
    os.environ.update(ONE_THREAD)
    for rows in row_counts:
        (folder / "subset").mkdir(exist_ok=True)
        subset = folder / "subset" / str(rows)
        subset.mkdir()
        for part in range(rows // PART_ROWS):
            os.link(data / f"part-{part:04d}.parquet", subset / f"part-{part:04d}.parquet")
        for workers in (1, 2):
            output = folder / f"out-{rows}-{workers}"
            wall, peaks = _on_local_cluster(
                workers,
                partial(classify_files, "dask", subset / "*.parquet", output, "text", None, False, None, workers),
            )
            written = len(pd.read_parquet(output, columns=["stance"]))
            runs.append(
                {
                    "rows": rows,
                    "workers": workers,
                    "wall_seconds": round(wall, 1),
                    "rows_per_second": round(rows / wall),
                    "rows_written": written,
                    "worker_peak_rss_mb": [round(peak) for peak in peaks],
                }
            )
            print(f"measured Dask {rows:,} rows, {workers} workers: {wall:.1f} s, peaks {peaks}", file=sys.stderr)
    return runs


def dask_extract_runs(articles: int, folder: Path) -> list[dict]:
    """`stance extract --engine dask` on `articles` articles (the fixture articles over and over, each
    with an id of its own), 1 and 2 local workers: the statements found, the wall time, worker peaks."""
    import pandas as pd

    from stance.dask import extract_files

    fixtures = sorted((ROOT / "tests" / "fixtures" / "articles").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in fixtures]
    data = folder / "articles"
    data.mkdir()
    per_file = 1_000
    for part in range(0, articles, per_file):
        ids = range(part, min(part + per_file, articles))
        frame = pd.DataFrame({"id": [f"a{i}" for i in ids], "text": [texts[i % len(texts)] for i in ids]})
        frame.to_parquet(data / f"part-{part // per_file:04d}.parquet", index=False)
    runs = []
    os.environ.update(ONE_THREAD)
    for workers in (1, 2):
        output = folder / f"statements-{workers}"
        wall, peaks = _on_local_cluster(
            workers,
            partial(extract_files, "dask", data / "*.parquet", output, "text", None, False, None, False, None, workers),
        )
        found = len(pd.read_parquet(output, columns=["statement"]))
        runs.append(
            {
                "articles": articles,
                "workers": workers,
                "statements": found,
                "wall_seconds": round(wall, 1),
                "articles_per_second": round(articles / wall),
                "worker_peak_rss_mb": [round(peak) for peak in peaks],
            }
        )
        print(f"measured Dask extract, {articles:,} articles, {workers} workers: {wall:.1f} s", file=sys.stderr)
    return runs


# ---------------------------------------------------------------------------------------------
# The report


def targets(results: dict) -> list[str]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines = []
    best = results["throughput"]["best"]
    share = best["scorer"]["per_second"] / best["fastText"]["per_second"]
    lines.append(
        f"batch throughput at least 1.0 x fastText's (0.5 x the floor): {share:.2f} x: "
        f"{verdict(share >= 1.0)} (floor {verdict(share >= 0.5)})"
    )
    cold = results["cold_start"]
    lines.append(
        f"one-quote classify at most 0.5 x the bare scikit-learn import: {cold['ratio_to_sklearn']:.2f} x: "
        f"{verdict(cold['ratio_to_sklearn'] <= 0.5)}"
    )
    if "big_csv" in results:
        big = results["big_csv"]
        one = big["jobs_1"]
        lines.append(
            f"{big['rows']:,} rows in under 30 s on one core: {one['wall_seconds']:.1f} s: "
            f"{verdict(one['wall_seconds'] < 30)}; under 250 MB peak: {one['peak_rss_mb']:.0f} MB: "
            f"{verdict(one['peak_rss_mb'] < 250)}"
        )
        lines.append(
            f"--jobs 2 at least 1.7 x one job: {big['jobs_2_speed_up']:.2f} x: {verdict(big['jobs_2_speed_up'] >= 1.7)}"
        )
    if results.get("dask"):
        peaks = {(run["rows"], run["workers"]): max(run["worker_peak_rss_mb"]) for run in results["dask"]}
        rows = sorted({run["rows"] for run in results["dask"]})
        flat = all(peaks[(rows[-1], w)] <= 1.25 * peaks[(rows[0], w)] + 25 for w in (1, 2))
        lines.append(
            f"Dask memory per worker flat in rows ({rows[0]:,} to {rows[-1]:,} rows, within 25% + 25 MB): "
            + ", ".join(f"{w} workers {peaks[(rows[0], w)]} -> {peaks[(rows[-1], w)]} MB" for w in (1, 2))
            + f": {verdict(flat)}"
        )
    return lines


def markdown(results: dict) -> str:
    t = results["throughput"]
    best = t["best"]
    lines = [
        "## Speed and scale",
        "",
        f"Measured {results['date']} on {results['machine']}, in one run of `benchmarks/speed.py`"
        f" ({results['command']}). Timings on a shared cloud machine are noisy, so the systems were measured"
        " side by side, alternated, in the same run.",
        "",
        f"### Batch throughput, one thread ({t['rows']:,} statements, best of {t['rounds']} alternated rounds)",
        "",
        "| system | statements/s | x fastText | peak memory | all rounds (statements/s) |",
        "|---|---|---|---|---|",
    ]
    for name in SYSTEMS:
        run = best[name]
        lines.append(
            f"| {name} | {run['per_second']:,} | {run['per_second'] / best['fastText']['per_second']:.2f} |"
            f" {run['peak_rss_mb']:.0f} MB | {', '.join(f'{x:,}' for x in t['all_rounds'][name])} |"
        )
    agree = results["agreement"]
    same = f"held-out split {agree['held_out_max_difference']:.1e}"
    if "real_dev_max_difference" in agree:
        same += f", real dev set {agree['real_dev_max_difference']:.1e}"
    lines += [
        "",
        "The scorer is the shipped model's code-free arrays scored in bulk (`stance.model_format`); the pipeline"
        " is the same model unpickled into scikit-learn. Largest difference between their probabilities:"
        f" {same}; held-out macro-F1 {agree['held_out_macro_f1']:.4f}"
        + (f", real dev {agree['real_dev_macro_f1']:.4f}" if "real_dev_macro_f1" in agree else "")
        + " (the shipped model's accuracy, unchanged).",
    ]
    cold = results["cold_start"]
    lines += [
        "",
        "### Cold start",
        "",
        f"- One-quote `stance classify` in a fresh process: {cold['one_quote_classify_seconds']:.3f} s (median of"
        f" {cold['repeats']}), against bare `import numpy` {cold['bare_numpy_seconds']:.3f} s and bare"
        f" `{BARE_IMPORT}` {cold['bare_sklearn_seconds']:.3f} s: {cold['ratio_to_sklearn']:.2f} x the latter."
        f" Heavy packages it imported: {', '.join(cold['heavy_imports']) or 'none'}.",
    ]
    if "big_csv" in results:
        big = results["big_csv"]
        lines += [
            "",
            "### A big CSV through `stance classify`",
            "",
            f"- {big['rows']:,} rows, `--input big.csv --output labelled.csv`, one thread:"
            f" {big['jobs_1']['wall_seconds']:.1f} s ({big['rows'] / big['jobs_1']['wall_seconds']:,.0f} rows/s),"
            f" peak memory {big['jobs_1']['peak_rss_mb']:.0f} MB.",
            f"- The same with `--jobs 2`: {big['jobs_2']['wall_seconds']:.1f} s, {big['jobs_2_speed_up']:.2f} x one"
            f" job; peak memory of the largest process {big['jobs_2']['peak_rss_mb']:.0f} MB;"
            f" output identical to one job's: {'yes' if big['same_output'] else 'NO'}.",
        ]
        if "new_word_each_row" in big:
            worst = big["new_word_each_row"]
            lines.append(
                f"- The statements above repeat (the held-out split, over and over), so after the first rows"
                f" every word is in the scorer's word cache. With a word of its own added to every row, the"
                f" cache fills to its cap ({CACHE_WORDS:,} words) and is cleared again and again:"
                f" {worst['wall_seconds']:.1f} s, peak memory {worst['peak_rss_mb']:.0f} MB (one job)."
            )
    if results.get("dask"):
        lines += [
            "",
            f"### Dask (`stance classify --engine dask`, Parquet files of {PART_ROWS:,} rows, local workers of one"
            " thread)",
            "",
            "| rows | workers | wall (s) | rows/s | peak memory per worker |",
            "|---|---|---|---|---|",
        ]
        for run in results["dask"]:
            lines.append(
                f"| {run['rows']:,} | {run['workers']} | {run['wall_seconds']:.1f} | {run['rows_per_second']:,} |"
                f" {', '.join(f'{p} MB' for p in run['worker_peak_rss_mb'])} |"
            )
        runs = {(run["rows"], run["workers"]): run for run in results["dask"]}
        least, most = min(r for r, _ in runs), max(r for r, _ in runs)
        if least != most:
            lines += [
                "",
                f"How the time grows: from {least:,} to {most:,} rows ({most / least:.0f} x the rows) the wall time"
                f" grows {runs[(most, 1)]['wall_seconds'] / runs[(least, 1)]['wall_seconds']:.1f} x on one worker and"
                f" {runs[(most, 2)]['wall_seconds'] / runs[(least, 2)]['wall_seconds']:.1f} x on two"
                f" ({most / least:.0f} x would be exactly linear; less means a fixed cost, such as starting the"
                " cluster, spread thinner). Two workers take"
                f" {runs[(most, 2)]['wall_seconds'] / runs[(most, 1)]['wall_seconds']:.2f} x the time of one at"
                f" {most:,} rows (0.5 x would be perfect scaling); here they share this machine's two cores with"
                " the scheduler and the client.",
            ]
    if results.get("dask_extract"):
        lines += [
            "",
            "### Dask, articles (`stance extract --engine dask`, Parquet files of 1,000 articles)",
            "",
            "| articles | workers | statements | wall (s) | articles/s | peak memory per worker |",
            "|---|---|---|---|---|---|",
        ]
        for run in results["dask_extract"]:
            lines.append(
                f"| {run['articles']:,} | {run['workers']} | {run['statements']:,} | {run['wall_seconds']:.1f} |"
                f" {run['articles_per_second']:,} | {', '.join(f'{p} MB' for p in run['worker_peak_rss_mb'])} |"
            )
    lines += ["", "### Targets", ""] + [f"- {line}" for line in targets(results)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="Statements for the throughput figures.")
    parser.add_argument("--rounds", type=int, default=3, help="Alternated throughput rounds.")
    parser.add_argument("--repeats", type=int, default=7, help="Cold starts to time.")
    parser.add_argument("--big-rows", type=int, default=1_000_000, help="Rows of the CSV (0 skips).")
    parser.add_argument("--dask-rows", default="1000000,10000000", help="Comma-separated row counts ('' skips).")
    parser.add_argument("--dask-articles", type=int, default=5_000, help="Articles for extract on Dask (0 skips).")
    parser.add_argument("--train", type=Path, default=ROOT / "data" / "labeled" / "train.csv")
    parser.add_argument("--test", type=Path, default=ROOT / "data" / "labeled" / "test.csv")
    parser.add_argument("--real-dev", type=Path, default=os.environ.get("STANCE_REAL_DEV"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks")
    parser.add_argument("--system", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.system:
        print(json.dumps(measure_system(args.system, args.rows, args.train, args.test)))
        return
    command = " ".join(["python benchmarks/speed.py", *sys.argv[1:]])
    if args.real_dev:
        command = command.replace(str(args.real_dev), "REAL_DEV")
    results: dict = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": versions(),
        "command": command,
        "throughput": throughput(args.rows, args.rounds, args.train, args.test),
        "agreement": agreement(args.test, args.real_dev),
        "cold_start": cold_start(args.repeats),
    }
    with tempfile.TemporaryDirectory() as folder:
        if args.big_rows:
            results["big_csv"] = big_csv(args.big_rows, args.test, Path(folder))
        row_counts = [int(rows) for rows in args.dask_rows.split(",") if rows]
        if row_counts:
            results["dask"] = dask_runs(row_counts, args.test, Path(folder))
        if args.dask_articles:
            results["dask_extract"] = dask_extract_runs(args.dask_articles, Path(folder))
    (args.out / "SPEED.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    section = markdown(results)
    write_section(args.out / "RESULTS.md", "speed", section)
    print(section)


if __name__ == "__main__":
    main()
