"""The labelling loop as a user meets it: the queue, the answers file, resuming, and retraining on it."""

import csv
import io
import os
import select
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from helpers import REPO, STATEMENTS, write
from rich.console import Console
from typer.testing import CliRunner

from stance.cli import app
from stance.label_session import run_session
from stance.labelling import (
    LOG_COLUMNS,
    AnswerLog,
    Item,
    answer_row,
    build_queue,
    read_statements,
    uncertainty_order,
)
from stance.model import load_model

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def log_rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def statements_file(tmp_path, count=12, articles=("a.txt",)):
    rows = [
        {"statement": f"Statement number {i} about the talks in the region.", "article": articles[i % len(articles)]}
        for i in range(count)
    ]
    path = tmp_path / "statements.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["statement", "article"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_queue_asks_first_about_the_statement_the_model_hesitates_on():
    probabilities = np.array([[0.9, 0.05, 0.03, 0.02], [0.4, 0.38, 0.1, 0.12], [0.6, 0.3, 0.05, 0.05]])
    assert uncertainty_order(probabilities, ["a", "b", "c"]) == [1, 2, 0]


def test_queue_takes_at_most_two_statements_of_one_article_before_other_articles():
    # Article "a" holds the three least confident rows; the cap lets only two of them lead.
    probabilities = np.array(
        [[0.30, 0.29, 0.2, 0.21], [0.31, 0.29, 0.2, 0.2], [0.32, 0.29, 0.2, 0.19], [0.7, 0.1, 0.1, 0.1]]
    )
    order = uncertainty_order(probabilities, ["a", "a", "a", "b"], cap=2)
    assert order == [0, 1, 3, 2]


def test_random_order_is_the_same_for_the_same_seed(tmp_path, fitted):
    frame = read_statements(STATEMENTS)
    first = [item.statement_id for item in build_queue(frame, fitted, order="random", seed=3)]
    again = [item.statement_id for item in build_queue(frame, fitted, order="random", seed=3)]
    other = [item.statement_id for item in build_queue(frame, fitted, order="random", seed=4)]
    assert first == again and first != other and sorted(first) == sorted(other)


def test_statements_without_ids_get_the_same_id_on_every_run(tmp_path):
    path = statements_file(tmp_path)
    assert read_statements(path)["statement_id"].tolist() == read_statements(path)["statement_id"].tolist()
    assert read_statements(path)["statement_id"].nunique() == 12


def test_a_thousand_answers_appended_and_reopened_lose_nothing(tmp_path):
    path = tmp_path / "labels.csv"
    log = AnswerLog(path)
    for i in range(1000):
        item = Item(f"s{i}", f'text {i}, with a comma and a "quote"\nand a line break', "", {"actor": "un"})
        log.append(answer_row(item, "deny", "abc", "tester"))
    reopened = AnswerLog(path)
    assert [row["statement_id"] for row in reopened.rows] == [f"s{i}" for i in range(1000)]
    assert reopened.rows[7]["text"].endswith("and a line break")


def test_answers_file_cut_mid_line_by_a_crash_keeps_every_complete_answer(tmp_path):
    path = tmp_path / "labels.csv"
    log = AnswerLog(path)
    for i in range(3):
        log.append(answer_row(Item(f"s{i}", f"text {i}", ""), "other", "", "me"))
    with path.open("a", encoding="utf-8") as handle:
        handle.write('s3,"half a line')
    assert [row["statement_id"] for row in AnswerLog(path).rows] == ["s0", "s1", "s2"]
    assert path.read_text(encoding="utf-8").endswith("\n")


def test_a_rerun_skips_the_statements_already_answered(tmp_path, fitted):
    path = statements_file(tmp_path)
    log = AnswerLog(tmp_path / "labels.csv")
    first = build_queue(read_statements(path), fitted)
    for item in first[:5]:
        log.append(answer_row(item, "other", "", "me"))
    again = build_queue(read_statements(path), fitted, answered=AnswerLog(log.path).answered)
    assert [item.statement_id for item in again] == [item.statement_id for item in first[5:]]


def test_undo_takes_back_the_last_answer_and_asks_again(tmp_path, fitted):
    items = build_queue(read_statements(statements_file(tmp_path)), fitted)
    log = AnswerLog(tmp_path / "labels.csv")
    keys = iter("cduoq")
    run_session(items, log, lambda: next(keys), Console(file=io.StringIO()), sha256="x", annotator="me")
    rows = log_rows(log.path)
    # c on the first, d on the second, undo the d, o on the second again.
    assert [(row["statement_id"], row["label"]) for row in rows] == [
        (items[0].statement_id, "condemn"),
        (items[1].statement_id, "other"),
    ]


def test_label_refuses_to_ask_questions_when_stdin_is_not_a_terminal(tmp_path, saved_model):
    result = run("label", statements_file(tmp_path), "--out", tmp_path / "labels.csv", "--model", saved_model)
    assert result.exit_code == 1
    assert "needs a terminal" in result.output and "--export" in result.output
    assert not (tmp_path / "labels.csv").exists()


def test_exported_queue_filled_in_a_spreadsheet_imports_into_the_labels_file(tmp_path, saved_model):
    source, labels, queue = statements_file(tmp_path), tmp_path / "labels.csv", tmp_path / "queue.csv"
    assert run("label", source, "--out", labels, "--export", queue, "--model", saved_model).exit_code == 0
    rows = log_rows(queue)
    for row, answer in zip(rows, ["condemn", "d", "", "Other"], strict=False):
        row["label"] = answer
    with queue.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run("label", source, "--out", labels, "--import", queue, "--annotator", "ana")
    assert result.exit_code == 0, result.output
    saved = log_rows(labels)
    assert [(r["statement_id"], r["label"]) for r in saved] == [
        (rows[0]["statement_id"], "condemn"),
        (rows[1]["statement_id"], "deny"),
        (rows[3]["statement_id"], "other"),
    ]
    assert {r["annotator"] for r in saved} == {"ana"} and all(len(r["model_sha256"]) == 64 for r in saved)
    # Importing twice adds nothing, and a new export leaves the answered rows out.
    assert run("label", source, "--out", labels, "--import", queue).exit_code == 0
    assert len(log_rows(labels)) == 3
    assert run("label", source, "--out", labels, "--export", queue, "--model", saved_model).exit_code == 0
    assert len(log_rows(queue)) == 9


def test_import_names_the_line_of_a_label_it_does_not_know(tmp_path):
    filled = write(tmp_path / "filled.csv", "statement_id,text,label\ns1,We deny it.,deny\ns2,We urge calm.,maybe\n")
    result = run("label", filled, "--out", tmp_path / "labels.csv", "--import", filled)
    assert result.exit_code == 1 and "line 3" in result.output and "maybe" in result.output


def test_label_refuses_an_out_file_that_is_not_a_labels_file(tmp_path, saved_model):
    result = run("label", STATEMENTS, "--out", STATEMENTS, "--export", tmp_path / "q.csv", "--model", saved_model)
    assert result.exit_code == 1 and "is an input of this run" in result.output
    other = write(tmp_path / "other.csv", "a,b\n1,2\n")
    result = run("label", STATEMENTS, "--out", other, "--export", tmp_path / "q.csv", "--model", saved_model)
    assert result.exit_code == 1 and "not a labels file" in result.output


def _read_until(fd, wanted, timeout=30.0):
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"no {wanted!r} on screen; saw {seen[-300:]!r}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def _wait_for_answers(path, count, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and len(log_rows(path)) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} did not reach {count} answers")


def _start_session(source, labels, model):
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "stance", "label", str(source), "--out", str(labels), "--model", str(model)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "100", "LINES": "40", "TERM": "xterm"},
        start_new_session=True,
    )
    os.close(slave)
    return process, master


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_session_killed_mid_way_resumes_without_losing_or_repeating_an_answer(tmp_path, saved_model):
    source, labels = statements_file(tmp_path, count=10, articles=("a.txt", "b.txt")), tmp_path / "labels.csv"
    process, master = _start_session(source, labels, saved_model)
    try:
        for count, key in enumerate("cdeo", start=1):
            _read_until(master, b"[q] quit")
            os.write(master, key.encode())
            _wait_for_answers(labels, count)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        os.close(master)
    first = log_rows(labels)
    process, master = _start_session(source, labels, saved_model)
    try:
        screen = _read_until(master, b"[q] quit")
        assert b"1 of 6 \xc2\xb7 4 in the labels file" in screen  # the four answered are not asked again
        for count, key in enumerate("sccq", start=5):
            _read_until(master, b"[q] quit") if count > 5 else None
            os.write(master, key.encode())
            if key == "c":
                _wait_for_answers(labels, count - 1)
        assert process.wait(timeout=15) == 0
    finally:
        os.close(master)
    rows = log_rows(labels)
    assert [row["label"] for row in rows] == ["condemn", "deny", "de-escalate", "other", "condemn", "condemn"]
    assert rows[:4] == first
    assert len({row["statement_id"] for row in rows}) == 6


def test_labels_file_trains_with_the_corpus_and_reports_before_and_after(tmp_path, saved_model):
    labels = tmp_path / "labels.csv"
    log = AnswerLog(labels)
    with STATEMENTS.open(encoding="utf-8", newline="") as handle:
        corpus = list(csv.DictReader(handle))
    for row in corpus[:40]:
        log.append(answer_row(Item(row["id"], row["text"], "", {}), row["label"], "", "me"))
    out = tmp_path / "mine.joblib"
    before = {p.name for p in tmp_path.iterdir()}
    result = run("train", STATEMENTS, labels, "--base", saved_model, "--weight-new", "3", "--cv", "3", "--out", out)
    assert result.exit_code == 0, result.output
    assert "base model" in result.output and "new model" in result.output and "held out (by row)" in result.output
    assert out.exists() and out.with_suffix(".npz").exists()
    card = out.with_suffix(".json").read_text(encoding="utf-8")
    assert '"weight_new": 3.0' in card
    assert {p.name for p in tmp_path.iterdir()} - before == {"mine.joblib", "mine.json", "mine.npz"}


def test_three_corrections_teach_the_retrained_model_their_kind_of_statement(tmp_path, saved_model):
    # Invented: in this user's crisis, summoning an envoy is a protest, which the corpus calls "other".
    mine = write(
        tmp_path / "mine.csv",
        "text,label\n"
        "The ministry summoned the ambassador over the drilling licences.,condemn\n"
        "Our foreign ministry summoned the charge d'affaires over the border fence.,condemn\n"
        "Ankara summoned the envoy after his remarks on the shelf.,condemn\n",
    )
    unseen = [
        "The ministry summoned the ambassador over the closure of the strait.",
        "The foreign ministry summoned the envoy over the seized tanker.",
        "Athens summoned the ambassador after the overflights.",
        "The charge d'affaires was summoned over the arrests.",
    ]
    labels = {}
    for name, weight in (("default", []), ("old-default", ["--weight-new", "1"])):
        out = tmp_path / f"{name}.joblib"
        result = run(
            "train",
            REPO / "data" / "labeled" / "train.csv",
            mine,
            "--base",
            saved_model,
            *weight,
            "--cv",
            "0",
            "--out",
            out,
        )
        assert result.exit_code == 0, result.output
        labels[name] = [p.label for p in load_model(out).predict(unseen)]
    assert labels["default"] == ["condemn"] * 4
    assert labels["old-default"] != ["condemn"] * 4  # one row weighing one corpus row barely moves 6,000


def test_train_refuses_a_weight_of_zero_for_the_users_rows(tmp_path, saved_model):
    mine = write(tmp_path / "mine.csv", "text,label\nWe deny it.,deny\nWe condemn it.,condemn\n")
    result = run("train", STATEMENTS, mine, "--base", saved_model, "--weight-new", "0", "--out", tmp_path / "m.joblib")
    assert result.exit_code == 1 and "--weight-new must be above 0, got 0" in result.output
    assert not (tmp_path / "m.joblib").exists()


def test_train_with_base_refuses_to_overwrite_the_base_model(tmp_path, saved_model):
    mine = write(tmp_path / "mine.csv", "text,label\nWe deny it.,deny\nWe condemn it.,condemn\n")
    before = saved_model.read_bytes()
    result = run("train", STATEMENTS, mine, "--base", saved_model, "--out", saved_model)
    assert result.exit_code == 1 and "belongs to the model in use" in result.output
    assert saved_model.read_bytes() == before


def test_compare_lists_the_statements_two_models_disagree_on(tmp_path, saved_model, statements):
    from stance.training import train

    flipped = statements.copy()
    flipped.loc[flipped["label"] == "deny", "label"] = "other"
    other = tmp_path / "other.joblib"
    train(flipped, cv=0).save(other)
    result = run("compare", saved_model, other, STATEMENTS, "--show", "2")
    assert result.exit_code == 0, result.output
    assert "deny" in result.output and "they disagree on" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("  gold deny")]
    assert 1 <= len(lines) <= 2


def test_answer_log_header_is_the_documented_provenance(tmp_path):
    log = AnswerLog(tmp_path / "labels.csv")
    log.append(answer_row(Item("s1", "We urge calm.", "", {"url": "https://example.org/x"}), "de-escalate", "h", "me"))
    assert tuple(log_rows(log.path)[0]) == LOG_COLUMNS
    assert log_rows(log.path)[0]["url"] == "https://example.org/x"
