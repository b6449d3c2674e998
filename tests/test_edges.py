"""What a new user, a script or an attacker may do at the edges of input and output, and what they get:
a one-line error (exit 1 for data, 2 for usage) or the right result; never a traceback, never a
replaced input, model or device, never a row lost."""

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest
from helpers import STATEMENTS, write
from typer.testing import CliRunner

from stance.cli import app
from stance.errors import StanceError

runner = CliRunner()
LABELLED = "text,label\nWe condemn this crime.,deny\nWe urge restraint and calm.,de-escalate\n"


def run(*args, input=None, env=None):
    return runner.invoke(app, [str(a) for a in args], input=input, env=env)


def jsonl(output):
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def one_line_error(result, code=1):
    """The run failed with `code` and said so in exactly one `error:` line."""
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def no_temporaries(folder):
    return not [path for path in os.listdir(folder) if path.endswith(".tmp")]


# Output paths that cannot hurt ---------------------------------------------------------------


def test_evaluate_refuses_an_errors_file_that_is_its_input(saved_model, tmp_path):
    data = write(tmp_path / "d.csv", LABELLED)
    message = one_line_error(run("evaluate", data, "-m", saved_model, "--errors", data))
    assert "is an input of this run" in message
    assert data.read_text() == LABELLED


def test_evaluate_refuses_an_errors_file_that_is_its_input_by_another_name(saved_model, tmp_path, monkeypatch):
    data = write(tmp_path / "d.csv", LABELLED)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    one_line_error(run("evaluate", data, "-m", saved_model, "--errors", "../d.csv"))
    assert data.read_text() == LABELLED


def test_train_refuses_an_out_that_is_its_data(tmp_path):
    data = write(tmp_path / "d.csv", STATEMENTS.read_text())
    message = one_line_error(run("train", data, "--out", data, "--cv", "0"))
    assert "is an input of this run" in message
    assert data.read_text() == STATEMENTS.read_text()


def test_train_refuses_an_out_named_like_a_card(tmp_path):
    card = write(tmp_path / "m.json", '{"precious": true}\n')
    message = one_line_error(run("train", STATEMENTS, "--out", card, "--cv", "0"), code=2)
    assert "card" in message
    assert card.read_text() == '{"precious": true}\n'


def test_train_refuses_an_out_whose_card_would_replace_its_data(tmp_path):
    data = write(tmp_path / "d.json", json.dumps([{"text": "We deny it.", "label": "deny"}]))
    before = data.read_text()
    message = one_line_error(run("train", data, "--out", tmp_path / "d.joblib", "--cv", "0"))
    assert f"--out {tmp_path / 'd.json'}: is an input of this run" in message
    assert data.read_text() == before


def test_classify_refuses_an_output_onto_the_models_card(saved_model):
    card = saved_model.with_suffix(".json")
    before = card.read_text()
    message = one_line_error(run("classify", "-m", saved_model, "We deny it.", "--output", card))
    assert "belongs to the model in use" in message
    assert card.read_text() == before


@pytest.mark.parametrize("suffix", [".joblib", ".npz", ".jsonl"])
def test_classify_refuses_an_output_beside_the_model_with_its_name(saved_model, suffix):
    target = saved_model.with_suffix(suffix)
    existed = target.exists() and target.read_bytes()
    one_line_error(run("classify", "-m", saved_model, "We deny it.", "-o", target, "-f", "jsonl"))
    assert (target.exists() and target.read_bytes()) == existed


def test_classify_refuses_an_output_onto_the_card_of_the_model_named_by_the_environment(saved_model):
    card = saved_model.with_suffix(".json")
    before = card.read_text()
    one_line_error(run("classify", "We deny it.", "-o", card, env={"STANCE_MODEL": str(saved_model)}))
    assert card.read_text() == before


def test_classify_refuses_an_output_that_is_a_fifo(saved_model, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    message = one_line_error(run("classify", "-m", saved_model, "We deny it.", "-o", fifo))
    assert "pipe" in message
    assert fifo.is_fifo() and no_temporaries(tmp_path)


def test_an_output_through_a_symlink_to_a_device_is_refused(tmp_path):
    from stance.output import check_output

    link = tmp_path / "null.csv"
    link.symlink_to(os.devnull)
    with pytest.raises(StanceError, match="is a device"):
        check_output(link)
    assert link.is_symlink()


def test_classify_writes_through_a_symlink_and_keeps_the_link(saved_model, tmp_path):
    target = write(tmp_path / "real.csv", "old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = run("classify", "-m", saved_model, "We deny it.", "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("text,stance,")
    assert no_temporaries(tmp_path)


def test_classify_refuses_an_output_onto_an_existing_directory_and_leaves_no_temporary(saved_model, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    message = one_line_error(run("classify", "-m", saved_model, "We deny it.", "-o", folder, "-f", "csv"))
    assert "is a directory" in message
    assert no_temporaries(tmp_path) and not os.listdir(folder)


def test_classify_refuses_an_output_under_a_path_whose_parent_is_a_file(saved_model, tmp_path):
    blocker = write(tmp_path / "notes.txt", "keep\n")
    message = one_line_error(run("classify", "-m", saved_model, "We deny it.", "-o", blocker / "out.csv"))
    assert f"{blocker} is a file, not a directory" in message
    assert blocker.read_text() == "keep\n"


def test_classify_into_a_read_only_directory_says_so_in_one_line(saved_model, tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    message = one_line_error(run("classify", "-m", saved_model, "We deny it.", "-o", tmp_path / "out.csv"))
    assert f"cannot write in {tmp_path}" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only directory")
def test_classify_into_a_really_read_only_directory_says_so_in_one_line(saved_model, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    one_line_error(run("classify", "-m", saved_model, "We deny it.", "-o", folder / "out.csv"))


def test_a_full_disk_is_one_line_naming_the_output_and_keeps_the_old_file(saved_model, tmp_path, monkeypatch):
    from stance.output import RowWriter

    out = write(tmp_path / "out.csv", "precious\n")

    def full(self, row):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(RowWriter, "_write_row", full)
    message = one_line_error(run("classify", "-m", saved_model, "We deny it.", "-o", out))
    assert message == f"error: {out}: cannot write the file (no space left on the device)"
    assert out.read_text() == "precious\n" and no_temporaries(tmp_path)


def test_train_on_your_own_data_without_out_never_touches_the_shipped_model(tmp_path, monkeypatch):
    data = write(tmp_path / "mine.csv", STATEMENTS.read_text())
    monkeypatch.chdir(tmp_path)
    message = one_line_error(run("train", data, "--cv", "0"), code=2)
    assert "--out" in message
    assert not (tmp_path / "models").exists()


def test_train_without_data_still_refreshes_the_default_model_in_place(tmp_path, monkeypatch):
    (tmp_path / "data" / "labeled").mkdir(parents=True)
    write(tmp_path / "data" / "labeled" / "train.csv", STATEMENTS.read_text())
    monkeypatch.chdir(tmp_path)
    result = run("train", "--cv", "0")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "models" / "stance.joblib").exists() and (tmp_path / "models" / "stance.json").exists()


def corpus_row(number, crisis, label="deny"):
    return f"r{number},We deny statement {number}.,kremlin,{label},{crisis},2024-01-01,authored,direct,,\n"


def test_split_refuses_to_split_a_train_file_alone(tmp_path):
    header = "id,text,actor,label,crisis,date,source,form,hard,verb\n"
    train = write(tmp_path / "train.csv", header + corpus_row(1, "syria-idlib-2020"))
    test = write(tmp_path / "test.csv", header + corpus_row(2, "taiwan-strait-2022"))
    before = test.read_text()
    message = one_line_error(run("split", train, "--out-dir", tmp_path))
    assert "would be lost" in message
    assert test.read_text() == before
    assert run("split", train, test, "--out-dir", tmp_path).exit_code == 0
    assert test.read_text() == before


# Signals and leftovers -----------------------------------------------------------------------


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["sigterm", "ctrl-c"])
def test_stopping_a_run_mid_write_removes_the_temporary_and_exits_128_plus_the_signal(
    saved_model, tmp_path, stop, code
):
    big = write(tmp_path / "big.txt", "We call on all sides to show restraint and return to talks.\n" * 400_000)
    out = tmp_path / "out" / "result.csv"
    out.parent.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "stance", "classify", "-m", str(saved_model), "-i", str(big), "-o", str(out)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 120
    while not [p for p in os.listdir(out.parent) if p.endswith(".tmp")] and process.poll() is None:
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert os.listdir(out.parent) == []


def test_a_dead_runs_temporary_is_swept_and_an_unknown_one_is_named(saved_model, tmp_path):
    dead = write(tmp_path / ".out.csv.999999999.abc.tmp", "half a file")
    alive = write(tmp_path / f".out.csv.{os.getppid()}.def.tmp", "a concurrent run's file")
    unknown = write(tmp_path / ".out.csv.xyz.tmp", "whose?")
    result = run("classify", "-m", saved_model, "We deny it.", "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result.output
    assert not dead.exists() and alive.exists() and unknown.exists()
    assert f"warning: {unknown}: a temporary file left by an earlier run" in result.stderr


# Row alignment -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("in.jsonl", '{"text": "We deny it."}\n{"text": ""}\n{"text": "We urge calm."}\n'),
        ("in.txt", "We deny it.\n\nWe urge calm.\n"),
        ("in.tsv", "text\nWe deny it.\n \nWe urge calm.\n"),
        ("in.csv", "text\nWe deny it.\n\nWe urge calm.\n"),
    ],
)
def test_classify_keeps_a_row_for_every_input_row_even_when_its_text_is_empty(saved_model, tmp_path, name, content):
    source = write(tmp_path / name, content)
    rows = jsonl(run("classify", "-m", saved_model, "-i", source, "-f", "jsonl").stdout)
    assert len(rows) == 3
    assert [row["stance"] is None for row in rows] == [False, True, False]


@pytest.mark.parametrize("explain", [[], ["--explain"]], ids=["plain", "explained"])
def test_classify_keeps_an_empty_argument_in_place(saved_model, explain):
    rows = jsonl(run("classify", "-m", saved_model, "We deny it.", "", "-f", "jsonl", *explain).stdout)
    assert [row["text"] for row in rows] == ["We deny it.", ""] and rows[1]["stance"] is None


# Readers -------------------------------------------------------------------------------------


def test_classify_reads_a_tsv_file_as_tab_separated(saved_model, tmp_path):
    source = write(tmp_path / "in.tsv", "id\ttext\n1\tWe deny it, firmly.\n")
    rows = jsonl(run("classify", "-m", saved_model, "-i", source, "-f", "jsonl").stdout)
    assert [(row["id"], row["text"]) for row in rows] == [("1", "We deny it, firmly.")]


def test_classify_reads_a_json_file_as_an_array_of_objects(saved_model, tmp_path):
    source = write(tmp_path / "in.json", json.dumps([{"text": "We deny it.", "n": 1}, {"text": "We urge calm."}]))
    rows = jsonl(run("classify", "-m", saved_model, "-i", source, "-f", "jsonl").stdout)
    assert [row["text"] for row in rows] == ["We deny it.", "We urge calm."]
    assert rows[0]["n"] == "1" and rows[1]["n"] == ""


def test_classify_a_json_file_that_is_not_an_array_is_one_line(saved_model, tmp_path):
    source = write(tmp_path / "in.json", '{"text": "We deny it."}')
    assert "expected a JSON array of objects" in one_line_error(run("classify", "-m", saved_model, "-i", source))


def test_classify_a_binary_file_names_the_accepted_formats(saved_model, tmp_path):
    source = write(tmp_path / "report.xlsx", b"PK\x03\x04\x00\x00binary")
    message = one_line_error(run("classify", "-m", saved_model, "-i", source))
    assert "not a text file" in message and ".csv, .tsv, .jsonl" in message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("in.csv", "text\nWe deny it.\n"),
        ("in.jsonl", '{"text": "We deny it."}\n'),
        ("in.txt", "We deny it.\n"),
        ("in.tsv", "text\nWe deny it.\n"),
        ("in.json", '[{"text": "We deny it."}]'),
    ],
)
def test_classify_reads_a_file_with_a_bom_like_one_without(saved_model, tmp_path, name, content):
    source = write(tmp_path / name, b"\xef\xbb\xbf" + content.encode())
    result = run("classify", "-m", saved_model, "-i", source, "-f", "jsonl")
    assert result.exit_code == 0, result.output
    assert [row["text"] for row in jsonl(result.stdout)] == ["We deny it."]


def test_classify_reads_stdin_with_a_bom_like_a_file(saved_model):
    result = run("classify", "-m", saved_model, "-", "-f", "jsonl", input=b"\xef\xbb\xbfWe deny it.\n")
    assert [row["text"] for row in jsonl(result.stdout)] == ["We deny it."]


def test_classify_refuses_stdin_that_is_not_utf8_even_with_an_output(saved_model, tmp_path):
    out = tmp_path / "out.csv"
    result = run("classify", "-m", saved_model, "-", "-o", out, input=b"We deny it.\ncaf\xe9\n")
    assert "<stdin>: line 2: bytes that are not UTF-8" in one_line_error(result)
    assert not out.exists() and no_temporaries(tmp_path)


def test_classify_reads_a_process_substitution(saved_model, tmp_path):
    done = subprocess.run(
        f"{sys.executable} -m stance classify -m {saved_model} -i <(printf 'We deny it.\\nWe urge calm.\\n')",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert [row["text"] for row in jsonl(done.stdout)] == ["We deny it.", "We urge calm."]


def test_classify_reads_a_named_pipe(saved_model, tmp_path):
    fifo = tmp_path / "feed.csv"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "w") as handle:
            handle.write("text\nWe deny it.\n")

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result = run("classify", "-m", saved_model, "-i", fifo, "-f", "jsonl")
    if writer.is_alive():  # the run never opened the pipe: let the writer finish
        fifo.read_bytes()
    assert result.exit_code == 0, result.output
    assert [row["text"] for row in jsonl(result.stdout)] == ["We deny it."]


PAGE = "<!DOCTYPE html>\n<html><head><title>News</title></head><body><p>The Kremlin said it.</p></body></html>\n"


def test_classify_refuses_an_html_page_in_one_line(saved_model, tmp_path):
    page = write(tmp_path / "page.html", PAGE)
    assert "looks like an HTML page" in one_line_error(run("classify", "-m", saved_model, "-i", page))


def test_extract_without_the_report_extra_names_it_for_an_html_page_instead_of_finding_nothing(
    saved_model, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if the extra were not installed
    page = write(tmp_path / "page.txt", "<div>" + "<p>Residents said it was calm.</p>\n" * 12 + "</div>")
    for result in (run("extract", page, "-m", saved_model), run("extract", "-", "-m", saved_model, input=PAGE)):
        assert "an HTML page; reading HTML needs the report extra" in one_line_error(result)


def test_extract_reads_an_html_page_through_its_main_text(saved_model, tmp_path):
    pytest.importorskip("trafilatura")
    page = write(
        tmp_path / "page.html",
        "<!doctype html><html><head><title>Ankara urges calm</title></head><body><nav>Home | World</nav>"
        "<article><h1>Ankara urges calm</h1><p>Turkey's Foreign Ministry urged both sides to show restraint "
        "and return to talks, the ministry said in a statement on Monday.</p><p>Residents said the night "
        "was quiet.</p></article><footer>Subscribe to our newsletter</footer></body></html>",
    )
    rows = [json.loads(line) for line in run("extract", page, "-m", saved_model).stdout.splitlines()]
    assert [row["actor"] for row in rows] == ["ankara"]
    assert rows[0]["title"] == "Ankara urges calm"


def test_classify_warns_about_a_line_that_is_not_english_and_still_labels_it(saved_model, tmp_path):
    source = write(
        tmp_path / "quotes.txt",
        "We condemn the attack.\nMoscou rejette fermement ces accusations sans fondement aucun.\nМы осуждаем это.\n",
    )
    result = run("classify", "-m", saved_model, "-i", source, "-f", "jsonl")
    assert result.exit_code == 0
    assert len(jsonl(result.stdout)) == 3
    assert f"warning: {source}: 2 statement(s) at line(s) 2, 3 do not look like English" in result.stderr


# Tracebacks that are one line now -----------------------------------------------------------


def test_classify_a_jsonl_row_without_the_text_key_names_the_line(saved_model, tmp_path):
    source = write(tmp_path / "in.jsonl", '{"text": "We deny it."}\n{"quote": "We urge calm."}\n')
    message = one_line_error(run("classify", "-m", saved_model, "-i", source))
    assert message == f"error: {source}: line 2: no 'text' key"


def test_train_on_texts_with_no_usable_word_is_one_line(tmp_path):
    data = write(tmp_path / "marks.csv", "text,label\n!!,deny\n??,other\n!!,deny\n??,other\n")
    message = one_line_error(run("train", data, "--out", tmp_path / "m.joblib", "--cv", "0"))
    assert "no usable words" in message


def test_train_on_several_files_when_one_lacks_crisis_works_with_a_note(tmp_path):
    with_crisis = write(tmp_path / "a.csv", STATEMENTS.read_text())
    without = write(tmp_path / "b.csv", "text,label\nWe deny every word of it.,deny\nWe urge calm now.,de-escalate\n")
    result = run("train", with_crisis, without, "--out", tmp_path / "m.joblib", "--cv", "3")
    assert result.exit_code == 0, result.output
    assert f"warning: {without}: no 'crisis' column" in result.stderr
    assert "StratifiedKFold, 3 folds" in result.stdout


def test_extract_with_an_aliases_directory_is_one_line(saved_model, tmp_path):
    article = write(tmp_path / "a.txt", "The Kremlin said it had not fired.")
    message = one_line_error(run("extract", article, "--aliases", tmp_path, "-m", saved_model))
    assert message == f"error: {tmp_path}: is a directory, not a file"


def test_classify_with_stdin_closed_is_one_line(saved_model, tmp_path):
    done = subprocess.run(
        f"{sys.executable} -m stance classify -m {saved_model} - <&-",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "error: <stdin>: standard input is closed; give a file or pipe text in"


def test_classify_with_stdout_closed_is_one_line_and_an_output_file_still_works(saved_model, tmp_path):
    base = f"{sys.executable} -m stance classify -m {saved_model} 'We deny it.'"
    closed = subprocess.run(
        f"{base} >&-", shell=True, executable="/bin/bash", capture_output=True, text=True, cwd=tmp_path
    )
    assert closed.returncode == 1
    assert closed.stderr.strip() == "error: standard output is closed; give --output FILE"
    out = tmp_path / "out.csv"
    written = subprocess.run(
        f"{base} -o {out} >&-", shell=True, executable="/bin/bash", capture_output=True, text=True, cwd=tmp_path
    )
    assert written.returncode == 0, written.stderr
    assert out.read_text().startswith("text,stance,")


# Silent wrong results ------------------------------------------------------------------------


@pytest.mark.parametrize("folds", ["-3", "1"])
def test_train_refuses_a_fold_count_that_means_nothing(tmp_path, folds):
    result = run("train", STATEMENTS, "--out", tmp_path / "m.joblib", "--cv", folds)
    assert result.exit_code == 2
    assert "Invalid value for '--cv'" in result.stderr
    assert not (tmp_path / "m.joblib").exists()


@pytest.mark.parametrize(
    ("args", "choices"),
    [
        (["train", STATEMENTS, "--out", "m.joblib", "--settings", "huge"], "word-char-strong-reg"),
        (["evaluate", STATEMENTS, "--format", "xml"], "table"),
        (["extract", "-", "--format", "xml"], "jsonl"),
    ],
)
def test_an_unknown_choice_is_a_usage_error_listing_the_valid_ones(args, choices):
    result = run(*args)
    assert result.exit_code == 2
    assert "is not one of" in result.stderr and choices in result.stderr


def test_evaluate_with_no_misclassified_row_writes_a_csv_with_its_header(saved_model, tmp_path):
    data = write(tmp_path / "d.csv", "id,text,label\n1,We condemn this crime.,condemn\n")
    errors = tmp_path / "errors.csv"
    result = run("evaluate", data, "-m", saved_model, "--errors", errors)
    assert result.exit_code == 0, result.output
    assert errors.read_text() == "id,text,label,stance,confidence,p_condemn,p_deny,p_de_escalate,p_other\n"


def test_extract_with_no_statement_writes_a_csv_with_its_header(saved_model, tmp_path):
    out = tmp_path / "found.csv"
    result = run("extract", "-", "-m", saved_model, "-o", out, input="Residents said the night was quiet.")
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("article,actor,speaker,form,statement,start,end,stance,")
    assert len(out.read_text().splitlines()) == 1


def test_classify_csv_escapes_cells_a_spreadsheet_would_run_unless_asked_not_to(saved_model, tmp_path):
    source = write(tmp_path / "in.csv", 'id,text\n=HYPERLINK("http://x"),=1+2 we deny it\n-5,@SUM(A1) we urge calm\n')
    out = tmp_path / "out.csv"
    assert run("classify", "-m", saved_model, "-i", source, "-o", out).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert [(row["id"], row["text"]) for row in rows] == [
        ('\'=HYPERLINK("http://x")', "'=1+2 we deny it"),
        ("'-5", "'@SUM(A1) we urge calm"),
    ]
    assert float(rows[0]["confidence"]) > 0
    assert run("classify", "-m", saved_model, "-i", source, "-o", out, "--no-escape-formulas").exit_code == 0
    assert [row["text"] for row in csv.DictReader(out.open())] == ["=1+2 we deny it", "@SUM(A1) we urge calm"]


def test_classify_does_not_call_english_statements_foreign(saved_model):
    result = run("classify", "-m", saved_model, "-i", STATEMENTS, "-f", "jsonl")
    assert result.exit_code == 0
    assert "English" not in result.stderr
