"""The `stance` command: parses options, calls the library, renders the result. No logic of its own.

Heavy modules (scikit-learn, pandas, rich tables) are imported inside the commands that need
them, so `stance classify "..."` starts as fast as loading the model allows.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from stance.errors import EmptyTextWarning, StanceError

app = typer.Typer(
    help="Label diplomatic statements as condemn, deny, de-escalate or other.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_TRAIN = Path("data/labeled/train.csv")
DEFAULT_TEST = Path("data/labeled/test.csv")
REAL_DEV_ENV = "STANCE_REAL_DEV"

ModelOption = Annotated[
    Path | None, typer.Option("--model", "-m", help="Model file (default: $STANCE_MODEL, else the shipped model).")
]
TrustModelOption = Annotated[
    bool,
    typer.Option(
        "--trust-model",
        help="Unpickle the model's joblib file instead of reading its code-free .npz. Unpickling runs "
        "whatever code the file holds, and a matching card proves nothing: only for model files you trust.",
    ),
]
FormatOption = Annotated[str | None, typer.Option("--format", "-f", help="table, json, jsonl or csv.")]
MinConfidenceOption = Annotated[float | None, typer.Option(help="Below this confidence the stance is 'uncertain'.")]
JobsOption = Annotated[int, typer.Option("--jobs", "-j", help="Processes to score with; the output is the same.")]
RealDevOption = Annotated[
    Path | None,
    typer.Option(
        "--real-dev", envvar=REAL_DEV_ENV, help="A labelled set of real statements to report macro-F1 on too."
    ),
]


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input becomes one line on stderr and exit 1; library warnings become `warning:` lines."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("always", EmptyTextWarning)
            warnings.showwarning = lambda message, *_: _say(f"warning: {message}")
            try:
                return command(*args, **kwargs)
            except StanceError as error:
                _say(f"error: {error}")
                raise typer.Exit(1) from None
            except BrokenPipeError:
                # `stance classify ... | head` closed early: not an error. Point stdout at /dev/null
                # so that Python's final flush does not fail too (the recipe of Python's signal docs).
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                raise typer.Exit(0) from None

    return wrapper


def _version(show: bool) -> None:
    if show:
        from stance import __version__

        print(f"stance {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Label diplomatic statements as condemn, deny, de-escalate or other."""


def _check_confidence(value: float | None) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise StanceError(f"--min-confidence must be between 0 and 1, got {value}")


@app.command()
@reports_errors
def classify(
    quotes: Annotated[
        list[str] | None, typer.Argument(help="Statements to classify; '-' reads lines from stdin.")
    ] = None,
    input: Annotated[
        Path | None, typer.Option("--input", "-i", help="CSV or JSONL with a text column, or plain text, one a line.")
    ] = None,
    text_column: Annotated[str, typer.Option(help="The column holding the statements.")] = "text",
    format: FormatOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here; the input columns are kept.")
    ] = None,
    min_confidence: MinConfidenceOption = None,
    explain: Annotated[bool, typer.Option(help="Add the n-grams that pushed each statement to its label.")] = False,
    model: ModelOption = None,
    trust_model: TrustModelOption = False,
    jobs: JobsOption = 1,
    engine: Annotated[
        str, typer.Option(help="local, or dask: --input is then a glob of Parquet or CSV files, --output a folder.")
    ] = "local",
) -> None:
    """Label statements given as arguments, in a file, or on stdin."""
    from stance.batch import classify_source, classify_texts, with_evidence
    from stance.model import load_model
    from stance.output import choose_format

    _check_confidence(min_confidence)
    if engine != "local":
        from stance.dask import classify_files

        classify_files(engine, input, output, text_column, model, trust_model, min_confidence, jobs)
        _say(f"wrote {output}")
        return
    chosen = choose_format(format, output, sys.stdout.isatty())
    quotes = quotes or []
    from_stdin = quotes == ["-"] or (input is not None and str(input) == "-")
    if not quotes and input is None:
        raise StanceError("nothing to classify: give statements, --input FILE, or '-' for stdin")
    if quotes and input is not None:
        raise StanceError("give statements or --input, not both")
    from stance.parallel import pooled

    loaded = pooled(load_model(model, trusted=trust_model), model, trust_model, jobs)
    with _progress(None if from_stdin else input) as advance:
        if from_stdin:
            rows = classify_source(loaded, None, min_confidence=min_confidence)
        elif input is not None:
            rows = classify_source(loaded, input, text_column, min_confidence, on_chunk=advance)
        else:
            rows = classify_texts(loaded, quotes, min_confidence)
        if explain:
            rows = with_evidence(loaded, rows, "text" if from_stdin or input is None else text_column)
        _emit(rows, chosen, output)
    if output is not None:
        _say(f"wrote {output}")


@contextmanager
def _progress(path: Path | None) -> Iterator[Callable[[int], None] | None]:
    """A row counter on stderr while a file is classified, shown only to a person at a terminal."""
    if path is None or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}: {task.completed:,} rows"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(str(path), total=None)
        yield lambda rows: progress.advance(task, rows)


def _emit(rows: Iterable[dict[str, Any]], format: str, output: Path | None) -> None:
    from stance.output import RowWriter

    if format == "table":
        _print_table(list(rows))
        return
    with RowWriter(format, output) as writer:
        writer.write(rows)


def _print_table(rows: list[dict[str, Any]]) -> None:
    """A table for reading: the statement gets the width; the four probabilities share one column."""
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, expand=True)
    extracted = bool(rows) and "statement" in rows[0]
    text_column = "statement" if extracted else "text"
    if extracted:
        table.add_column("actor", no_wrap=True)
        table.add_column("speaker", max_width=22)
        table.add_column("form", no_wrap=True)
    table.add_column(text_column, ratio=3)
    table.add_column("stance", no_wrap=True)
    table.add_column("conf.", justify="right", no_wrap=True)
    table.add_column("cond deny de-e other", justify="right", no_wrap=True)
    explained = bool(rows) and "evidence" in rows[0]
    if explained:
        table.add_column("evidence", ratio=2)
    for row in rows:
        cells = [row["actor"], row["speaker"], row["form"]] if extracted else []
        probabilities = " ".join(f"{row[c]:.2f}" for c in ("p_condemn", "p_deny", "p_de_escalate", "p_other"))
        cells += [row[text_column], row["stance"], f"{row['confidence']:.2f}", probabilities]
        if explained:
            cells.append(row["evidence"])
        table.add_row(*cells)
    Console().print(table)


@app.command()
@reports_errors
def extract(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Plain-text news articles; '-' reads one from stdin.")
    ] = None,
    aliases: Annotated[
        Path | None, typer.Option(help="CSV with columns alias, actor: more names of officials.")
    ] = None,
    all_speakers: Annotated[
        bool, typer.Option(help="Also list statements by speakers outside the four actors.")
    ] = False,
    format: FormatOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    min_confidence: MinConfidenceOption = None,
    model: ModelOption = None,
    trust_model: TrustModelOption = False,
    jobs: JobsOption = 1,
) -> None:
    """Find the statements by the four actors in news articles, and label each."""
    from stance.batch import extract_rows
    from stance.data import read_article
    from stance.extract import read_aliases
    from stance.model import load_model
    from stance.output import choose_format

    _check_confidence(min_confidence)
    chosen = choose_format(format, output, sys.stdout.isatty())
    if not files:
        raise StanceError("nothing to read: give article files, or '-' for stdin")
    user_aliases = read_aliases(aliases) if aliases else None
    articles = [read_article(None if str(path) == "-" else path) for path in files]
    if jobs == 1:
        loaded = load_model(model, trusted=trust_model)
        rows = extract_rows(loaded, articles, user_aliases, all_speakers, min_confidence)
    else:
        from stance import parallel

        rows = parallel.extract_rows(model, trust_model, articles, user_aliases, all_speakers, min_confidence, jobs)
    _emit(rows, chosen, output)
    if output is not None:
        _say(f"wrote {output}")


@app.command()
@reports_errors
def train(
    data: Annotated[
        list[Path] | None, typer.Argument(help="Labelled CSV or JSONL (default data/labeled/train.csv).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the model; its card goes beside it.")] = Path(
        "models/stance.joblib"
    ),
    held_out: Annotated[
        Path | None,
        typer.Option(
            help="Labelled held-out set to score once (default with the default data: data/labeled/test.csv)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for the folds and the classifier.")] = 0,
    cv: Annotated[int, typer.Option(help="Cross-validation folds (0 skips the estimate).")] = 5,
    settings: Annotated[str | None, typer.Option(help="A named candidate setting (see the model card).")] = None,
    compare: Annotated[
        bool, typer.Option(help="Cross-validate every candidate setting and record them in the card.")
    ] = False,
    real_dev: RealDevOption = None,
) -> None:
    """Fit a model on labelled statements and write it with its card."""
    from stance.training import DEFAULT_SETTINGS, train_files

    if not data:
        data = [DEFAULT_TRAIN]
        if held_out is None and DEFAULT_TEST.exists():
            held_out = DEFAULT_TEST
    result = train_files(
        data,
        out,
        held_out=held_out,
        settings=settings or DEFAULT_SETTINGS,
        seed=seed,
        cv=cv,
        compare=compare,
        real_dev=real_dev,
    )
    card = result.model.card
    assert card is not None
    cross = card.cross_validation
    print(f"trained on {card.training_data['rows']} statements with settings {card.settings['name']!r}")
    if cross:
        print(
            f"cross-validated macro-F1 ({cross['scheme']}): {cross['macro_f1_mean']:.3f} ± {cross['macro_f1_std']:.3f}"
        )
        _print_per_label(cross["per_label"])
    for name, scored in (card.candidates or {}).items():
        print(f"  candidate {name:22s} CV macro-F1 {scored['macro_f1_mean']:.3f} ± {scored['macro_f1_std']:.3f}")
    if card.held_out:
        _print_figures("held-out", card.held_out)
    if result.real_dev is not None:
        _print_figures("real dev", result.real_dev)
    else:
        print(f"real dev set not given (--real-dev or ${REAL_DEV_ENV}): no real-speech figure")
    print(f"wrote {out}, {out.with_suffix('.npz')} and {out.with_suffix('.json')}")


def _print_figures(name: str, report: dict[str, Any]) -> None:
    print(
        f"{name} macro-F1 {report['macro_f1']:.3f} (three stance labels {report['macro_f1_stance']:.3f}), "
        f"accuracy {report['accuracy']:.3f}, {report['rows']} statements"
    )


def _print_per_label(per_label: dict[str, dict[str, float]]) -> None:
    print(f"  {'label':12s} {'precision':>9s} {'recall':>7s} {'f1':>6s} {'support':>8s}")
    for label, s in per_label.items():
        print(f"  {label:12s} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} {s['support']:8d}")


@app.command()
@reports_errors
def evaluate(
    data: Annotated[Path, typer.Argument(help="Labelled CSV or JSONL with text and label columns.")] = DEFAULT_TEST,
    model: ModelOption = None,
    trust_model: TrustModelOption = False,
    text_column: Annotated[str, typer.Option(help="The column holding the statements.")] = "text",
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Short for --format json.")] = False,
    errors: Annotated[Path | None, typer.Option(help="Write the misclassified rows here (.csv or .jsonl).")] = None,
    real_dev: RealDevOption = None,
) -> None:
    """Score a model on labelled statements: accuracy, macro-F1, per label, per actor, confusion."""
    from stance.data import read_labelled
    from stance.evaluate import evaluate_model, misclassified
    from stance.model import load_model
    from stance.output import RowWriter, choose_format

    if as_json:
        format = "json"
    if format not in ("table", "json"):
        raise StanceError(f"unknown format {format!r} for evaluate (expected table or json)")
    loaded = load_model(model, trusted=trust_model)
    frame = read_labelled([data], text_column=text_column)
    report, predictions = evaluate_model(loaded, frame)
    reports = {str(data): report}
    if real_dev is not None:
        reports[f"real dev ({real_dev})"] = evaluate_model(loaded, read_labelled([real_dev]))[0]
    if errors is not None:
        with RowWriter(choose_format(None, errors, False), errors) as writer:
            writer.write(misclassified(frame, predictions))
    if format == "json":
        print(json.dumps(reports if len(reports) > 1 else report, indent=2))
    else:
        for name, scored in reports.items():
            _print_report(name, scored)
        if real_dev is None and data == DEFAULT_TEST:
            print(f"real dev set not given (--real-dev or ${REAL_DEV_ENV}): no real-speech figure")
    if errors is not None:
        _say(f"wrote {errors}")


def _figure(value: float | None) -> str:
    """A score, or n/a where an actor's rows hold no label to average over."""
    return "  n/a" if value is None else f"{value:.3f}"


def _print_report(name: str, report: dict[str, Any]) -> None:
    _print_figures(name, report)
    _print_per_label(report["per_label"])
    labels = report["confusion"]["labels"]
    print("  confusion (rows gold, columns predicted):")
    print("  " + " " * 12 + "".join(f"{label:>12s}" for label in labels))
    for label, counts in zip(labels, report["confusion"]["matrix"], strict=True):
        print(f"  {label:12s}" + "".join(f"{count:12d}" for count in counts))
    for actor, scored in report.get("per_actor", {}).items():
        print(
            f"  {actor:17s} macro-F1 {_figure(scored['macro_f1'])}  three-label {_figure(scored['macro_f1_stance'])}  "
            f"accuracy {scored['accuracy']:.3f}  ({scored['rows']} rows)"
        )
    print()


@app.command()
@reports_errors
def info(
    model: ModelOption = None,
    trust_model: TrustModelOption = False,
    format: Annotated[str, typer.Option("--format", "-f", help="table, or json for the whole card.")] = "table",
) -> None:
    """Show a model's card: its data, settings, scores and versions."""
    from stance.card import render
    from stance.model import load_model

    if format not in ("table", "json"):
        raise StanceError(f"unknown format {format!r} (expected one of: table, json)")
    card = load_model(model, trusted=trust_model).card
    assert card is not None
    if format == "json":
        print(render(card), end="")
        return
    print(f"model      {card.model}, created {card.created}, card format {card.format_version}")
    settings = card.settings
    shown = ", ".join(f"{k}={v}" for k, v in settings.items() if k not in ("name", "chosen_because"))
    print(f"settings   {settings.get('name')}: {shown}")
    if "chosen_because" in settings:
        print(f"           chosen: {settings['chosen_because']}")
    trained = card.training_data
    print(
        f"trained on {trained.get('rows')} statements, {trained.get('crises')} crises, "
        f"data sha256 {str(trained.get('sha256'))[:12]}"
    )
    print("           " + ", ".join(f"{k} {v}" for k, v in trained.get("per_label", {}).items()))
    cross = card.cross_validation
    if cross:
        print(f"CV         macro-F1 {cross['macro_f1_mean']:.3f} ± {cross['macro_f1_std']:.3f} ({cross['scheme']})")
    for name, scored in (card.candidates or {}).items():
        print(f"  candidate {name:22s} CV macro-F1 {scored['macro_f1_mean']:.3f} ± {scored['macro_f1_std']:.3f}")
    if card.held_out:
        held = card.held_out
        print(
            f"held-out   macro-F1 {held['macro_f1']:.3f}, three-label {held['macro_f1_stance']:.3f}, "
            f"accuracy {held['accuracy']:.3f} on {held['rows']} statements ({held.get('file')})"
        )
    print("versions   " + ", ".join(f"{k} {v}" for k, v in card.versions.items()))
    for kind, digest in card.sha256.items():
        print(f"sha256     {kind:6s} {digest}")


@app.command("corpus-report")
@reports_errors
def corpus_report(
    train: Annotated[Path, typer.Argument(help="The training split.")] = DEFAULT_TRAIN,
    test: Annotated[Path, typer.Argument(help="The held-out split.")] = DEFAULT_TEST,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Measure the corpus against its targets: size, cells, crises, shares, 4-grams, duplicates."""
    from stance.corpus import read_corpus, report

    measured = report(read_corpus(train), read_corpus(test))
    if as_json:
        print(json.dumps(measured, indent=2))
        return
    rows = measured["rows"]
    print(f"rows {rows['total']} (train {rows['train']}, test {rows['test']}; test share {measured['test_share']:.1%})")
    crises = measured["crises"]
    print(
        f"crises {crises['total']} (train {crises['train']}, test {crises['test']}); "
        f"largest holds {measured['largest_crisis_share']:.1%}; "
        f"in both splits: {measured['crises_in_both_splits'] or 'none'}"
    )
    print(f"lengths {measured['lengths']['min']} to {measured['lengths']['max']} words")
    print("cells (all / test):")
    for cell, count in measured["cells"].items():
        print(f"  {cell:28s} {count:5d} / {measured['test_cells'][cell]:4d}")
    print("shares (all / test):")
    for key, value in measured["shares"].items():
        target = measured["explicit_word_targets"].get(key.removeprefix("explicit_words_"))
        aim = f"  (real speech {target:.0%})" if target is not None else ""
        shown = [f"{v:6.0f}w" if key == "median_words" else f"{v:6.1%}" for v in (value, measured["test_shares"][key])]
        print(f"  {key:28s} {shown[0]} / {shown[1]}{aim}")
    for name, population in measured["populations"].items():
        print(f"{name} rows {population['rows']} (test {population['test_rows']}), shares (all / test, target):")
        targets = measured["population_targets"][name]
        for key, value in population["all"].items():
            low, high = targets.get(key, (None, None))
            aim = (
                ""
                if low is None
                else f"  ({low:g} to {high:g})"
                if key == "median_words"
                else f"  ({low:.0%} to {high:.0%})"
            )
            shown = [f"{v:6.0f}w" if key == "median_words" else f"{v:6.1%}" for v in (value, population["test"][key])]
            print(f"  {key:28s} {shown[0]} / {shown[1]}{aim}")
    print("most frequent word 4-grams (share of statements):")
    for gram, share in measured["top_4grams"]:
        print(f"  {share:6.2%}  {gram}")
    print(
        f"exact duplicates: {len(measured['exact_duplicates'])}; "
        f"train/test near-duplicates (cosine >= 0.8): {len(measured['near_duplicates'])}"
    )


@app.command()
@reports_errors
def split(
    files: Annotated[list[Path], typer.Argument(help="Corpus CSV files to merge (the splits and new rows).")],
    out_dir: Annotated[Path, typer.Option(help="Where train.csv and test.csv go.")] = Path("data/labeled"),
) -> None:
    """Merge corpus files and split them by crisis into train.csv and test.csv."""
    from stance.corpus import write_split

    for path in write_split(files, out_dir):
        print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        app(args=argv, prog_name="stance")
    except SystemExit as exit:
        return int(exit.code or 0) if not isinstance(exit.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
