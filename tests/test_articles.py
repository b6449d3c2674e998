"""Articles come in as analysts keep them: files with front matter, folders, manifests, HTML pages."""

import json
from pathlib import Path

import pytest

from stance.articles import article_id, read_articles, split_front_matter
from stance.errors import StanceError

ROUND_ONE_ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "black-sea-sinking.txt"
BODY = "ANKARA, March 4 - Turkey's Foreign Ministry urged restraint.\n\nIt offered to host talks.\n"
FRONT = "---\ntitle: Ankara urges restraint\ndate: 2026-03-04\nsource: Harbour Wire\nurl: https://h.example/a\n---\n"


def test_front_matter_becomes_metadata_and_offsets_index_the_body(tmp_path):
    (tmp_path / "a.txt").write_text(FRONT + BODY, encoding="utf-8")
    [article] = read_articles([tmp_path / "a.txt"])
    assert (article.title, article.date, article.source, article.url) == (
        "Ankara urges restraint",
        "2026-03-04",
        "Harbour Wire",
        "https://h.example/a",
    )
    assert article.text == BODY


def test_a_text_without_front_matter_is_all_body():
    assert split_front_matter(BODY) == ({}, BODY)


def test_a_folder_is_read_recursively_in_name_order_and_a_glob_narrows_it(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("second", encoding="utf-8")
    (tmp_path / "1.txt").write_text("first", encoding="utf-8")
    (tmp_path / "notes.csv.bak").write_text("ignored", encoding="utf-8")
    assert [a.text for a in read_articles([tmp_path])] == ["first", "second"]
    assert [a.text for a in read_articles([tmp_path], pattern="b/*.txt")] == ["second"]


def test_a_manifest_lists_texts_or_paths_with_their_metadata(tmp_path):
    (tmp_path / "story.txt").write_text(BODY, encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "path,text,date,source,id\nstory.txt,,2026-03-05,Levant Daily,L1\n,Inline statement text,2026-03-06,Wire,\n",
        encoding="utf-8",
    )
    first, second = read_articles([manifest])
    assert (first.text, first.date, first.source, first.id) == (BODY, "2026-03-05", "Levant Daily", "L1")
    assert (second.text, second.date) == ("Inline statement text", "2026-03-06")
    assert second.id == article_id("Inline statement text")


def test_a_jsonl_manifest_row_without_text_or_path_names_its_line(tmp_path):
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"text": "ok"}) + "\n" + json.dumps({"date": "2026-01-01"}) + "\n", encoding="utf-8")
    with pytest.raises(StanceError, match=r"m.jsonl: line 2: the row has neither 'text' nor 'path'"):
        list(read_articles([manifest]))


def test_a_bad_date_is_refused_with_its_file(tmp_path):
    (tmp_path / "a.txt").write_text("---\ndate: March 4\n---\nText", encoding="utf-8")
    with pytest.raises(StanceError, match="date 'March 4' is not YYYY-MM-DD"):
        list(read_articles([tmp_path / "a.txt"]))


def test_a_missing_manifest_path_is_named(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text("path\ngone.txt\n", encoding="utf-8")
    with pytest.raises(StanceError, match=r"line 2, column 'path': no such file 'gone.txt'"):
        list(read_articles([manifest]))


def test_an_empty_folder_says_what_it_looked_for(tmp_path):
    with pytest.raises(StanceError, match="no article files in this folder"):
        list(read_articles([tmp_path]))


def test_an_html_page_gives_its_main_text_and_metadata(tmp_path):
    pytest.importorskip("trafilatura")
    page = tmp_path / "p.html"
    page.write_text(
        "<!doctype html><html><head><title>Kremlin rejects claims</title>"
        '<meta property="og:title" content="Kremlin rejects claims">'
        '<meta property="article:published_time" content="2026-03-04T10:00:00Z">'
        '<meta property="og:site_name" content="Levant Daily"></head><body><nav>Home | World | Sport</nav>'
        "<article><h1>Kremlin rejects claims</h1><p>The Russian Foreign Ministry denied on Tuesday that its navy had "
        "fired on the ferry, calling the reports a provocation.</p><p>The ministry said it would share radar data "
        "with the investigators.</p></article><footer>Subscribe to our newsletter</footer></body></html>",
        encoding="utf-8",
    )
    [article] = read_articles([page])
    assert (article.title, article.date, article.source) == ("Kremlin rejects claims", "2026-03-04", "Levant Daily")
    assert "denied on Tuesday that its navy" in article.text
    assert "Subscribe" not in article.text and "Sport" not in article.text


def test_a_manifest_csv_keeps_the_paragraph_breaks_of_the_text_it_holds(tmp_path):
    import pandas as pd

    from stance.extraction import extract_statements

    article = ROUND_ONE_ARTICLE.read_text(encoding="utf-8")
    assert "\n\n" in article
    manifest = tmp_path / "m.csv"
    pd.DataFrame({"id": ["a1", "a2"], "text": [article, "One line."]}).to_csv(manifest, index=False)
    first, second = read_articles([manifest])
    assert first.text == article and second.text == "One line."
    assert len(extract_statements(first.text)) == len(extract_statements(article)) > 0
    assert second.path.endswith(f"#{2 + article.count(chr(10)) + 1}")  # named by the line the row starts on
