"""The pandas-first API gives the CLI's rows and numbers, with the CLI's column names."""

import pandas as pd
import pytest
from helpers import REPO

import stance
from stance.schema import EXTRACT_COLUMNS

ARTICLE = (
    "ANKARA, March 3 - Turkey's Foreign Ministry condemned the strike on the aid convoy. "
    "The ministry said it would send investigators.\n\nResidents said the night was quiet.\n"
)


@pytest.fixture(scope="module")
def model():
    return stance.load_model()


def test_extract_from_a_frame_keeps_the_articles_metadata(model):
    frame = pd.DataFrame([{"text": ARTICLE, "date": "2026-03-03", "source": "Harbour Wire", "title": "Convoy hit"}])
    rows = stance.extract(frame, model)
    assert list(rows.columns) == list(EXTRACT_COLUMNS)
    assert set(rows["actor"]) == {"ankara"}
    assert set(rows["date"]) == {"2026-03-03"} and set(rows["source"]) == {"Harbour Wire"}
    first = rows.iloc[0]
    assert ARTICLE[first["start"] : first["end"]] == first["statement"]


def test_extract_refuses_one_bare_string(model):
    with pytest.raises(stance.StanceError, match="not one string"):
        stance.extract(ARTICLE, model)


def test_predict_frame_appends_the_classify_columns_and_keeps_the_input_ones(model):
    frame = pd.DataFrame({"id": [7, 8], "text": ["We categorically deny the report.", "We call for calm."]})
    out = model.predict_frame(frame)
    probabilities = ["p_condemn", "p_deny", "p_de_escalate", "p_other"]
    assert list(out.columns) == ["id", "text", "stance", "confidence", *probabilities]
    assert list(out["id"]) == [7, 8] and list(out["stance"]) == ["deny", "de-escalate"]


def test_predict_frame_gives_what_predict_gives_row_by_row(model):
    texts = ["We categorically deny the report.", "We call for calm.", "The talks resume on Monday.", "It is a crime."]
    out = model.predict_frame(pd.DataFrame({"text": texts}), min_confidence=0.975)
    one_by_one = model.predict(texts, min_confidence=0.975)
    assert list(out["stance"]) == [p.label for p in one_by_one] and "uncertain" in list(out["stance"])
    assert list(out["confidence"]) == [p.confidence for p in one_by_one]
    assert list(out["p_deny"]) == [p.probabilities["deny"] for p in one_by_one]
    assert len(model.predict_frame(pd.DataFrame({"text": []}))) == 0


def test_predict_frame_refuses_a_frame_that_already_has_a_stance_column(model):
    with pytest.raises(stance.StanceError, match="already has a 'stance' column"):
        model.predict_frame(pd.DataFrame({"text": ["a"], "stance": ["x"]}))


def test_evaluate_returns_what_stance_evaluate_prints(model):
    frame = pd.read_csv(REPO / "tests" / "fixtures" / "statements.csv", dtype=str, keep_default_na=False)
    scores = stance.evaluate(model, frame)
    assert 0.0 <= scores["macro_f1"] <= 1.0 and scores["rows"] == len(frame)
    assert set(scores["per_actor"]) <= {"kremlin", "state_department", "un", "ankara"}


def test_report_counts_what_extract_found(model):
    frame = pd.DataFrame([{"text": ARTICLE, "date": "2026-03-03"}, {"text": ARTICLE, "date": "2026-03-04"}])
    statements = stance.extract(frame, model)
    result = stance.report(statements, by="week")
    # The second article repeats the first word for word: its statements count once.
    assert result.table["statements"].sum() == len(statements) // 2
