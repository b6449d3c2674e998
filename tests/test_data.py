import pytest
from helpers import STATEMENTS, write

from stance.data import is_test_crisis, iter_table, read_labelled
from stance.errors import StanceError


def error_from(paths):
    with pytest.raises(StanceError) as caught:
        read_labelled(paths)
    return str(caught.value)


def test_reads_the_fixture_with_every_label(statements):
    assert set(statements["label"]) == {"condemn", "deny", "de-escalate", "other"}
    assert len(statements) == sum(1 for _ in STATEMENTS.open()) - 1


def test_missing_file_is_named(tmp_path):
    assert error_from([tmp_path / "nope.csv"]) == f"{tmp_path / 'nope.csv'}: no such file"


def test_empty_file_is_named(tmp_path):
    path = write(tmp_path / "empty.csv", "")
    assert error_from([path]) == f"{path}: the file is empty"


def test_header_only_file_has_no_rows(tmp_path):
    path = write(tmp_path / "header.csv", "text,label\n")
    assert "no rows" in error_from([path])


def test_missing_label_column_is_named(tmp_path):
    path = write(tmp_path / "nolabel.csv", "text\nWe condemn it.\n")
    assert "missing column 'label'" in error_from([path])


def test_missing_text_column_is_named(tmp_path):
    path = write(tmp_path / "notext.csv", "quote,label\nWe condemn it.,condemn\n")
    assert "missing column 'text' (found: quote, label)" in error_from([path])


def test_unknown_label_names_line_and_valid_labels(tmp_path):
    path = write(tmp_path / "bad.csv", "text,label\nWe condemn it.,condemn\nWe deny it.,denial\n")
    message = error_from([path])
    assert "line 3, column 'label': unknown label 'denial'" in message
    assert "condemn, deny, de-escalate, other" in message


def test_unknown_actor_lists_the_valid_keys(tmp_path):
    path = write(tmp_path / "bad.csv", "text,label,actor\nWe condemn it.,condemn,moscow\n")
    message = error_from([path])
    assert "line 2, column 'actor': unknown actor 'moscow'" in message
    assert "kremlin, state_department, un, ankara" in message


def test_empty_text_is_an_error_when_training(tmp_path):
    path = write(tmp_path / "blank.csv", 'text,label\nWe condemn it.,condemn\n"   ",deny\n')
    assert "line 3, column 'text': the text is empty" in error_from([path])


def test_bytes_that_are_not_utf8_are_located(tmp_path):
    path = write(tmp_path / "latin.csv", b"text,label\nok,deny\nCaf\xe9 talks,other\n")
    message = error_from([path])
    assert "line 3" in message and "not UTF-8" in message


def test_broken_quote_is_reported_as_malformed_csv(tmp_path):
    path = write(tmp_path / "quote.csv", 'text,label\n"We deny it,deny\nfine,other\n')
    assert f"{path}: not a well-formed CSV file" in error_from([path])


def test_jsonl_with_a_bad_line_names_it(tmp_path):
    path = write(tmp_path / "bad.jsonl", '{"text": "We deny it.", "label": "deny"}\n{"text": oops}\n')
    assert "line 2: not valid JSON" in error_from([path])


def test_jsonl_reads_like_csv(tmp_path):
    path = write(
        tmp_path / "ok.jsonl", '{"text": "We deny it.", "label": "deny"}\n\n{"text": "Calm.", "label": "de-escalate"}\n'
    )
    assert read_labelled([path])["label"].tolist() == ["deny", "de-escalate"]


def test_values_stay_strings(tmp_path):
    path = write(tmp_path / "na.csv", "text,label\nNA,other\n2024,other\n")
    assert read_labelled([path])["text"].tolist() == ["NA", "2024"]


def test_tables_stream_in_chunks(tmp_path):
    path = write(tmp_path / "many.csv", "text\n" + "".join(f"statement {i}\n" for i in range(25)))
    assert [len(chunk) for chunk in iter_table(path, chunksize=10)] == [10, 10, 5]


def test_crisis_split_is_stable_and_about_a_fifth():
    names = [f"crisis-{i}" for i in range(2000)]
    share = sum(map(is_test_crisis, names)) / len(names)
    assert 0.17 < share < 0.23
    assert is_test_crisis("taiwan-strait-2022") and not is_test_crisis("syria-idlib-2020")


def test_a_json_array_names_the_item_of_a_bad_value(tmp_path):
    path = write(tmp_path / "d.json", '[{"text": "We deny it.", "label": "deny"}, {"text": "Calm.", "label": "calm"}]')
    assert "item 2, column 'label': unknown label 'calm'" in error_from([path])


def test_a_jsonl_row_without_the_label_key_is_named(tmp_path):
    path = write(tmp_path / "d.jsonl", '{"text": "We deny it.", "label": "deny"}\n{"text": "Calm."}\n')
    assert error_from([path]) == f"{path}: line 2: no 'label' key"


def test_files_that_do_not_all_name_crises_merge_without_a_crisis_column(tmp_path):
    with_crisis = write(tmp_path / "a.csv", "text,label,crisis\nWe deny it.,deny,x\n")
    without = write(tmp_path / "b.tsv", "text\tlabel\nWe urge calm.\tde-escalate\n")
    with pytest.warns(UserWarning, match="no 'crisis' column"):
        frame = read_labelled([with_crisis, without])
    assert list(frame.columns) == ["text", "label"] and len(frame) == 2


def test_stdin_is_decoded_strictly_and_loses_its_bom(monkeypatch):
    import io

    from stance.data import iter_lines

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfWe deny it.\r\nfine\n")))
    assert list(iter_lines(None)) == [(1, "We deny it."), (2, "fine")]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"ok\ncaf\xe9\n")))
    with pytest.raises(StanceError, match="<stdin>: line 2: bytes that are not UTF-8"):
        list(iter_lines(None))
