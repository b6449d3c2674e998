"""The model in models/ is the one the shipped data trains, and it does what the README says."""

import json
import tomllib

import pytest
from helpers import REPO

from stance.data import files_sha256
from stance.model import default_model_path, load_model

CARD = json.loads((REPO / "models" / "stance.json").read_text())


@pytest.fixture(scope="module")
def shipped():
    return load_model()


def test_the_default_model_is_the_repositorys():
    assert default_model_path() == REPO / "models" / "stance.joblib"


def test_the_shipped_model_has_both_files_and_a_versioned_card_that_the_wheel_carries():
    assert CARD["format_version"] == 2
    assert set(CARD["sha256"]) == {"joblib", "npz"}
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    carried = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for suffix in (".joblib", ".npz", ".json"):
        assert (REPO / "models" / f"stance{suffix}").exists()
        assert carried[f"models/stance{suffix}"] == f"stance/models/stance{suffix}"


def test_the_shipped_model_loads_code_free_and_trusted_to_the_same_labels(shipped):
    lines = (REPO / "examples" / "statements.txt").read_text().splitlines()
    trusted = load_model(trusted=True)
    assert [p.label for p in shipped.predict(lines)] == [p.label for p in trusted.predict(lines)]


def test_the_card_hashes_the_shipped_data_so_a_stale_model_fails():
    covered = [REPO / path for path in CARD["training_data"]["sha256_covers"]]
    assert [p.name for p in covered] == ["train.csv", "test.csv"]
    assert files_sha256(covered) == CARD["training_data"]["sha256"], "data changed: run python train.py"


def test_the_card_reports_cross_validation_and_held_out_scores():
    assert CARD["cross_validation"]["scheme"].startswith("StratifiedGroupKFold by crisis")
    assert CARD["held_out"]["file"] == "data/labeled/test.csv"
    assert set(CARD["candidates"]) >= {CARD["settings"]["name"]}


def test_the_readme_condemnation_is_labelled_condemn(shipped):
    [prediction] = shipped.predict(["The United States condemns in the strongest terms this despicable attack."])
    assert prediction.label == "condemn"


def test_the_examples_cover_every_label(shipped):
    lines = (REPO / "examples" / "statements.txt").read_text().splitlines()
    assert len(lines) == 12
    assert {p.label for p in shipped.predict(lines)} == {"condemn", "deny", "de-escalate", "other"}
