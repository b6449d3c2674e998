import json
import math

import joblib
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score

from stance.errors import StanceError
from stance.model import Prediction, load_model
from stance.training import CANDIDATES, build_pipeline, train


def test_predictions_carry_label_confidence_and_all_probabilities(fitted):
    [prediction] = fitted.predict(["We categorically reject these fabricated accusations."])
    assert isinstance(prediction, Prediction)
    assert set(prediction.probabilities) == {"condemn", "deny", "de-escalate", "other"}
    assert prediction.confidence == max(prediction.probabilities.values())
    assert prediction.label == max(prediction.probabilities, key=prediction.probabilities.get)
    assert math.isclose(sum(prediction.probabilities.values()), 1.0, abs_tol=1e-6)


def test_the_model_learns_the_training_statements(fitted, statements):
    predicted = [p.label for p in fitted.predict(statements["text"])]
    accuracy = sum(p == g for p, g in zip(predicted, statements["label"], strict=True)) / len(predicted)
    assert accuracy > 0.9


def test_min_confidence_marks_uncertain_and_keeps_probabilities(fitted):
    text = "The minister will travel to Geneva on Monday."
    [plain] = fitted.predict([text])
    [strict] = fitted.predict([text], min_confidence=1.0)
    assert strict.label == "uncertain"
    assert strict.probabilities == plain.probabilities


def test_min_confidence_outside_unit_interval_is_refused(fitted):
    with pytest.raises(StanceError, match="between 0 and 1"):
        fitted.predict(["x"], min_confidence=1.5)


def test_predict_proba_columns_follow_the_label_order(fitted):
    rows = fitted.predict_proba(["We call for an immediate ceasefire."])
    [prediction] = fitted.predict(["We call for an immediate ceasefire."])
    assert list(rows[0]) == pytest.approx(list(prediction.probabilities.values()))
    assert fitted.labels == ("condemn", "deny", "de-escalate", "other")


def test_explain_returns_ngrams_of_the_statement_that_favour_the_label(fitted):
    text = "We call on both sides to show restraint and return to dialogue."
    evidence = fitted.explain(text, top=3)
    assert 0 < len(evidence) <= 3
    assert all(e.weight > 0 for e in evidence)
    assert evidence == sorted(evidence, key=lambda e: -e.weight)
    assert all(e.feature in text.lower() for e in evidence)


def test_explain_refuses_an_unknown_label(fitted):
    with pytest.raises(StanceError, match="cannot explain towards 'praise'"):
        fitted.explain("text", label="praise")


def test_save_and_load_give_the_same_predictions(fitted, saved_model):
    texts = ["The ministry denied any involvement.", "We urge calm."]
    assert load_model(saved_model).predict(texts) == fitted.predict(texts)
    assert load_model(saved_model, trusted=True).predict(texts) == fitted.predict(texts)


def test_save_writes_a_card_with_the_files_hash_and_versions(saved_model):
    card = json.loads(saved_model.with_suffix(".json").read_text())
    assert card["format_version"] == 2
    assert {kind: len(digest) for kind, digest in card["sha256"].items()} == {"joblib": 64, "npz": 64}
    assert card["versions"]["scikit-learn"].startswith("1.")
    assert card["cross_validation"]["scheme"].startswith("StratifiedGroupKFold by crisis")
    assert card["settings"]["name"] in CANDIDATES


def test_same_data_and_seed_give_the_same_model(statements):
    first = train(statements, cv=0, seed=3)
    second = train(statements, cv=0, seed=3)
    texts = statements["text"].tolist()[:20]
    assert (first.predict_proba(texts) == second.predict_proba(texts)).all()


def test_load_refuses_a_missing_path(tmp_path):
    with pytest.raises(StanceError, match="no such model file"):
        load_model(tmp_path / "absent.joblib")


def test_load_refuses_a_file_without_a_card(tmp_path):
    path = tmp_path / "plain.joblib"
    joblib.dump({"not": "a model"}, path)
    with pytest.raises(StanceError, match="not a stance model"):
        load_model(path)


def test_load_refuses_a_changed_file_before_unpickling(saved_model):
    with saved_model.open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(StanceError, match="SHA-256 differs"):
        load_model(saved_model)


def test_trusted_load_refuses_another_scikit_learn_version_but_the_code_free_file_does_not(saved_model, fitted):
    card_file = saved_model.with_suffix(".json")
    card = json.loads(card_file.read_text())
    card["versions"]["scikit-learn"] = "0.24.2"
    card_file.write_text(json.dumps(card))
    with pytest.raises(StanceError, match=r"saved with scikit-learn 0\.24\.2.*retrain"):
        load_model(saved_model, trusted=True)
    assert load_model(saved_model).predict(["We urge calm."])[0].label == fitted.predict(["We urge calm."])[0].label


def test_load_refuses_a_card_that_is_not_json(saved_model):
    saved_model.with_suffix(".json").write_text("{oops")
    with pytest.raises(StanceError, match="not a stance model card"):
        load_model(saved_model)


def test_load_follows_the_environment_variable(saved_model, monkeypatch, fitted):
    monkeypatch.setenv("STANCE_MODEL", str(saved_model))
    assert load_model().card.sha256 == json.loads(saved_model.with_suffix(".json").read_text())["sha256"]


def test_a_failed_save_keeps_the_previous_model(fitted, saved_model, monkeypatch):
    before = saved_model.read_bytes()

    def broken_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(joblib, "dump", broken_dump)
    with pytest.raises(OSError):
        fitted.save(saved_model)
    assert saved_model.read_bytes() == before
    assert load_model(saved_model).predict(["x"])
    assert not list(saved_model.parent.glob("*.tmp"))


def test_training_on_a_single_label_is_refused():
    with pytest.raises(StanceError, match="single label"):
        train([{"text": "a", "label": "deny"}, {"text": "b", "label": "deny"}], cv=0)


def test_a_label_with_fewer_rows_than_folds_is_refused(statements):
    rows = statements.to_dict("records")
    rows = [r for r in rows if r["label"] != "deny"] + [r for r in rows if r["label"] == "deny"][:2]
    with pytest.raises(StanceError, match="label 'deny' has 2 row"):
        train(rows, cv=5)


def test_the_pipeline_keeps_the_scikit_learn_contract(statements, fitted):
    texts, labels = statements["text"].tolist(), statements["label"].tolist()
    scores = cross_val_score(clone(fitted.pipeline), texts, labels, cv=3, scoring="f1_macro")
    assert len(scores) == 3
    search = GridSearchCV(build_pipeline(), {"classifier__C": [1.0, 10.0]}, cv=2).fit(texts, labels)
    assert search.best_params_["classifier__C"] in (1.0, 10.0)
    assert set(fitted.pipeline.predict(texts[:5])) <= {"condemn", "deny", "de-escalate", "other"}


def test_compare_records_every_candidate_in_the_card(statements):
    model = train(statements, cv=3, compare=True)
    assert set(model.card.candidates) == set(CANDIDATES)
    assert all(0 <= c["macro_f1_mean"] <= 1 for c in model.card.candidates.values())


def test_the_word_cached_char_features_equal_scikit_learns(statements):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from stance.features import WordCachedCharTfidf

    texts = statements["text"].tolist()
    settings = {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2}
    plain = TfidfVectorizer(**settings).fit(texts[:60])
    cached = WordCachedCharTfidf(**settings).fit(texts[:60])
    unseen = [*texts[60:], "Ünïcode  words, repeated repeated; and   spaces\ttoo", ""]
    for _ in range(2):  # the second pass reads every word from the cache
        assert abs(plain.transform(unseen) - cached.transform(unseen)).max() < 1e-12


def test_two_runs_on_the_same_data_save_byte_identical_models(tmp_path):
    import subprocess
    import sys

    from helpers import STATEMENTS

    hashes = []
    for run in ("a", "b"):
        out = tmp_path / run / "model.joblib"
        subprocess.run(
            [sys.executable, "-m", "stance", "train", str(STATEMENTS), "--cv", "0", "--out", str(out)],
            check=True,
            capture_output=True,
        )
        hashes.append(json.loads(out.with_suffix(".json").read_text())["sha256"])
    assert hashes[0] == hashes[1]
