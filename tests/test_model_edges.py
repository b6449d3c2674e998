"""What a library user can do to a model that used to give silently wrong results."""

import math

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from stance.errors import StanceError
from stance.metrics import evaluate
from stance.model import StanceModel, load_model
from stance.training import build_pipeline


def test_predict_refuses_a_bare_string_instead_of_classifying_each_character(fitted):
    with pytest.raises(StanceError, match=r"single string.*predict\(\[text\]\)"):
        fitted.predict("We deny it.")
    with pytest.raises(StanceError, match="single string"):
        fitted.predict_proba("We deny it.")


@pytest.mark.parametrize("bad", [None, math.nan, float("nan"), 3])
def test_predict_refuses_a_missing_text_naming_its_row(fitted, saved_model, bad):
    for model in (fitted, load_model(saved_model)):
        with pytest.raises(StanceError, match=r"text of row 1 is .*not a string"):
            model.predict(["We urge calm.", bad])


def test_refitting_a_loaded_models_pipeline_equals_a_fresh_fit(saved_model, statements):
    """The char features' word cache must not survive a refit: its columns belong to the old vocabulary."""
    texts, labels = statements["text"].tolist(), statements["label"].to_numpy()
    first, second = texts[::2], texts[1::2]
    model = load_model(saved_model, trusted=True)
    model.predict(texts)  # fills the cache with columns of the saved vocabulary
    model.pipeline.fit(first, labels[::2])
    fresh = build_pipeline().fit(first, labels[::2])
    assert (model.pipeline.predict_proba(second) == fresh.predict_proba(second)).all()
    assert [p.label for p in model.predict(second)] == list(fresh.predict(second))


def test_a_grid_search_winner_saves_and_loads(statements, tmp_path):
    texts, labels = statements["text"].tolist(), statements["label"].tolist()
    search = GridSearchCV(build_pipeline(), {"classifier__C": [1.0, 4.0]}, cv=2).fit(texts, labels)
    path = StanceModel(search.best_estimator_).save(tmp_path / "best.joblib")
    loaded = load_model(path)
    assert loaded.card.versions["scikit-learn"].startswith("1.")
    assert np.abs(loaded.predict_proba(texts) - StanceModel(search.best_estimator_).predict_proba(texts)).max() <= 1e-9
    assert load_model(path, trusted=True).predict(texts[:3]) == StanceModel(search.best_estimator_).predict(texts[:3])


def test_a_two_label_model_saves_loads_and_explains(statements, tmp_path):
    rows = statements[statements["label"].isin(["condemn", "deny"])]
    pipeline = build_pipeline().fit(rows["text"].tolist(), rows["label"].tolist())
    path = StanceModel(pipeline).save(tmp_path / "two.joblib")
    texts = rows["text"].tolist()
    assert np.abs(load_model(path).predict_proba(texts) - StanceModel(pipeline).predict_proba(texts)).max() <= 1e-9
    assert load_model(path).labels == ("condemn", "deny")
    assert load_model(path).explain(texts[0], top=2)


def test_saving_a_pipeline_the_code_free_format_cannot_hold_is_refused(statements, tmp_path):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    pipeline = Pipeline(
        [("features", FeatureUnion([("word", TfidfVectorizer(stop_words="english"))])), ("c", LogisticRegression())]
    ).fit(statements["text"].tolist(), statements["label"].tolist())
    with pytest.raises(StanceError, match="stop_words"):
        StanceModel(pipeline).save(tmp_path / "m.joblib")
    assert not list(tmp_path.iterdir())


def test_one_actors_single_correct_row_scores_one_not_a_quarter():
    report = evaluate(["deny", "condemn", "other"], ["deny", "condemn", "deny"], ["un", "kremlin", "kremlin"])
    assert report["per_actor"]["un"]["macro_f1"] == 1.0
    assert report["per_actor"]["un"]["macro_f1_stance"] == 1.0
    # kremlin: condemn right, other predicted deny: labels condemn, deny, other are present
    assert report["per_actor"]["kremlin"]["macro_f1"] == pytest.approx((1 + 0 + 0) / 3, abs=1e-4)
    assert report["macro_f1"] == pytest.approx((1 + 2 / 3 + 0 + 0) / 4, abs=1e-4)


def test_an_actor_with_only_other_rows_has_no_stance_figure():
    report = evaluate(["other"], ["other"], ["ankara"])
    assert report["per_actor"]["ankara"]["macro_f1"] == 1.0
    assert report["per_actor"]["ankara"]["macro_f1_stance"] is None
