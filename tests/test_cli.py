import csv
import json
import shutil
import subprocess
import sys

import pytest
from helpers import REPO, STATEMENTS, write
from typer.testing import CliRunner

from stance.cli import app

runner = CliRunner()
CONDEMNATION = "The United States condemns in the strongest terms this despicable attack."


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def jsonl(output):
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_classify_arguments_prints_one_json_line_each_when_piped(saved_model):
    result = run("classify", "-m", saved_model, CONDEMNATION, "We urge restraint.")
    assert result.exit_code == 0, result.output
    rows = jsonl(result.stdout)
    assert [row["text"] for row in rows] == [CONDEMNATION, "We urge restraint."]
    assert list(rows[0]) == ["text", "stance", "confidence", "p_condemn", "p_deny", "p_de_escalate", "p_other"]


def test_classify_table_shows_the_stance(saved_model):
    quote = "We call on both sides to step back and return to the talks."
    stance = jsonl(run("classify", "-m", saved_model, quote).stdout)[0]["stance"]
    result = run("classify", "-m", saved_model, "--format", "table", quote)
    assert result.exit_code == 0
    assert stance not in quote, "the stance must not be readable from the quote itself"
    assert stance in result.stdout and "conf." in result.stdout


def test_classify_reads_stdin_lines_and_keeps_blank_ones_in_place_with_a_warning(saved_model):
    result = run("classify", "-m", saved_model, "-", input="We deny it.\n\nWe urge calm.\n")
    assert result.exit_code == 0
    rows = jsonl(result.stdout)
    assert [row["text"] for row in rows] == ["We deny it.", "", "We urge calm."]
    assert [row["stance"] is None for row in rows] == [False, True, False]
    assert rows[1]["confidence"] is None and rows[1]["p_condemn"] is None
    assert "warning: <stdin>: 1 empty statement(s) at line(s) 2 kept with no stance" in result.stderr


def test_classify_output_keeps_input_columns_and_appends_predictions(saved_model, tmp_path):
    source = write(tmp_path / "in.csv", 'id,quote,actor\n7,"We deny it.",kremlin\n8,"We urge calm.",un\n')
    out = tmp_path / "out.csv"
    result = run("classify", "-m", saved_model, "--input", source, "--text-column", "quote", "--output", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0])[:3] == ["id", "quote", "actor"]
    assert list(rows[0])[3:] == ["stance", "confidence", "p_condemn", "p_deny", "p_de_escalate", "p_other"]
    assert [row["id"] for row in rows] == ["7", "8"]


def test_classify_picks_the_format_from_the_output_extension(saved_model, tmp_path):
    out = tmp_path / "out.json"
    assert run("classify", "-m", saved_model, "-o", out, "We deny it.").exit_code == 0
    assert json.loads(out.read_text())[0]["text"] == "We deny it."


def test_classify_jsonl_input_and_csv_output_format(saved_model, tmp_path):
    source = write(tmp_path / "in.jsonl", '{"text": "We deny it.", "n": 1}\n')
    result = run("classify", "-m", saved_model, "-i", source, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "text,n,stance,confidence,p_condemn,p_deny,p_de_escalate,p_other"


def test_classify_plain_text_file_one_statement_a_line(saved_model, tmp_path):
    source = write(tmp_path / "quotes.txt", "We deny it.\nWe urge calm.\n")
    assert len(jsonl(run("classify", "-m", saved_model, "-i", source).stdout)) == 2


def test_classify_min_confidence_gives_uncertain_and_keeps_the_probabilities(saved_model):
    plain = jsonl(run("classify", "-m", saved_model, "We urge calm.").stdout)[0]
    strict = jsonl(run("classify", "-m", saved_model, "--min-confidence", "1", "We urge calm.").stdout)[0]
    assert plain["stance"] != "uncertain" and strict["stance"] == "uncertain"
    probabilities = ["p_condemn", "p_deny", "p_de_escalate", "p_other"]
    assert [strict[p] for p in probabilities] == [plain[p] for p in probabilities]
    assert strict["confidence"] == plain["confidence"] == max(plain[p] for p in probabilities)


def test_classify_explain_adds_evidence(saved_model):
    rows = jsonl(run("classify", "-m", saved_model, "--explain", "We call for restraint and dialogue.").stdout)
    assert rows[0]["evidence"]


def test_classify_keeps_empty_rows_of_a_table_in_place_with_empty_predictions(saved_model, tmp_path):
    source = write(tmp_path / "in.csv", 'id,text\n1,We deny it.\n2," "\n3,We urge calm.\n')
    out = tmp_path / "out.csv"
    result = run("classify", "-m", saved_model, "-i", source, "-o", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [row["id"] for row in rows] == ["1", "2", "3"]
    assert [bool(row["stance"]) for row in rows] == [True, False, True]
    assert rows[1]["confidence"] == rows[1]["p_other"] == ""
    assert "1 empty statement(s) at line(s) 3 kept with no stance" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--min-confidence", "1.5", "x"], 1, "error: --min-confidence must be between 0 and 1, got 1.5"),
        (["--min-confidence", "-0.1", "x"], 1, "error: --min-confidence must be between 0 and 1, got -0.1"),
        ([], 2, "error: nothing to classify"),
        (["-i", "a.csv", "x"], 2, "error: give statements or --input, not both"),
    ],
)
def test_classify_bad_options_fail_with_one_line(saved_model, args, code, message):
    result = run("classify", "-m", saved_model, *args)
    assert result.exit_code == code
    assert result.stderr.strip().startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_classify_an_unknown_format_is_a_usage_error_listing_the_choices(saved_model):
    result = run("classify", "-m", saved_model, "--format", "xml", "x")
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.stderr and "jsonl" in result.stderr


def test_classify_missing_column_is_named(saved_model, tmp_path):
    source = write(tmp_path / "in.csv", "quote\nWe deny it.\n")
    result = run("classify", "-m", saved_model, "-i", source)
    assert result.exit_code == 1
    assert "missing column 'text' (found: quote)" in result.stderr


def test_classify_unknown_actor_lists_valid_keys(saved_model, tmp_path):
    source = write(tmp_path / "in.csv", "text,actor\nWe deny it.,nato\n")
    result = run("classify", "-m", saved_model, "-i", source)
    assert result.exit_code == 1
    assert "unknown actor 'nato' (expected one of: kremlin, state_department, un, ankara" in result.stderr


def test_classify_refuses_an_input_column_named_like_an_output(saved_model, tmp_path):
    source = write(tmp_path / "in.csv", "text,stance\nWe deny it.,x\n")
    result = run("classify", "-m", saved_model, "-i", source)
    assert result.exit_code == 1 and "input column 'stance' clashes" in result.stderr


def test_a_failed_classify_leaves_an_existing_output_untouched(saved_model, tmp_path):
    source = write(tmp_path / "in.csv", b"text\nfine\ncaf\xe9\n")
    out = write(tmp_path / "out.csv", "precious\n")
    result = run("classify", "-m", saved_model, "-i", source, "-o", out, "--format", "csv")
    assert result.exit_code == 1 and "not UTF-8" in result.stderr
    assert out.read_text() == "precious\n"
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("content", ["", b"\x00\x01 not a pickle"])
def test_classify_with_a_broken_model_fails_cleanly(tmp_path, content):
    model = write(tmp_path / "m.joblib", content)
    result = run("classify", "-m", model, "x")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {model}: not a stance model")


def test_classify_with_a_missing_model_names_it(tmp_path):
    result = run("classify", "-m", tmp_path / "none.joblib", "x")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'none.joblib'}: no such model file"


def test_evaluate_prints_figures_per_label_and_actor(saved_model):
    result = run("evaluate", STATEMENTS, "-m", saved_model)
    assert result.exit_code == 0, result.output
    for word in ("macro-F1", "three stance labels", "confusion", "kremlin", "de-escalate"):
        assert word in result.stdout


def test_evaluate_json_is_machine_readable(saved_model):
    result = run("evaluate", STATEMENTS, "-m", saved_model, "--json")
    report = json.loads(result.stdout)
    assert report["rows"] == sum(report["per_label"][label]["support"] for label in report["per_label"])
    assert set(report["per_actor"]) == {"kremlin", "state_department", "un", "ankara"}


def test_evaluate_writes_only_the_misclassified_rows(saved_model, tmp_path):
    data = write(
        tmp_path / "eval.csv",
        'text,label\nWe condemn this crime.,deny\n"We urge restraint, calm and dialogue.",de-escalate\n',
    )
    errors = tmp_path / "errors.csv"
    result = run("evaluate", data, "-m", saved_model, "--errors", errors)
    assert result.exit_code == 0
    rows = list(csv.DictReader(errors.open()))
    assert [row["text"] for row in rows] == ["We condemn this crime."]
    assert rows[0]["stance"] != "deny" and "p_condemn" in rows[0]


def test_evaluate_unknown_label_fails(saved_model, tmp_path):
    data = write(tmp_path / "eval.csv", "text,label\nWe condemn it.,blame\n")
    result = run("evaluate", data, "-m", saved_model)
    assert result.exit_code == 1 and "unknown label 'blame'" in result.stderr


def test_train_writes_a_model_that_classifies(tmp_path):
    out = tmp_path / "m" / "model.joblib"
    result = run("train", STATEMENTS, "--out", out, "--cv", "3", "--held-out", STATEMENTS)
    assert result.exit_code == 0, result.output
    assert "cross-validated macro-F1" in result.stdout and "held-out macro-F1" in result.stdout
    assert jsonl(run("classify", "-m", out, "We deny it.").stdout)[0]["stance"]


def test_train_with_too_many_folds_names_the_short_label(tmp_path):
    data = write(tmp_path / "small.csv", "text,label\na b,deny\nc d,deny\ne f,other\ng h,other\n")
    result = run("train", data, "--out", tmp_path / "m.joblib", "--cv", "3")
    assert result.exit_code == 1
    assert "label 'deny' has 2 row(s), fewer than the 3 cross-validation folds" in result.stderr
    assert not (tmp_path / "m.joblib").exists()


def test_info_shows_the_card(saved_model):
    result = run("info", "-m", saved_model)
    assert result.exit_code == 0
    assert "settings" in result.stdout and "scikit-learn" in result.stdout


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("stance ")


def test_installed_console_script_classifies_in_a_real_process(saved_model):
    stance = shutil.which("stance") or str(__import__("pathlib").Path(sys.executable).parent / "stance")
    done = subprocess.run([stance, "classify", "-m", str(saved_model), CONDEMNATION], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stance"] in {"condemn", "deny", "de-escalate", "other"}


def test_module_entry_point_reports_errors_without_a_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "stance", "evaluate", str(tmp_path / "none.csv"), "-m", str(tmp_path / "m.joblib")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == f"error: {tmp_path / 'm.joblib'}: no such model file"


ARTICLE = REPO / "tests" / "fixtures" / "articles" / "drone-border.txt"
ALIASES = REPO / "tests" / "fixtures" / "articles" / "aliases.csv"


def test_extract_lists_statements_with_offsets_and_stances(saved_model):
    result = run("extract", ARTICLE, "--aliases", ALIASES, "-m", saved_model)
    assert result.exit_code == 0, result.output
    rows = jsonl(result.stdout)
    text = ARTICLE.read_text()
    assert rows and {row["actor"] for row in rows} <= {"kremlin", "state_department", "un", "ankara"}
    assert all(text[row["start"] : row["end"]] == row["statement"] for row in rows)
    assert list(rows[0])[:7] == ["article", "actor", "speaker", "form", "statement", "start", "end"]
    assert rows[0]["stance"] in {"condemn", "deny", "de-escalate", "other"}


def test_extract_reads_stdin_and_lists_other_speakers_when_asked(saved_model):
    article = "Residents said the shelling had stopped. The Kremlin said its troops had not fired a shot."
    plain = jsonl(run("extract", "-", "-m", saved_model, input=article).stdout)
    everyone = jsonl(run("extract", "-", "--all-speakers", "-m", saved_model, input=article).stdout)
    assert [row["actor"] for row in plain] == ["kremlin"]
    assert [row["actor"] for row in everyone] == ["other", "kremlin"]
    assert everyone[0]["article"] == "<stdin>"


def test_extract_with_a_missing_alias_file_fails_cleanly(saved_model, tmp_path):
    result = run("extract", ARTICLE, "--aliases", tmp_path / "none.csv", "-m", saved_model)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'none.csv'}: no such file"


def test_extract_offsets_index_a_crlf_file_as_it_is_on_disk(saved_model, tmp_path):
    article = tmp_path / "crlf.txt"
    article.write_bytes(
        b"Kremlin denies role\r\n\r\nThe Kremlin said it had no part in it.\r\n\r\n"
        b'"We reject this," the ministry said.\r\n'
    )
    rows = jsonl(run("extract", article, "-m", saved_model).stdout)
    on_disk = article.read_bytes().decode("utf-8")
    assert len(rows) >= 2
    assert all(on_disk[row["start"] : row["end"]] == row["statement"] for row in rows)


def test_extract_rows_end_with_statement_id_verb_duplicate_of_and_the_articles_metadata(saved_model):
    result = run("extract", ARTICLE, "--aliases", ALIASES, "-m", saved_model)
    rows = jsonl(result.stdout)
    assert list(rows[0])[-7:] == ["statement_id", "verb", "duplicate_of", "date", "source", "url", "title"]
    assert len({row["statement_id"] for row in rows}) == len(rows)
    assert any(row["verb"] for row in rows)


@pytest.mark.parametrize("damage", ["tamper", "version"])
def test_classify_refuses_a_damaged_or_foreign_model_in_one_line(saved_model, damage):
    if damage == "tamper":
        with saved_model.open("ab") as handle:
            handle.write(b"x")
    else:
        card_file = saved_model.with_suffix(".json")
        card = json.loads(card_file.read_text())
        card["versions"]["scikit-learn"] = "1.2.0"
        card_file.write_text(json.dumps(card))
    result = run("classify", "-m", saved_model, "--trust-model", "We deny it.")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert ("SHA-256 differs" if damage == "tamper" else "saved with scikit-learn 1.2.0") in result.stderr


def test_a_closed_pipe_ends_classify_quietly(saved_model, tmp_path):
    lines = write(tmp_path / "many.txt", "We deny it.\n" * 30_000)
    done = subprocess.run(
        f"{sys.executable} -m stance classify -m {saved_model} -i {lines} | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        executable="/bin/bash",
    )
    assert json.loads(done.stdout)["text"] == "We deny it."
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
