"""The shipped corpus holds its invariants and reaches its targets (DECISIONS.md, REAL_SPEECH.md)."""

import pytest
from helpers import REPO

from stance.corpus import read_corpus, report
from stance.data import is_test_crisis
from stance.schema import ACTORS, LABELS

TRAIN = REPO / "data" / "labeled" / "train.csv"
TEST = REPO / "data" / "labeled" / "test.csv"


@pytest.fixture(scope="module")
def splits():
    return read_corpus(TRAIN), read_corpus(TEST)


@pytest.fixture(scope="module")
def measured(splits):
    return report(*splits)


def test_every_row_is_authored(splits):
    for frame in splits:
        assert set(frame["source"]) == {"authored"}


def test_every_label_and_actor_is_present_in_both_splits(splits):
    for frame in splits:
        assert set(frame["label"]) == set(LABELS)
        assert set(frame["actor"]) == set(ACTORS)


def test_split_is_by_crisis_hash(splits):
    train, test = splits
    assert not set(train["crisis"]) & set(test["crisis"])
    assert all(is_test_crisis(c) for c in set(test["crisis"]))
    assert not any(is_test_crisis(c) for c in set(train["crisis"]))


def test_ids_are_unique_across_splits(splits):
    train, test = splits
    assert not set(train["id"]) & set(test["id"])


def test_no_exact_duplicates(measured):
    assert measured["exact_duplicates"] == []


def test_no_near_duplicates_across_the_split(measured):
    assert measured["near_duplicates"] == []


def test_lengths_are_3_to_100_words(measured):
    assert measured["lengths"]["min"] >= 3 and measured["lengths"]["max"] <= 100


def test_size_and_cells(measured):
    assert measured["rows"]["total"] >= 4000
    assert min(measured["cells"].values()) >= 150
    assert min(measured["test_cells"].values()) >= 20


def test_crises(measured):
    assert measured["crises"]["total"] >= 40
    assert measured["largest_crisis_share"] <= 0.05
    assert 0.15 <= measured["test_share"] <= 0.25


def test_no_four_gram_is_in_more_than_3_percent_of_statements(measured):
    assert measured["top_4grams"][0][1] <= 0.03


@pytest.mark.parametrize("which", ["shares", "test_shares"])
def test_shares_follow_real_speech(measured, which):
    shares = measured[which]
    assert abs(shares["direct"] - 0.60) <= 0.05
    assert 0.40 <= shares["fragments_of_reported"] <= 0.60
    assert shares["first_person_of_direct"] >= 0.50
    assert abs(shares["short_12_words_or_fewer"] - 0.15) <= 0.05
    assert abs(shares["long_40_words_or_more"] - 0.15) <= 0.05
    assert shares["hard"] >= 0.15
    for label, target in measured["explicit_word_targets"].items():
        assert abs(shares[f"explicit_words_{label}"] - target) <= 0.05, label


def test_hard_shapes_reach_every_actor(measured):
    for actor, counts in measured["shapes_per_actor"].items():
        assert min(counts.values()) >= 10, (actor, counts)
    assert measured["cells_lacking"] == {"rhetoric": [], "fragment": []}


def test_the_second_pass_is_recorded_and_applied(splits):
    import pandas as pd
    from sklearn.metrics import cohen_kappa_score

    second = pd.read_csv(TRAIN.parent / "second_pass.csv", dtype=str, keep_default_na=False)
    assert len(second) == 300 and second["id"].is_unique
    assert cohen_kappa_score(second["first_label"], second["second_label"]) >= 0.8
    corpus = pd.concat(splits).set_index("id")
    for row in second.itertuples():
        if row.resolution == "dropped":
            assert row.id not in corpus.index
        elif row.resolution.startswith("relabelled "):
            assert corpus.loc[row.id, "label"] == row.resolution.removeprefix("relabelled ")
        else:
            assert row.resolution == "agreed" and corpus.loc[row.id, "label"] == row.first_label == row.second_label
