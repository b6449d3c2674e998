"""The code-free model file, the card that pairs it with the joblib file, and models that try to run code."""

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from stance.card import render
from stance.cli import app
from stance.data import read_labelled
from stance.errors import StanceError
from stance.model import load_model
from stance.training import train

REPO = Path(__file__).parent.parent
HELD_OUT = REPO / "data" / "labeled" / "test.csv"
FIXTURES = REPO / "tests" / "fixtures" / "statements.csv"


@pytest.fixture(scope="module")
def shipped_pair():
    return load_model(), load_model(trusted=True)


@pytest.mark.parametrize("data", [HELD_OUT, FIXTURES], ids=["held-out split", "fixture set"])
def test_the_code_free_model_predicts_what_the_pipeline_predicts(shipped_pair, data):
    code_free, pickled = shipped_pair
    texts = read_labelled([data])["text"].tolist()
    difference = np.abs(code_free.predict_proba(texts) - pickled.predict_proba(texts))
    assert difference.max() <= 1e-9


def test_the_code_free_model_explains_with_the_pipelines_evidence(shipped_pair):
    code_free, pickled = shipped_pair
    text = "We categorically reject these fabricated accusations and call for calm."
    assert [(e.feature, e.kind) for e in code_free.explain(text, top=8)] == [
        (e.feature, e.kind) for e in pickled.explain(text, top=8)
    ]
    assert [e.weight for e in code_free.explain(text, top=8)] == pytest.approx(
        [e.weight for e in pickled.explain(text, top=8)], abs=1e-6
    )


def test_loading_the_default_model_imports_neither_scikit_learn_nor_scipy():
    probe = (
        "import sys; from stance.model import load_model; m = load_model(); "
        "print(m.predict(['We deny it.'])[0].label); "
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'sklearn', 'scipy', 'joblib', 'pandas'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.splitlines()[1] == "[]"


def test_a_code_free_model_has_no_pipeline_and_says_how_to_get_one(saved_model):
    with pytest.raises(StanceError, match=r"trusted=True"):
        load_model(saved_model).pipeline  # noqa: B018
    assert load_model(saved_model, trusted=True).pipeline.classes_ is not None


def test_a_model_can_be_shared_without_its_joblib_file(saved_model, fitted):
    saved_model.unlink()
    assert load_model(saved_model).predict(["We urge calm."])[0].label == fitted.predict(["We urge calm."])[0].label
    with pytest.raises(StanceError, match="no such model file"):
        load_model(saved_model, trusted=True)


def test_a_path_to_the_npz_or_the_card_loads_the_model_beside_it(saved_model):
    for path in (saved_model.with_suffix(".npz"), saved_model.with_suffix(".json")):
        assert load_model(path).card.sha256 == load_model(saved_model).card.sha256


def test_a_changed_code_free_file_is_refused_before_it_is_read(saved_model):
    with saved_model.with_suffix(".npz").open("ab") as handle:
        handle.write(b"x")
    with pytest.raises(StanceError, match="SHA-256 differs"):
        load_model(saved_model)


def test_a_model_left_by_two_trainings_at_once_is_refused(statements, tmp_path):
    """Two `train --out` runs interleaving their renames: one run's npz beside the other's joblib and card."""
    path = tmp_path / "model.joblib"
    train(statements, cv=0, seed=1).save(path)
    first_npz = path.with_suffix(".npz").read_bytes()
    train(statements.iloc[::2], cv=0, seed=2).save(path)
    path.with_suffix(".npz").write_bytes(first_npz)
    for trusted in (False, True):
        with pytest.raises(StanceError, match="another training run"):
            load_model(path, trusted=trusted)


def test_an_old_style_card_asks_to_retrain(saved_model):
    card_file = saved_model.with_suffix(".json")
    card = json.loads(card_file.read_text())
    del card["format_version"], card["sha256"]
    card["model_sha256"] = "0" * 64
    card_file.write_text(json.dumps(card))
    with pytest.raises(StanceError, match=r"old-style model card.*retrain"):
        load_model(saved_model)


def test_info_json_prints_the_card_as_saved(saved_model):
    result = CliRunner().invoke(app, ["info", "-m", str(saved_model), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(saved_model.with_suffix(".json").read_text())
    assert result.stdout == render(load_model(saved_model).card)


def test_info_refuses_an_unknown_format(saved_model):
    result = CliRunner().invoke(app, ["info", "-m", str(saved_model), "--format", "yaml"])
    assert result.exit_code == 1 and "unknown format 'yaml'" in result.stderr


# --- a model file that runs code when unpickled -------------------------------------------------


class _WritesMarker:
    """Unpickles into `open(marker, "w")`: proof that loading ran code of the file's choosing."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.fixture
def malicious_model(saved_model, tmp_path):
    """A crafted joblib file beside a genuine npz, with a card whose hashes match both."""
    marker = tmp_path / "marker"
    saved_model.write_bytes(pickle.dumps(_WritesMarker(marker)))
    card_file = saved_model.with_suffix(".json")
    card = json.loads(card_file.read_text())
    card["sha256"]["joblib"] = __import__("hashlib").sha256(saved_model.read_bytes()).hexdigest()
    card_file.write_text(json.dumps(card))
    return saved_model, marker


def test_loading_a_malicious_model_runs_none_of_its_code(malicious_model, monkeypatch):
    path, marker = malicious_model
    assert load_model(path).predict(["We urge calm."])
    runner = CliRunner()
    assert runner.invoke(app, ["info", "-m", str(path)]).exit_code == 0
    assert runner.invoke(app, ["classify", "-m", str(path), "We urge calm."]).exit_code == 0
    monkeypatch.setenv("STANCE_MODEL", str(path))
    assert load_model().predict(["We urge calm."])
    assert runner.invoke(app, ["classify", "We urge calm."]).exit_code == 0
    assert not marker.exists()
    with pytest.raises(StanceError, match="not a stance model"):
        load_model(path, trusted=True)
    assert marker.exists()  # the opt-in does unpickle: the test above could have failed


def test_the_cli_runs_a_malicious_models_code_only_with_trust_model(malicious_model):
    path, marker = malicious_model
    done = subprocess.run(
        [sys.executable, "-m", "stance", "classify", "-m", str(path), "We urge calm."], capture_output=True, text=True
    )
    assert done.returncode == 0 and not marker.exists()
    trusted = subprocess.run(
        [sys.executable, "-m", "stance", "classify", "-m", str(path), "--trust-model", "We urge calm."],
        capture_output=True,
        text=True,
    )
    assert trusted.returncode == 1 and "error: " in trusted.stderr and marker.exists()


def test_a_code_free_file_holding_a_pickled_object_is_refused_unread(saved_model, tmp_path):
    marker = tmp_path / "marker"
    npz = saved_model.with_suffix(".npz")
    with npz.open("wb") as handle:
        np.savez(handle, settings=np.array([_WritesMarker(marker)], dtype=object), allow_pickle=True)
    card_file = saved_model.with_suffix(".json")
    card = json.loads(card_file.read_text())
    card["sha256"]["npz"] = __import__("hashlib").sha256(npz.read_bytes()).hexdigest()
    card_file.write_text(json.dumps(card))
    with pytest.raises(StanceError, match="not a readable code-free stance model"):
        load_model(saved_model)
    assert not marker.exists()


def test_a_shipped_model_copied_under_another_name_still_loads(tmp_path):
    for suffix in (".joblib", ".npz", ".json"):
        shutil.copy(REPO / "models" / f"stance{suffix}", tmp_path / f"copy{suffix}")
    assert load_model(tmp_path / "copy.joblib").predict(["We urge calm."]) == load_model().predict(["We urge calm."])


_PIECES = [  # joined with nothing between them: words meet single tabs, no-break spaces, line separators
    " ",
    *["We", "categorically", "reject", "these", "fabricated", "claims", "and", "urge", "restraint", "on", "sides"],
    *["\t", "\n", "  ", "\xa0", "\u2028", "\u3000", "İstanbul", "ÉTAT", "straße", "—", "U.S.", "don't", "a", ""],
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join), min_size=1, max_size=4))
def test_the_code_free_model_tokenises_odd_text_as_scikit_learn_does(shipped_pair, batch):
    code_free, pickled = shipped_pair
    assert np.abs(code_free.predict_proba(batch) - pickled.predict_proba(batch)).max() <= 1e-9
