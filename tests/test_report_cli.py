"""`stance report` as an analyst runs it: a folder of articles, or an extract output, into a table, a plot and HTML."""

import csv
import json

import pytest
from helpers import REPO
from typer.testing import CliRunner

from stance.cli import app

CRISIS = REPO / "examples" / "crisis"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_report_over_a_folder_counts_each_syndicated_statement_once(tmp_path):
    extracted = tmp_path / "statements.csv"
    assert run("extract", CRISIS, "--aliases", CRISIS / "aliases.csv", "-o", extracted).exit_code == 0
    rows = list(csv.DictReader(extracted.open(encoding="utf-8")))
    originals = [row for row in rows if not row["duplicate_of"] and row["actor"] != "other"]
    assert len(originals) < len(rows)  # the syndicated copies were found
    table = tmp_path / "table.csv"
    result = run("report", extracted, "--table", table)
    assert result.exit_code == 0, result.output
    counted = sum(int(row["statements"]) for row in csv.DictReader(table.open(encoding="utf-8")))
    assert counted == len([row for row in originals if row["date"]])


def test_report_straight_from_articles_matches_the_report_of_their_extract_output(tmp_path):
    extracted = tmp_path / "statements.jsonl"
    run("extract", CRISIS, "--aliases", CRISIS / "aliases.csv", "-o", extracted)
    from_file = run("report", extracted, "--by", "month")
    from_articles = run("report", CRISIS, "--aliases", CRISIS / "aliases.csv", "--by", "month")
    assert from_file.exit_code == from_articles.exit_code == 0
    assert from_file.stdout == from_articles.stdout
    assert from_file.stdout.splitlines()[0].startswith("actor,period,statements,condemn,deny,de-escalate,other")


def test_report_writes_a_self_contained_html_page_and_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    html, plot = tmp_path / "report.html", tmp_path / "shares.png"
    result = run("report", CRISIS, "--aliases", CRISIS / "aliases.csv", "--html", html, "--plot", plot)
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert "<mark>" in page and "data:image/png;base64," in page
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_report_refuses_to_write_over_its_input(tmp_path):
    extracted = tmp_path / "statements.csv"
    run("extract", CRISIS / "01-drone-downed-sokolina.txt", "-o", extracted)
    before = extracted.read_bytes()
    result = run("report", extracted, "--table", extracted)
    assert result.exit_code == 1 and "is an input" in result.stderr
    assert extracted.read_bytes() == before


def test_report_refuses_an_unknown_period():
    result = run("report", CRISIS, "--by", "year")
    assert result.exit_code == 2


def test_report_of_articles_without_any_statement_says_so(tmp_path):
    (tmp_path / "a.txt").write_text("The weather was fine all week.\n", encoding="utf-8")
    result = run("report", tmp_path)
    assert result.exit_code == 1 and result.stderr.strip() == "error: no statement by the four actors in the input"


def test_extract_reads_a_manifest_with_its_metadata(tmp_path):
    result = run("extract", CRISIS / "manifest.csv", "--aliases", CRISIS / "aliases.csv", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {row["source"] for row in rows} >= {"Harbour Wire", "The Meridian Post"}
    assert all(row["date"].startswith("2026-") for row in rows)
