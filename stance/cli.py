"""The `stance` command: parses options, calls the library, renders the result. No logic of its own.

Heavy modules (scikit-learn, pandas, rich tables) are imported inside the commands that need
them, so `stance classify "..."` starts as fast as loading the model allows.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from stance.errors import EmptyTextWarning, InputWarning, StanceError
from stance.labelling import ORDERS
from stance.output import Format
from stance.reporting import PERIODS
from stance.schema import ENGINES
from stance.training import CANDIDATES

app = typer.Typer(
    help="Label diplomatic statements as condemn, deny, de-escalate or other.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_TRAIN = Path("data/labeled/train.csv")
DEFAULT_TEST = Path("data/labeled/test.csv")
DEFAULT_OUT = Path("models/stance.joblib")
REAL_DEV_ENV = "STANCE_REAL_DEV"


# The queue orders of stance.labelling, declared there; typer checks --order against them.
QueueOrder = StrEnum("QueueOrder", {name: name for name in ORDERS})  # type: ignore[misc]


# Where classify runs (here, or on a Dask cluster) and what `stance report` counts by: declared
# once, in stance.schema and stance.reporting; typer checks the options against them.
Engine = StrEnum("Engine", {name: name for name in ENGINES})  # type: ignore[misc]
Period = StrEnum("Period", {name: name for name in PERIODS})  # type: ignore[misc]


class ReportFormat(StrEnum):
    """How evaluate prints its report."""

    table = "table"
    json = "json"


# The candidate settings, named once in stance.training; typer checks --settings against them.
SettingsName = StrEnum("SettingsName", {name: name for name in CANDIDATES})  # type: ignore[misc]


class UsageProblem(StanceError):
    """Options that do not fit together: one line on stderr and exit 2, as typer does for its own checks."""


def _folds(value: int) -> int:
    if value == 1 or value < 0:
        raise typer.BadParameter(f"{value} is not valid: 0 skips the estimate, else at least 2 folds")
    return value


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
FormatOption = Annotated[
    Format | None, typer.Option("--format", "-f", help="Default: by the output's extension, else table or jsonl.")
]
EscapeOption = Annotated[
    bool,
    typer.Option(
        "--escape-formulas/--no-escape-formulas",
        help="In CSV output, prefix cells starting with = + - @ (or tab, CR) with ' so spreadsheets do not run them.",
    ),
]
MinConfidenceOption = Annotated[float | None, typer.Option(help="Below this confidence the stance is 'uncertain'.")]
JobsOption = Annotated[
    int, typer.Option("--jobs", "-j", help="Processes for files and stdin (not --explain); the output is the same.")
]
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
            warnings.simplefilter("always", InputWarning)
            warnings.showwarning = lambda message, *_: _say(f"warning: {message}")
            try:
                return command(*args, **kwargs)
            except StanceError as error:
                _say(f"error: {error}")
                raise typer.Exit(2 if isinstance(error, UsageProblem) else 1) from None
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


def _model_in_use(model: Path | None) -> Path:
    """The model file a run loads, resolved as load_model resolves it: what no output may replace."""
    from stance.model import model_path

    return model_path(model)


def _stdin(path: Path | None) -> bool:
    return path is not None and str(path) == "-"


@app.command()
@reports_errors
def classify(
    quotes: Annotated[
        list[str] | None, typer.Argument(help="Statements to classify; '-' reads lines from stdin.")
    ] = None,
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="CSV, TSV, JSONL or JSON with a text column, or plain text, one a line; a pipe works too.",
        ),
    ] = None,
    text_column: Annotated[str, typer.Option(help="The column holding the statements.")] = "text",
    format: FormatOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here; the input columns are kept.")
    ] = None,
    min_confidence: MinConfidenceOption = None,
    explain: Annotated[bool, typer.Option(help="Add the n-grams that pushed each statement to its label.")] = False,
    escape_formulas: EscapeOption = True,
    model: ModelOption = None,
    trust_model: TrustModelOption = False,
    jobs: JobsOption = 1,
    engine: Annotated[
        Engine, typer.Option(help="local, or dask: --input is then a glob of Parquet or CSV files, --output a folder.")
    ] = Engine["local"],
) -> None:
    """Label statements given as arguments, in a file, or on stdin. A row per input row, always."""
    from stance.batch import Flagged, classify_source, classify_texts, line_chunks, table_chunks, with_evidence
    from stance.data import file_kind
    from stance.model import load_model
    from stance.output import RowWriter, check_output, choose_format
    from stance.parallel import rendered_chunks

    _check_confidence(min_confidence)
    if engine != Engine["local"]:
        from stance.dask import classify_files

        classify_files(engine.value, input, output, text_column, model, trust_model, min_confidence, jobs)
        _say(f"wrote {output}")
        return
    chosen = choose_format(format, output, _stdout_is_terminal())
    quotes = quotes or []
    from_stdin = quotes == ["-"] or _stdin(input)
    if not quotes and input is None:
        raise UsageProblem("nothing to classify: give statements, --input FILE, or '-' for stdin")
    if quotes and input is not None:
        raise UsageProblem("give statements or --input, not both")
    if output is not None:
        check_output(output, inputs=[input], protected=[_model_in_use(model)], option="--output")
    from stance.parallel import check_jobs

    check_jobs(jobs)
    loaded = load_model(model, trusted=trust_model)
    with _progress(None if from_stdin else input) as advance:
        if not explain and chosen != "table" and (input is not None or from_stdin):
            # A chunk at a time, never a dict per row: the path of big files, which --jobs shares out.
            if input is not None and not from_stdin and file_kind(input) != "text":
                chunks, column = table_chunks(input, text_column), text_column
            else:
                chunks, column = line_chunks(None if from_stdin else input), "text"
            settings = {"text_column": column, "min_confidence": min_confidence, "escape_formulas": escape_formulas}
            flagged = Flagged()
            with RowWriter(chosen, output, escape_formulas=escape_formulas) as writer:
                for chunk, rendered in rendered_chunks(loaded, model, trust_model, chunks, jobs, chosen, settings):
                    flagged.add(chunk, rendered)
                    writer.write_rendered(rendered.text, rendered.rows, rendered.columns)
                    if advance:
                        advance(rendered.rows)
            flagged.warn()
        else:  # quotes given as arguments, or --explain, or a table for the terminal: one process
            if from_stdin:
                rows = classify_source(loaded, None, min_confidence=min_confidence)
            elif input is not None:
                rows = classify_source(loaded, input, text_column, min_confidence, on_chunk=advance)
            else:
                rows = classify_texts(loaded, quotes, min_confidence)
            if explain:
                rows = with_evidence(loaded, rows, "text" if from_stdin or input is None else text_column)
            _emit(rows, chosen, output, escape_formulas=escape_formulas)
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


def _stdout_is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def _emit(
    rows: Iterable[dict[str, Any]],
    format: str,
    output: Path | None,
    *,
    columns: list[str] | None = None,
    escape_formulas: bool = True,
) -> None:
    from stance.output import RowWriter

    if format == "table":
        _print_table(list(rows))
        return
    with RowWriter(format, output, columns=columns, escape_formulas=escape_formulas) as writer:
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
        if row["stance"] is None:
            cells += [row[text_column], "", "", "(empty text)"]
        else:
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
        list[Path] | None,
        typer.Argument(
            help="Articles: text or HTML files, folders (searched recursively), or a manifest CSV/JSONL/JSON "
            "whose rows give 'text' or 'path' and any of date, source, url, title, id; '-' reads one from stdin."
        ),
    ] = None,
    glob: Annotated[
        str | None, typer.Option(help="In folders, read only the files matching this pattern, e.g. '**/*.html'.")
    ] = None,
    aliases: Annotated[
        Path | None, typer.Option(help="CSV with columns alias, actor[, kind]: more names of officials.")
    ] = None,
    all_speakers: Annotated[
        bool, typer.Option(help="Also list statements by speakers outside the four actors.")
    ] = False,
    format: FormatOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    min_confidence: MinConfidenceOption = None,
    escape_formulas: EscapeOption = True,
    model: ModelOption = None,
    trust_model: TrustModelOption = False,
    jobs: JobsOption = 1,
    engine: Annotated[
        Engine,
        typer.Option(
            help="local, or dask: --input is then a glob of Parquet or CSV files of articles, a row each "
            "(text, and any of id, date, source, url, title), --output a folder."
        ),
    ] = Engine["local"],
    input: Annotated[
        Path | None, typer.Option("--input", "-i", help="With --engine dask: the glob of article files.")
    ] = None,
) -> None:
    """Find the statements by the four actors in news articles, and label each, with the article's metadata."""
    from stance.articles import read_articles
    from stance.batch import extract_rows
    from stance.data import check_readable
    from stance.extraction import read_aliases
    from stance.model import load_model
    from stance.output import check_output, choose_format
    from stance.schema import EXTRACT_COLUMNS

    _check_confidence(min_confidence)
    if aliases is not None:
        check_readable(aliases)
    user_aliases = read_aliases(aliases) if aliases else None
    if engine != Engine["local"]:
        from stance.dask import extract_files

        if files:
            raise UsageProblem("with --engine dask, give the articles as --input GLOB, not as arguments")
        extract_files(
            engine.value, input, output, "text", model, trust_model, user_aliases, all_speakers, min_confidence, jobs
        )
        _say(f"wrote {output}")
        return
    if input is not None:
        raise UsageProblem("--input is for --engine dask; give article files as arguments")
    chosen = choose_format(format, output, _stdout_is_terminal())
    if not files:
        raise UsageProblem("nothing to read: give article files, or '-' for stdin")
    if output is not None:
        check_output(output, inputs=[*files, aliases], protected=[_model_in_use(model)], option="--output")
    articles = read_articles(["-" if _stdin(path) else path for path in files], pattern=glob)
    if jobs == 1:
        loaded = load_model(model, trusted=trust_model)
        rows = extract_rows(loaded, articles, user_aliases, all_speakers, min_confidence)
    else:
        from stance import parallel

        rows = parallel.extract_rows(model, trust_model, articles, user_aliases, all_speakers, min_confidence, jobs)
    _emit(rows, chosen, output, columns=list(EXTRACT_COLUMNS), escape_formulas=escape_formulas)
    if output is not None:
        _say(f"wrote {output}")


@app.command()
@reports_errors
def report(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="A `stance extract` output (CSV, JSONL, JSON), or articles as `stance extract` takes them "
            "(files, folders, manifests), which are extracted first."
        ),
    ],
    by: Annotated[Period, typer.Option(help="The period each row of the table covers.")] = Period["week"],
    html: Annotated[Path | None, typer.Option(help="Write a self-contained HTML report here.")] = None,
    table: Annotated[Path | None, typer.Option(help="Write the table here (.csv, or .parquet with pyarrow).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write the shares plot here (.png).")] = None,
    title: Annotated[str, typer.Option(help="The HTML report's title.")] = "Stance report",
    glob: Annotated[str | None, typer.Option(help="In folders, read only the files matching this pattern.")] = None,
    aliases: Annotated[Path | None, typer.Option(help="CSV with columns alias, actor[, kind].")] = None,
    min_confidence: MinConfidenceOption = None,
    model: ModelOption = None,
    trust_model: TrustModelOption = False,
) -> None:
    """Per actor and period: how many statements condemned, denied, de-escalated, with plots and HTML.

    Repeats (syndicated copies, updates, captions) count once. Without --html, --table or --plot
    the table is printed.
    """
    from stance.extraction import read_aliases
    from stance.model import load_model
    from stance.output import check_output
    from stance.reporting import gather_statements
    from stance.reporting import report as make_report

    _check_confidence(min_confidence)
    for option, path in (("--html", html), ("--table", table), ("--plot", plot)):
        if path is not None:
            check_output(path, inputs=[*inputs, aliases], protected=[_model_in_use(model)], option=option)
    statements, texts = gather_statements(
        inputs,
        load_model(model, trusted=trust_model),
        pattern=glob,
        aliases=read_aliases(aliases) if aliases else None,
        min_confidence=min_confidence,
    )
    result = make_report(statements, by=by.value, texts=texts)
    if len(result.undated):
        _say(f"warning: {len(result.undated)} statement(s) have no date and are left out of the table")
    if table is not None:
        result.write_table(table)
        _say(f"wrote {table}")
    if plot is not None:
        result.plot(plot)
        _say(f"wrote {plot}")
    if html is not None:
        result.to_html(html, title=title)
        _say(f"wrote {html}")
    if html is None and table is None and plot is None:
        print(result.table.to_csv(index=False, float_format="%.3f"), end="")


@app.command()
@reports_errors
def train(
    data: Annotated[
        list[Path] | None, typer.Argument(help="Labelled CSV, TSV, JSONL or JSON (default data/labeled/train.csv).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the model; its card goes beside it. Required with your own data "
            "(without data: the shipped models/stance.joblib).",
        ),
    ] = None,
    held_out: Annotated[
        Path | None,
        typer.Option(
            help="Labelled held-out set to score once (default with the default data: data/labeled/test.csv)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for the folds and the classifier.")] = 0,
    cv: Annotated[
        int, typer.Option(help="Cross-validation folds: 0 skips the estimate, else at least 2.", callback=_folds)
    ] = 5,
    settings: Annotated[
        SettingsName | None, typer.Option(help="A named candidate setting (see the model card).")
    ] = None,
    compare: Annotated[
        bool, typer.Option(help="Cross-validate every candidate setting and record them in the card.")
    ] = False,
    real_dev: RealDevOption = None,
    base: Annotated[str | None, _BASE_HELP] = None,
    weight_new: Annotated[float | None, _WEIGHT_HELP] = None,
) -> None:
    """Fit a model on labelled statements and write it with its card."""
    from stance.model import card_path
    from stance.output import check_output
    from stance.training import DEFAULT_SETTINGS, train_files

    if not data:
        data = [DEFAULT_TRAIN]
        out = out or DEFAULT_OUT
        if held_out is None and DEFAULT_TEST.exists():
            held_out = DEFAULT_TEST
    if out is None:
        raise UsageProblem(
            f"give --out PATH for a model trained on your data ({DEFAULT_OUT} is the shipped model; "
            "to refresh it from the shipped data, run `stance train` without data, or python train.py)"
        )
    if card_path(out) == out:
        raise UsageProblem(f"--out {out}: the model's card is written to {out} itself; give a name like model.joblib")
    inputs = [*data, held_out, real_dev]
    for written in (out, card_path(out)):
        check_output(written, inputs=inputs, option="--out")
    if base is not None or weight_new is not None:
        named = settings.value if settings else None
        from stance.adapt import DEFAULT_WEIGHT_NEW

        weight = DEFAULT_WEIGHT_NEW if weight_new is None else weight_new
        return _train_with_corrections(data, out, base or "shipped", weight, named, seed, cv, real_dev)
    result = train_files(
        data,
        out,
        held_out=held_out,
        settings=settings.value if settings else DEFAULT_SETTINGS,
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


_BASE_HELP = typer.Option(
    "--base",
    help="Retrain on your corrections: the first file is the corpus, the others your labels; 'shipped' or a "
    "model file is scored beside the new model on a held-out part of your labels.",
)
_WEIGHT_HELP = typer.Option(
    "--weight-new",
    help="How much each of your rows counts against a corpus row (with --base; default 10, the best of "
    "benchmarks/adaptation_methods.py).",
)


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
    data: Annotated[
        Path, typer.Argument(help="Labelled CSV, TSV, JSONL or JSON with text and label columns.")
    ] = DEFAULT_TEST,
    model: ModelOption = None,
    trust_model: TrustModelOption = False,
    text_column: Annotated[str, typer.Option(help="The column holding the statements.")] = "text",
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="How to print the report.")] = (
        ReportFormat.table
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Short for --format json.")] = False,
    errors: Annotated[
        Path | None, typer.Option(help="Write the misclassified rows here (.csv, .jsonl or .json).")
    ] = None,
    escape_formulas: EscapeOption = True,
    real_dev: RealDevOption = None,
    reliability_plot: Annotated[
        Path | None,
        typer.Option(help="Write a reliability diagram (confidence against accuracy) here; needs the report extra."),
    ] = None,
) -> None:
    """Score a model on labelled statements: accuracy, macro-F1, per label, per actor, confusion, calibration."""
    from stance.data import read_labelled
    from stance.metrics import evaluate_model, misclassified
    from stance.model import load_model
    from stance.output import check_output, choose_format
    from stance.schema import PREDICTION_COLUMNS

    if as_json:
        format = ReportFormat.json
    errors_format = None
    if errors is not None:
        errors_format = choose_format(None, errors, False)
        check_output(errors, inputs=[data, real_dev], protected=[_model_in_use(model)], option="--errors")
    if reliability_plot is not None:
        check_output(
            reliability_plot, inputs=[data, real_dev], protected=[_model_in_use(model)], option="--reliability-plot"
        )
    loaded = load_model(model, trusted=trust_model)
    frame = read_labelled([data], text_column=text_column)
    report, predictions = evaluate_model(loaded, frame)
    reports = {str(data): report}
    if real_dev is not None:
        reports[f"real dev ({real_dev})"] = evaluate_model(loaded, read_labelled([real_dev]))[0]
    if errors is not None and errors_format is not None:
        columns = [*map(str, frame.columns), *PREDICTION_COLUMNS]
        wrong = misclassified(frame, predictions)
        _emit(wrong, errors_format, errors, columns=columns, escape_formulas=escape_formulas)
    if format == ReportFormat.json:
        print(json.dumps(reports if len(reports) > 1 else report, indent=2))
    else:
        for name, scored in reports.items():
            _print_report(name, scored)
        if real_dev is None and data == DEFAULT_TEST:
            print(f"real dev set not given (--real-dev or ${REAL_DEV_ENV}): no real-speech figure")
    if reliability_plot is not None:
        from stance.calibration import plot_reliability

        plot_reliability({name: scored["calibration"]["curve"] for name, scored in reports.items()}, reliability_plot)
        _say(f"wrote {reliability_plot}")
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
    if "calibration" in report:
        _print_calibration(report["calibration"])
    print()


def _print_calibration(calibration: dict[str, Any]) -> None:
    """What each --min-confidence step keeps and how often what it keeps is right."""
    print(
        f"  confidence: mean {calibration['mean_confidence']:.3f} against accuracy {calibration['accuracy']:.3f}, "
        f"expected calibration error {calibration['ece']:.3f}"
    )
    print("  --min-confidence   kept   accuracy of the kept")
    for step in calibration["steps"]:
        accuracy = "      -" if step["accuracy"] is None else f"{step['accuracy']:7.3f}"
        print(f"  {step['threshold']:16.1f} {step['kept']:6.1%}   {accuracy}")


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
    from stance.output import check_output

    for name in ("train.csv", "test.csv"):
        check_output(out_dir / name, option="--out-dir")
    for path in write_split(files, out_dir):
        print(f"wrote {path}")


def _train_with_corrections(
    data: list[Path],
    out: Path,
    base: str,
    weight_new: float,
    settings: str | None,
    seed: int,
    cv: int,
    real_dev: Path | None,
) -> None:
    from stance.adapt import base_model_path, train_with_corrections
    from stance.data import read_labelled
    from stance.metrics import evaluate_model
    from stance.model import load_model

    corpus, mine = (data[:1], data[1:]) if len(data) > 1 else ([DEFAULT_TRAIN], data)
    result = train_with_corrections(
        corpus, mine, out, base=base, weight_new=weight_new, settings=settings, seed=seed, cv=cv
    )
    card = result.model.card
    assert card is not None
    kept = result.user_rows - result.held_out_rows
    print(f"trained on {card.training_data['rows']} statements: the corpus and {kept} of yours (weight {weight_new:g})")
    if result.new is None or result.base is None:
        print(f"too few of your labels ({result.user_rows}) to hold some out: no before/after figure")
    else:
        print(f"on {result.held_out_rows} of your labels held out (by {result.grouped_by}):")
        _print_figures(f"  base model ({base})", result.base)
        _print_figures("  new model", result.new)
        print(f"  change in macro-F1: {result.new['macro_f1'] - result.base['macro_f1']:+.3f}")
    if real_dev is not None:
        dev = read_labelled([real_dev])
        _print_figures(f"real dev, base model ({base})", evaluate_model(load_model(base_model_path(base)), dev)[0])
        _print_figures("real dev, new model", evaluate_model(result.model, dev)[0])
    print(f"wrote {out}, {out.with_suffix('.npz')} and {out.with_suffix('.json')}")


@app.command()
@reports_errors
def label(
    input: Annotated[Path, typer.Argument(help="Statements: a classify or extract output, or a CSV/JSONL with text.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The labels CSV; answers are appended, a rerun resumes.")],
    annotator: Annotated[str | None, typer.Option(help="Your name in the log (default: your login).")] = None,
    order: Annotated[
        QueueOrder, typer.Option(help="uncertain: least confident first; random: an unbiased sample.")
    ] = QueueOrder["uncertain"],
    seed: Annotated[int, typer.Option(help="Seed of --order random.")] = 0,
    cap: Annotated[int, typer.Option(help="At most this many statements of one article per round of the queue.")] = 2,
    export: Annotated[Path | None, typer.Option("--export", help="Write the queue as a CSV to fill in.")] = None,
    import_: Annotated[Path | None, typer.Option("--import", help="Append the labels of a filled queue CSV.")] = None,
    model: ModelOption = None,
    trust_model: TrustModelOption = False,
) -> None:
    """Label statements one key at a time, least confident first; answers are saved as you go."""
    import getpass

    from stance.labelling import AnswerLog, build_queue, export_queue, import_answers, model_sha256, read_statements
    from stance.model import load_model
    from stance.output import check_output

    check_output(out, inputs=[input, export, import_], protected=[model], option="--out")
    if export is not None:
        check_output(export, inputs=[input, out], protected=[model], option="--export")
    if export is not None and import_ is not None:
        raise StanceError("give --export or --import, not both")
    who = annotator or getpass.getuser()
    if import_ is not None:
        added, again = import_answers(import_, AnswerLog(out), who)
        print(f"added {added} answers to {out}" + (f" ({again} already there were left out)" if again else ""))
        return
    if export is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise StanceError("stance label asks one key at a time and needs a terminal; use --export, then --import")
    loaded = load_model(model, trusted=trust_model)
    log = AnswerLog(out)
    items = build_queue(read_statements(input), loaded, order=order.value, seed=seed, cap=cap, answered=log.answered)
    if export is not None:
        export_queue(items, export, model_sha256(loaded))
        print(f"wrote {len(items)} statements to {export}; fill its label column, then: --import {export}")
        return
    if not items:
        print(f"every statement of {input} is already in {out}")
        return
    from rich.console import Console

    from stance.label_session import run_session, terminal_keys

    with terminal_keys() as read_key:
        summary = run_session(items, log, read_key, Console(), sha256=model_sha256(loaded), annotator=who)
    print(f"{summary.answered} answered, {summary.skipped} skipped; {len(log.rows)} labels in {out}")
    print(f"retrain with: stance train data/labeled/train.csv {out} --base shipped --out my-model.joblib")


@app.command()
@reports_errors
def compare(
    first: Annotated[Path, typer.Argument(help="A model file.")],
    second: Annotated[Path, typer.Argument(help="Another model file.")],
    data: Annotated[Path, typer.Argument(help="Labelled CSV or JSONL to score both on.")],
    show: Annotated[int, typer.Option(help="How many statements they disagree on to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    trust_model: TrustModelOption = False,
) -> None:
    """Two models on the same labelled rows: scores side by side, per label, and where they disagree."""
    from stance.adapt import read_user_labels
    from stance.metrics import compare_models
    from stance.model import load_model

    result = compare_models(
        load_model(first, trusted=trust_model), load_model(second, trusted=trust_model), read_user_labels([data])
    )
    if as_json:
        print(json.dumps(result, indent=2))
        return
    _print_figures(f"A {first}", result["a"])
    _print_figures(f"B {second}", result["b"])
    print(f"  {'label':12s} {'F1 A':>6s} {'F1 B':>6s} {'B - A':>7s}")
    for label, row in result["per_label"].items():
        print(f"  {label:12s} {row['a']:6.3f} {row['b']:6.3f} {row['difference']:+7.3f}")
    disagree = result["disagreements"]
    print(
        f"they disagree on {len(disagree)} of {result['a']['rows']} statements; A right on "
        f"{sum(r['a_right'] for r in disagree)}, B right on {sum(r['b_right'] for r in disagree)}"
    )
    for row in disagree[:show]:
        print(f"  gold {row['gold']:11s} A {row['a']:11s} B {row['b']:11s} {row['text'][:70]}")


def _stopped(signum: int, frame: object) -> None:
    """SIGTERM and Ctrl-C unwind the run, so its temporaries are removed, and exit 128 + the signal
    number (143, 130) as a shell expects."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _stopped)
    signal.signal(signal.SIGINT, _stopped)
    try:
        app(args=argv, prog_name="stance")
    except SystemExit as exit:
        return int(exit.code or 0) if not isinstance(exit.code, str) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
