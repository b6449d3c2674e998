import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance.model import load_model

texts = st.lists(st.text(min_size=0, max_size=200), min_size=1, max_size=5)
relaxed = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@relaxed
@given(texts)
def test_any_unicode_gets_a_label_and_probabilities_that_sum_to_one(fitted, batch):
    for prediction in fitted.predict(batch):
        assert prediction.label in {"condemn", "deny", "de-escalate", "other"}
        assert math.isclose(sum(prediction.probabilities.values()), 1.0, abs_tol=1e-6)
        assert 0.25 <= prediction.confidence <= 1.0


@relaxed
@given(texts)
def test_predictions_survive_a_save_and_load(fitted, saved_model, batch):
    assert load_model(saved_model).predict(batch) == fitted.predict(batch)


@relaxed
@given(st.text(min_size=1, max_size=200))
def test_explain_never_crashes_and_only_cites_positive_pushes(fitted, text):
    assert all(evidence.weight > 0 for evidence in fitted.explain(text))
